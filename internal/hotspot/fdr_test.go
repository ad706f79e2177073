package hotspot_test

import (
	"math"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

// The 15 p-values of Benjamini & Hochberg (1995), section 4.2, already
// sorted. With m = 15 and q = 0.05 the cut-offs are (k/15)·0.05:
//
//	k   p_(k)    (k/15)·0.05
//	1   0.0001   0.00333   ≤
//	2   0.0004   0.00667   ≤
//	3   0.0019   0.01000   ≤
//	4   0.0095   0.01333   ≤   ← the largest k with p_(k) ≤ cut-off
//	5   0.0201   0.01667   >
//	6   0.0278   0.02000   >
//	7   0.0298   0.02333   >
//	8   0.0344   0.02667   >
//	9   0.0459   0.03000   >
//	10  0.3240   0.03333   >   ... and so on to k = 15
//
// so the procedure rejects the first four (the paper's result; Bonferroni,
// 0.05/15 = 0.00333, rejects three).
var bh1995 = []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}

func TestBHRejectsTheFirstFourOfTheBenjaminiHochbergExample(t *testing.T) {
	// Shuffled, to check that the answer comes back in input order.
	perm := []int{9, 3, 14, 0, 7, 12, 1, 5, 10, 2, 13, 4, 8, 11, 6}
	ps := make([]float64, len(perm))
	for i, j := range perm {
		ps[i] = bh1995[j]
	}
	got := hotspot.BH(ps, 0.05)
	for i, j := range perm {
		if want := j < 4; got[i] != want {
			t.Errorf("p=%v: rejected %v, want %v", ps[i], got[i], want)
		}
	}

	// Adjusted p-values, p̃_(k) = min_{j≥k} min(1, 15 p_(j)/j):
	//
	//	k=15: 15·1.000/15 = 1            k=7: 15·0.0298/7 = 0.0638571  (< 0.0645, 0.0765, 0.486 …)
	//	k=14: 15·0.7590/14 = 0.813214    k=6: 15·0.0278/6 = 0.0695 → min with k=7: 0.0638571
	//	k=13: 15·0.6528/13 = 0.753231    k=5: 15·0.0201/5 = 0.0603
	//	k=12: 15·0.5719/12 = 0.714875    k=4: 15·0.0095/4 = 0.035625
	//	k=11: 15·0.4262/11 = 0.581182    k=3: 15·0.0019/3 = 0.0095
	//	k=10: 15·0.3240/10 = 0.486       k=2: 15·0.0004/2 = 0.003
	//	k=9:  15·0.0459/9  = 0.0765      k=1: 15·0.0001/1 = 0.0015
	//	k=8:  15·0.0344/8  = 0.0645
	want := []float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603, 15 * 0.0298 / 7, 15 * 0.0298 / 7, 0.0645, 0.0765, 0.486,
		15 * 0.4262 / 11, 15 * 0.5719 / 12, 15 * 0.6528 / 13, 15 * 0.7590 / 14, 1}
	adj := hotspot.BHAdjust(bh1995)
	for k := range want {
		if math.Abs(adj[k]-want[k]) > 1e-12 {
			t.Errorf("adjusted p_(%d) = %v, want %v", k+1, adj[k], want[k])
		}
	}
	// Rejected at q exactly when the adjusted p-value is at most q.
	for _, q := range []float64{0.001, 0.01, 0.05, 0.0603, 0.07, 0.1, 0.5, 1} {
		rej := hotspot.BH(bh1995, q)
		for k := range rej {
			if rej[k] != (adj[k] <= q) {
				t.Errorf("q=%v k=%d: BH %v, adjusted %v", q, k+1, rej[k], adj[k])
			}
		}
	}
}

// A hand example where the step-up matters: m = 4, q = 0.05, cut-offs
// 0.0125, 0.025, 0.0375, 0.05. p = (0.04, 0.03, 0.045, 0.02) sorted is
// 0.02 > 0.0125, 0.03 > 0.025, 0.04 > 0.0375, but 0.045 ≤ 0.05: k = 4, so
// all four are rejected though the smallest fails its own cut-off.
func TestBHStepsUpFromTheLargestPassingRank(t *testing.T) {
	ps := []float64{0.04, 0.03, 0.045, 0.02}
	for i, r := range hotspot.BH(ps, 0.05) {
		if !r {
			t.Errorf("p=%v not rejected", ps[i])
		}
	}
	for i, a := range hotspot.BHAdjust(ps) {
		if math.Abs(a-0.045) > 1e-15 {
			t.Errorf("adjusted p of %v = %v, want 0.045 (4·0.045/4 for all)", ps[i], a)
		}
	}
	// NaN is never rejected and sorts last; empty input is fine.
	got := hotspot.BH([]float64{math.NaN(), 0.001}, 0.05)
	if got[0] || !got[1] {
		t.Errorf("NaN: %v", got)
	}
	if adj := hotspot.BHAdjust([]float64{math.NaN(), 0.001}); !math.IsNaN(adj[0]) || adj[1] != 0.002 {
		t.Errorf("NaN adjusted: %v", adj)
	}
	if len(hotspot.BH(nil, 0.05)) != 0 {
		t.Error("empty")
	}
}

func TestConfidenceClasses(t *testing.T) {
	for _, c := range []struct {
		z, p float64
		want hotspot.Confidence
	}{
		{3.2, hotspot.PValue(3.2), hotspot.Hot99},
		{2.0, hotspot.PValue(2.0), hotspot.Hot95},
		{1.7, hotspot.PValue(1.7), hotspot.Hot90},
		{1.6, hotspot.PValue(1.6), hotspot.NotSignificant},
		{-1.7, hotspot.PValue(-1.7), hotspot.Cold90},
		{-2.0, hotspot.PValue(-2.0), hotspot.Cold95},
		{-2.6, hotspot.PValue(-2.6), hotspot.Cold99},
		{0, 1, hotspot.NotSignificant},
		{1, 0.01, hotspot.Hot99}, // the thresholds are inclusive
		{1, 0.05, hotspot.Hot95},
		{1, 0.10, hotspot.Hot90},
	} {
		if got := hotspot.Classify(c.z, c.p); got != c.want {
			t.Errorf("Classify(%v, %v) = %v, want %v", c.z, c.p, got, c.want)
		}
	}
	if hotspot.Hot99.String() != "hot 99%" || hotspot.Cold90.String() != "cold 90%" || hotspot.NotSignificant.String() != "not significant" {
		t.Error("String", hotspot.Hot99, hotspot.Cold90, hotspot.NotSignificant)
	}
	// ClassifyFDR on the BH example, with alternating signs. At q = 0.10
	// the cut-offs are k/150; the largest passing rank is k = 9 (0.0459 ≤
	// 0.06; 0.3240 > 0.0667 and every later p exceeds its cut-off), so nine
	// are significant at 90 %. At q = 0.05 the first four (above). At
	// q = 0.01 the cut-offs are k/1500: 0.0019 ≤ 0.002 at k = 3, 0.0095 >
	// 0.00267 at k = 4 and every later p exceeds its cut-off: three at 99 %.
	zs := make([]float64, len(bh1995))
	for k := range zs {
		zs[k] = 1
		if k%2 == 1 {
			zs[k] = -1
		}
	}
	got := hotspot.ClassifyFDR(zs, bh1995)
	want := []hotspot.Confidence{3, -3, 3, -2, 1, -1, 1, -1, 1, 0, 0, 0, 0, 0, 0}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("ClassifyFDR p_(%d)=%v: %v, want %v", k+1, bh1995[k], got[k], want[k])
		}
	}
}
