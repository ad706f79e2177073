package hotspot

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Result is the Gi* statistic of one cell.
type Result struct {
	Z float64 // Gi* z-score: > 0 a cluster of high values, < 0 of low values
	P float64 // two-sided p-value of Z
	N int     // Σ_j w_ij: the cell and its neighbours inside the study area
}

// PValue is the two-sided p-value of a standard normal z-score,
// 2(1 − Φ(|z|)) = erfc(|z|/√2).
func PValue(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// GiStar computes Gi* for every cell of the study area from values (cells
// of the study area without a value count as 0; a value outside it is an
// error). A nil study means StudyArea of the cells in values. All cells
// must have one resolution.
func GiStar(values map[Cell]float64, study []Cell) (map[Cell]Result, error) {
	if study == nil {
		keys := make([]Cell, 0, len(values))
		for c := range values {
			keys = append(keys, c)
		}
		study = StudyArea(keys)
	}
	s, err := NewStudy(study)
	if err != nil {
		return nil, err
	}
	x, err := s.Vector(values)
	if err != nil {
		return nil, err
	}
	res := s.GiStar(x)
	out := make(map[Cell]Result, len(res))
	for i, c := range s.cells {
		out[c] = res[i]
	}
	return out, nil
}

// GiStar computes Gi* for each cell of the study area from x, the value of
// each cell (x[i] for Cells()[i]). It panics when len(x) ≠ Len().
func (s *Study) GiStar(x []float64) []Result {
	if len(x) != len(s.cells) {
		panic(fmt.Sprintf("hotspot: %d values for a study area of %d cells", len(x), len(s.cells)))
	}
	mean, sd := meanSD(x)
	n := float64(len(x))
	out := make([]Result, len(x))
	for i := range x {
		var sum float64
		nb := s.neighbourhood(i)
		for _, j := range nb {
			sum += x[j]
		}
		z := giStar(sum, float64(len(nb)), n, mean, sd)
		out[i] = Result{Z: z, P: PValue(z), N: len(nb)}
	}
	return out
}

// giStar is Gi* for a neighbourhood of w cells (binary weights) whose
// values sum to sum, in a study area of n values with mean and standard
// deviation sd; 0 where it is 0/0.
func giStar(sum, w, n, mean, sd float64) float64 {
	// sd is 0 when every value is equal; with values that are not
	// integers, rounding can leave it a few ulps above.
	den := sd * math.Sqrt(w*(n-w)/(n-1))
	if sd <= 1e-12*(math.Abs(mean)+1) || !(den > 0) {
		return 0
	}
	return (sum - mean*w) / den
}

// meanSD returns the mean and the population standard deviation
// √(Σ(x − x̄)²/n), in two passes.
func meanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return 0, 0
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean = sum / float64(len(x))
	var ss float64
	for _, v := range x {
		d := v - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}

// sortedOrder returns the positions of ps in ascending order of p (ties
// in order of position); NaN sorts last.
func sortedOrder(ps []float64) []int {
	type kv struct {
		p float64
		i int
	}
	kvs := make([]kv, len(ps))
	for i, p := range ps {
		if math.IsNaN(p) {
			p = math.Inf(1)
		}
		kvs[i] = kv{p, i}
	}
	slices.SortFunc(kvs, func(a, b kv) int {
		if c := cmp.Compare(a.p, b.p); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	order := make([]int, len(ps))
	for k, e := range kvs {
		order[k] = e.i
	}
	return order
}
