package hotspot

import "fmt"

// Cube is a space-time cube: one value per study cell per time bin.
type Cube struct {
	Study *Study
	// Bins[t][i] is the value of Study.Cells()[i] in bin t, oldest first;
	// the last bin is now.
	Bins [][]float64
}

// NewCube builds a cube from one map of values per bin (oldest first). A
// nil study means StudyArea of every cell with a value in any bin; cells
// without a value in a bin count as 0 there.
func NewCube(bins []map[Cell]float64, study []Cell) (*Cube, error) {
	if study == nil {
		seen := make(map[Cell]struct{})
		var cells []Cell
		for _, b := range bins {
			for c := range b {
				if _, ok := seen[c]; !ok {
					seen[c] = struct{}{}
					cells = append(cells, c)
				}
			}
		}
		study = StudyArea(cells)
	}
	s, err := NewStudy(study)
	if err != nil {
		return nil, err
	}
	cube := &Cube{Study: s, Bins: make([][]float64, len(bins))}
	for t, b := range bins {
		if cube.Bins[t], err = s.Vector(b); err != nil {
			return nil, fmt.Errorf("bin %d: %w", t, err)
		}
	}
	return cube, nil
}

// GiStar computes the space-time Gi* of every bin: the neighbourhood of
// cell i in bin t is its first ring, itself included, in bins
// t − timeStep … t (fewer at the start of the cube), with binary weights;
// the mean, the standard deviation and n are those of all the cube's
// values. The result is indexed [t][i] like Bins. It panics when a bin has
// the wrong length or timeStep < 0.
func (c *Cube) GiStar(timeStep int) [][]Result {
	if timeStep < 0 {
		panic("hotspot: negative time step")
	}
	nc := c.Study.Len()
	all := make([]float64, 0, nc*len(c.Bins))
	for t, b := range c.Bins {
		if len(b) != nc {
			panic(fmt.Sprintf("hotspot: bin %d has %d values for %d cells", t, len(b), nc))
		}
		all = append(all, b...)
	}
	mean, sd := meanSD(all)
	n := float64(len(all))
	// Spatial neighbourhood sums per bin, then a window over the bins.
	spatial := make([][]float64, len(c.Bins))
	for t, b := range c.Bins {
		sums := make([]float64, nc)
		for i := range sums {
			for _, j := range c.Study.neighbourhood(i) {
				sums[i] += b[j]
			}
		}
		spatial[t] = sums
	}
	out := make([][]Result, len(c.Bins))
	backing := make([]Result, nc*len(c.Bins))
	for t := range c.Bins {
		out[t] = backing[t*nc : (t+1)*nc]
		from := max(0, t-timeStep)
		for i := 0; i < nc; i++ {
			var sum float64
			for u := from; u <= t; u++ {
				sum += spatial[u][i]
			}
			w := c.Study.Weight(i) * (t - from + 1)
			z := giStar(sum, float64(w), n, mean, sd)
			out[t][i] = Result{Z: z, P: PValue(z), N: w}
		}
	}
	return out
}

// TrendOptions configure Cube.Emerging.
type TrendOptions struct {
	// TimeStep is the number of earlier bins in each bin's neighbourhood
	// (ArcGIS's Neighborhood Time Step; 0: the bin alone).
	TimeStep int
	// FDR applies the false discovery rate correction, once over every bin
	// of the cube, to the bin classes.
	FDR bool
	Rules
}

// DefaultTrendOptions are ArcGIS's neighbourhood (this bin and the one
// before) with the FDR correction, a bin counting as a hot or cold spot at
// 90 % confidence and a trend at 95 %.
var DefaultTrendOptions = TrendOptions{TimeStep: 1, FDR: true, Rules: Rules{MinLevel: Hot90, TrendAlpha: 0.05}}

// Trend is the emerging hot spot analysis of one cell.
type Trend struct {
	Cell    Cell
	Pattern Pattern
	MK      MK           // Mann-Kendall test of Z
	Z, P    []float64    // Gi* z-score and p-value per bin
	Bins    []Confidence // class per bin
}

// Emerging runs the emerging hot spot analysis: space-time Gi* over the
// cube, bin classes (with the FDR correction over all bins when asked
// for), and each cell's pattern from its series. The result is in the
// order of Study.Cells().
func (c *Cube) Emerging(opt TrendOptions) []Trend {
	res := c.GiStar(opt.TimeStep)
	nc, nt := c.Study.Len(), len(c.Bins)
	// Series per cell, in three backing arrays.
	zs := make([]float64, nc*nt)
	ps := make([]float64, nc*nt)
	for t := range res {
		for i, r := range res[t] {
			zs[i*nt+t] = r.Z
			ps[i*nt+t] = r.P
		}
	}
	var bins []Confidence
	if opt.FDR {
		bins = ClassifyFDR(zs, ps)
	} else {
		bins = make([]Confidence, len(zs))
		for k := range zs {
			bins[k] = Classify(zs[k], ps[k])
		}
	}
	out := make([]Trend, nc)
	for i, cell := range c.Study.Cells() {
		a, b := i*nt, (i+1)*nt
		tr := Trend{Cell: cell, Z: zs[a:b:b], P: ps[a:b:b], Bins: bins[a:b:b]}
		tr.Pattern, tr.MK = Emerging(tr.Z, tr.Bins, opt.Rules)
		out[i] = tr
	}
	return out
}
