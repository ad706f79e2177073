package hotspot

import (
	"math"
	"slices"
)

// MK is the result of a Mann-Kendall trend test (see the package
// documentation for the formulas).
type MK struct {
	S    int     // Σ_{k<j} sign(x_j − x_k)
	VarS float64 // variance of S under no trend, corrected for ties
	Z    float64 // (S ∓ 1)/√Var(S), with the continuity correction
	P    float64 // two-sided p-value of Z
	Tau  float64 // Kendall's τ-b between the series and time
	// Trend is +1 for a significant increasing trend, −1 for a significant
	// decreasing one, 0 otherwise, at P ≤ 0.05 (see TrendAt).
	Trend int
}

// TrendAt is +1 (−1) when the series increases (decreases) with P ≤ alpha,
// else 0.
func (m MK) TrendAt(alpha float64) int {
	if m.P > alpha || m.S == 0 {
		return 0
	}
	if m.S > 0 {
		return 1
	}
	return -1
}

// MannKendall tests series (oldest first) for a monotonic trend. NaN
// values are not allowed (they compare as ties with nothing).
func MannKendall(series []float64) MK {
	n := len(series)
	var s int
	for k := 0; k < n; k++ {
		for j := k + 1; j < n; j++ {
			switch d := series[j] - series[k]; {
			case d > 0:
				s++
			case d < 0:
				s--
			}
		}
	}
	// Ties: the sizes t of the groups of equal values.
	sorted := slices.Clone(series)
	slices.Sort(sorted)
	var tieVar, tiePairs float64
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			tieVar += t * (t - 1) * (2*t + 5)
			tiePairs += t * (t - 1) / 2
		}
		i = j
	}
	fn := float64(n)
	m := MK{S: s, VarS: (fn*(fn-1)*(2*fn+5) - tieVar) / 18, P: 1}
	if m.VarS > 0 {
		switch {
		case s > 0:
			m.Z = float64(s-1) / math.Sqrt(m.VarS)
		case s < 0:
			m.Z = float64(s+1) / math.Sqrt(m.VarS)
		}
		m.P = PValue(m.Z)
	} else {
		m.VarS = 0
	}
	if n0 := fn * (fn - 1) / 2; n0-tiePairs > 0 {
		m.Tau = float64(s) / math.Sqrt((n0-tiePairs)*n0)
	}
	m.Trend = m.TrendAt(0.05)
	return m
}
