package hotspot_test

import (
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

func checkMK(t *testing.T, name string, got, want hotspot.MK) {
	t.Helper()
	if got.S != want.S || !near(got.VarS, want.VarS) || !near(got.Z, want.Z) || !near(got.P, want.P) || !near(got.Tau, want.Tau) || got.Trend != want.Trend {
		t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
	}
}

// 1, 2, …, 10: every one of the 45 pairs increases, S = 45; no ties,
// Var(S) = n(n−1)(2n+5)/18 = 10·9·25/18 = 125; Z = (45 − 1)/√125 =
// 3.9354796403996299; p = erfc(Z/√2) = 8.3030703326449734e-5; τ = 45/45.
func TestMannKendallIncreasing(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	checkMK(t, "1..10", hotspot.MannKendall(x), hotspot.MK{
		S: 45, VarS: 125, Z: 3.9354796403996299, P: 8.3030703326449734e-5, Tau: 1, Trend: 1,
	})
}

// 10, 9, …, 1: the mirror, S = −45, Z = (−45 + 1)/√125.
func TestMannKendallDecreasing(t *testing.T) {
	x := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	checkMK(t, "10..1", hotspot.MannKendall(x), hotspot.MK{
		S: -45, VarS: 125, Z: -3.9354796403996299, P: 8.3030703326449734e-5, Tau: -1, Trend: -1,
	})
}

// All equal: S = 0; one group of t = n ties, so Var(S) = (n(n−1)(2n+5) −
// n(n−1)(2n+5))/18 = 0; Z = 0, p = 1, τ = 0 (no untied pair).
func TestMannKendallFlat(t *testing.T) {
	checkMK(t, "flat", hotspot.MannKendall([]float64{4, 4, 4, 4, 4, 4, 4}), hotspot.MK{P: 1})
	checkMK(t, "one value", hotspot.MannKendall([]float64{4}), hotspot.MK{P: 1})
	checkMK(t, "none", hotspot.MannKendall(nil), hotspot.MK{P: 1})
}

// 3, 1, 4, 1, 5, 9, 2, 6, 5, 3 (n = 10). For each value, later values
// above minus later values below (equal ones count 0):
//
//	3: above 4,5,9,6,5 (5), below 1,1,2 (3)  → +2
//	1: above 4,5,9,2,6,5,3 (7), below none   → +7
//	4: above 5,9,6,5 (4), below 1,2,3 (3)     → +1
//	1: above 5,9,2,6,5,3 (6)                  → +6
//	5: above 9,6 (2), below 2,3 (2)           →  0
//	9: below 2,6,5,3 (4)                      → −4
//	2: above 6,5,3 (3)                        → +3
//	6: below 5,3 (2)                          → −2
//	5: below 3 (1)                            → −1
//	S = 2 + 7 + 1 + 6 + 0 − 4 + 3 − 2 − 1 = 12
//
// Ties: three groups of two (1, 3, 5), each t(t−1)(2t+5) = 2·1·9 = 18:
// Var(S) = (10·9·25 − 3·18)/18 = (2250 − 54)/18 = 2196/18 = 122.
// Z = (12 − 1)/√122 = 0.99589320646770384, p = 0.31930203648285485.
// τ-b = S/√((n₀ − n₁)·n₀), n₀ = 45, n₁ = 3·(2·1/2) = 3:
// 12/√(42·45) = 12/√1890 = 0.27602622373694169. Not significant.
func TestMannKendallWithTies(t *testing.T) {
	x := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	checkMK(t, "ties", hotspot.MannKendall(x), hotspot.MK{
		S: 12, VarS: 122, Z: 0.99589320646770384, P: 0.31930203648285485, Tau: 0.27602622373694169,
	})
	if m := hotspot.MannKendall(x); m.TrendAt(0.5) != 1 || m.TrendAt(0.3) != 0 {
		t.Errorf("TrendAt: %d at 0.5, %d at 0.3", m.TrendAt(0.5), m.TrendAt(0.3))
	}
}
