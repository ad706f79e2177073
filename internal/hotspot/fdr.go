package hotspot

import (
	"math"
	"strconv"
)

// BH runs the Benjamini-Hochberg step-up procedure at false discovery rate
// q over ps and reports which hypotheses it rejects: with the p-values
// sorted ascending, the first k where k is the largest with
// p_(k) ≤ (k/m) q. NaN p-values are never rejected (they sort last).
func BH(ps []float64, q float64) []bool {
	out := make([]bool, len(ps))
	order := smallest(ps, q)
	for _, i := range order[:bhCount(ps, order, q)] {
		out[i] = true
	}
	return out
}

// smallest returns the positions of the p-values at most limit, in
// ascending order of p: the first ranks of the full order, which are all
// BH at q ≤ limit can reject (p_(k) ≤ (k/m) q ≤ q). Sorting only those is
// what keeps the FDR over a million bins fast.
func smallest(ps []float64, limit float64) []int {
	var sel []float64
	var pos []int
	for i, p := range ps {
		if p <= limit {
			sel = append(sel, p)
			pos = append(pos, i)
		}
	}
	order := sortedOrder(sel)
	for k, j := range order {
		order[k] = pos[j]
	}
	return order
}

// bhCount is the number k of hypotheses BH rejects at q, given order, the
// positions of the smallest p-values of ps (at least all those ≤ q) in
// ascending order.
func bhCount(ps []float64, order []int, q float64) int {
	m := float64(len(ps))
	for k := len(order); k > 0; k-- {
		if p := ps[order[k-1]]; p <= float64(k)/m*q {
			return k
		}
	}
	return 0
}

// BHAdjust returns the Benjamini-Hochberg adjusted p-values, in the order
// of ps: p̃_(k) = min over j ≥ k of min(1, m p_(j) / j). BH(ps, q) rejects
// exactly the hypotheses with p̃ ≤ q. A NaN stays NaN.
func BHAdjust(ps []float64) []float64 {
	out := make([]float64, len(ps))
	order := sortedOrder(ps)
	m := float64(len(ps))
	running := 1.0
	for k := len(order); k > 0; k-- {
		i := order[k-1]
		if math.IsNaN(ps[i]) {
			out[i] = math.NaN()
			continue
		}
		running = math.Min(running, m*ps[i]/float64(k))
		out[i] = running
	}
	return out
}

// Confidence is a hot or cold spot class as ArcGIS's Gi_Bin field: the sign
// of z times 3, 2 or 1 for 99, 95 or 90 % confidence, 0 when not
// significant.
type Confidence int8

// The confidence classes.
const (
	Cold99         Confidence = -3
	Cold95         Confidence = -2
	Cold90         Confidence = -1
	NotSignificant Confidence = 0
	Hot90          Confidence = 1
	Hot95          Confidence = 2
	Hot99          Confidence = 3
)

// String returns "hot 99%", "cold 90%", "not significant" and so on.
func (c Confidence) String() string {
	switch {
	case c >= Hot90 && c <= Hot99:
		return "hot " + strconv.Itoa(levels[c-1].percent) + "%"
	case c <= Cold90 && c >= Cold99:
		return "cold " + strconv.Itoa(levels[-c-1].percent) + "%"
	case c == NotSignificant:
		return "not significant"
	}
	return "Confidence(" + strconv.Itoa(int(c)) + ")"
}

// levels are the confidence levels, class 1 to 3.
var levels = [3]struct {
	alpha   float64
	percent int
}{{0.10, 90}, {0.05, 95}, {0.01, 99}}

// Classify returns the class of one cell without correction for multiple
// testing: the sign of z times 3, 2 or 1 when p ≤ 0.01, 0.05 or 0.10.
func Classify(z, p float64) Confidence {
	var level Confidence
	for l, lv := range levels {
		if p <= lv.alpha {
			level = Confidence(l + 1)
		}
	}
	return signed(z, level)
}

// ClassifyFDR returns the class of each cell with ArcGIS's false discovery
// rate correction over all of them: BH at q = 0.10, 0.05 and 0.01, and
// each cell's class is the sign of its z times the highest confidence at
// which it is rejected. zs and ps are parallel; it panics when their
// lengths differ.
func ClassifyFDR(zs, ps []float64) []Confidence {
	if len(zs) != len(ps) {
		panic("hotspot: ClassifyFDR with " + strconv.Itoa(len(zs)) + " z-scores and " + strconv.Itoa(len(ps)) + " p-values")
	}
	out := make([]Confidence, len(ps))
	order := smallest(ps, levels[0].alpha)
	// The rejected sets are nested (a larger q rejects a superset): the
	// first k1 cells in p order are significant at 90 %, the first k2 ≤ k1
	// at 95 %, the first k3 ≤ k2 at 99 %.
	for l, lv := range levels {
		for _, i := range order[:bhCount(ps, order, lv.alpha)] {
			out[i] = Confidence(l + 1)
		}
	}
	for i := range out {
		out[i] = signed(zs[i], out[i])
	}
	return out
}

// Classes returns the class of every cell of a GiStar result, with the
// FDR correction over all of them when fdr is set.
func Classes(res map[Cell]Result, fdr bool) map[Cell]Confidence {
	out := make(map[Cell]Confidence, len(res))
	if !fdr {
		for c, r := range res {
			out[c] = Classify(r.Z, r.P)
		}
		return out
	}
	cells := make([]Cell, 0, len(res))
	zs := make([]float64, 0, len(res))
	ps := make([]float64, 0, len(res))
	for c, r := range res {
		cells = append(cells, c)
		zs = append(zs, r.Z)
		ps = append(ps, r.P)
	}
	for i, k := range ClassifyFDR(zs, ps) {
		out[cells[i]] = k
	}
	return out
}

func signed(z float64, level Confidence) Confidence {
	switch {
	case level == 0 || z == 0 || math.IsNaN(z):
		return NotSignificant
	case z < 0:
		return -level
	}
	return level
}
