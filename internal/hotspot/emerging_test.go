package hotspot_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

// Bin z-scores for the constructed series: H is a hot spot at 99 %, C a
// cold spot at 99 %, o not significant (p = 0.62).
const (
	H = 3.0
	C = -3.0
	o = 0.5
)

// classesOf classifies each z without correction.
func classesOf(z []float64) []hotspot.Confidence {
	out := make([]hotspot.Confidence, len(z))
	for i := range z {
		out[i] = hotspot.Classify(z[i], hotspot.PValue(z[i]))
	}
	return out
}

func ramp(from, step float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = from + step*float64(i)
	}
	return out
}

func neg(z []float64) []float64 {
	out := make([]float64, len(z))
	for i := range z {
		out[i] = -z[i]
	}
	return out
}

// One constructed series of ten weekly bins (oldest first, the last is
// now) for each class, and its mirror for the cold class.
var emergingCases = []struct {
	name      string
	z         []float64
	hot, cold hotspot.Pattern
}{
	// Never significant, and a flat series.
	{"quiet", []float64{o, o, o, o, o, o, o, o, o, o}, hotspot.NoPattern, hotspot.NoPattern},
	// Hot once, long ago: 10 % of the bins, not now.
	{"once long ago", []float64{H, o, o, o, o, o, o, o, o, o}, hotspot.NoPattern, hotspot.NoPattern},
	// Hot now and never before.
	{"new", []float64{o, o, o, o, o, o, o, o, o, H}, hotspot.NewHotSpot, hotspot.NewColdSpot},
	// A single run of three at the end, never hot before, 30 % < 90 %.
	{"consecutive", []float64{o, o, o, o, o, o, o, H, H, H}, hotspot.ConsecutiveHotSpot, hotspot.ConsecutiveColdSpot},
	// Hot in every bin (z from 2.0 to 2.9: all ≥ 1.645), rising: MK S = 45,
	// p = 8.3e-5.
	{"intensifying", ramp(2.0, 0.1, 10), hotspot.IntensifyingHotSpot, hotspot.IntensifyingColdSpot},
	// Hot in every bin, see-sawing 3, 2.5, 3, 2.5, …: S = 10 − 15 = −5,
	// Var(S) = (2250 − 2·5·4·15)/18 = 91.67, Z = −0.42, no trend.
	{"persistent", []float64{3, 2.5, 3, 2.5, 3, 2.5, 3, 2.5, 3, 2.5}, hotspot.PersistentHotSpot, hotspot.PersistentColdSpot},
	// Hot in every bin, falling from 2.9 to 2.0: S = −45.
	{"diminishing", ramp(2.9, -0.1, 10), hotspot.DiminishingHotSpot, hotspot.DiminishingColdSpot},
	// Hot now, on and off before (40 %), never cold.
	{"sporadic", []float64{H, o, o, H, o, H, o, o, o, H}, hotspot.SporadicHotSpot, hotspot.SporadicColdSpot},
	// Hot now, cold once before, 20 % hot.
	{"oscillating", []float64{C, o, o, H, o, o, o, o, o, H}, hotspot.OscillatingHotSpot, hotspot.OscillatingColdSpot},
	// Hot for 9 of 10 bins (90 %), not now.
	{"historical", []float64{H, H, H, H, H, H, H, H, H, o}, hotspot.HistoricalHotSpot, hotspot.HistoricalColdSpot},

	// Where the definitions overlap (see the package documentation).
	// Cold before, then a final run of hot bins: Oscillating, not
	// Consecutive; and not New with a single final hot bin either.
	{"cold then run", []float64{C, o, o, o, o, o, o, o, H, H}, hotspot.OscillatingHotSpot, hotspot.OscillatingColdSpot},
	{"cold then new", []float64{C, o, o, o, o, o, o, o, o, H}, hotspot.OscillatingHotSpot, hotspot.OscillatingColdSpot},
	// 90 % hot, then a significant cold spot now: the final bin decides.
	{"hot then cold", []float64{H, H, H, H, H, H, H, H, H, C}, hotspot.OscillatingColdSpot, hotspot.OscillatingHotSpot},
	// 90 % exactly (9 of 10) with the final bin hot: S = 9, Var(S) =
	// (2250 − 9·8·23)/18 = 33, Z = 8/√33 = 1.39, p = 0.16: no trend.
	{"90 percent", []float64{o, H, H, H, H, H, H, H, H, H}, hotspot.PersistentHotSpot, hotspot.PersistentColdSpot},
	// 80 %: a run of 8 at the end, never hot before: Consecutive.
	{"80 percent", []float64{o, o, H, H, H, H, H, H, H, H}, hotspot.ConsecutiveHotSpot, hotspot.ConsecutiveColdSpot},
	// Hot for 90 % but the final bin is not: Historical even with a trend.
	{"rising then off", append(ramp(2.0, 0.1, 9), o), hotspot.HistoricalHotSpot, hotspot.HistoricalColdSpot},
}

func TestEmergingClassesOnConstructedSeries(t *testing.T) {
	for _, c := range emergingCases {
		if got, mk := hotspot.Emerging(c.z, classesOf(c.z), hotspot.Rules{}); got != c.hot {
			t.Errorf("%s %v: %v, want %v (MK %+v)", c.name, c.z, got, c.hot, mk)
		}
		m := neg(c.z)
		if got, mk := hotspot.Emerging(m, classesOf(m), hotspot.Rules{}); got != c.cold {
			t.Errorf("%s mirrored %v: %v, want %v (MK %+v)", c.name, m, got, c.cold, mk)
		}
	}
}

func TestEmergingCoversEveryClass(t *testing.T) {
	seen := map[hotspot.Pattern]bool{}
	for _, c := range emergingCases {
		seen[c.hot], seen[c.cold] = true, true
	}
	for p := hotspot.NoPattern; p <= hotspot.HistoricalColdSpot; p++ {
		if !seen[p] {
			t.Errorf("no case for %v", p)
		}
	}
}

func TestEmergingRules(t *testing.T) {
	// At 95 % z = 1.8 (p = 0.072) is not a hot spot, at the default 90 % it
	// is.
	z := []float64{o, o, o, o, o, o, o, o, o, 1.8}
	if p, _ := hotspot.Emerging(z, classesOf(z), hotspot.Rules{}); p != hotspot.NewHotSpot {
		t.Errorf("90 %%: %v", p)
	}
	if p, _ := hotspot.Emerging(z, classesOf(z), hotspot.Rules{MinLevel: hotspot.Hot95}); p != hotspot.NoPattern {
		t.Errorf("95 %%: %v", p)
	}
	// A weak rise among ten hot bins: S = 9 (as "90 percent" above), p =
	// 0.16: Intensifying only with a trend alpha above 0.16.
	z = []float64{2, 3, 3, 3, 3, 3, 3, 3, 3, 3}
	if p, mk := hotspot.Emerging(z, classesOf(z), hotspot.Rules{}); p != hotspot.PersistentHotSpot {
		t.Errorf("alpha 0.05: %v (%+v)", p, mk)
	}
	if p, _ := hotspot.Emerging(z, classesOf(z), hotspot.Rules{TrendAlpha: 0.2}); p != hotspot.IntensifyingHotSpot {
		t.Errorf("alpha 0.2: %v", p)
	}
}

// With 52 weekly bins, 90 % is 46.8 bins: 47 hot bins (the last 47) are
// Persistent, 46 are Consecutive.
func TestEmergingNinetyPercentOfFiftyTwoWeeks(t *testing.T) {
	series := func(quiet int) []float64 {
		z := make([]float64, 52)
		for i := range z {
			z[i] = H
			if i < quiet {
				z[i] = o
			}
		}
		return z
	}
	z := series(5)
	if p, mk := hotspot.Emerging(z, classesOf(z), hotspot.Rules{}); p != hotspot.PersistentHotSpot && p != hotspot.IntensifyingHotSpot {
		t.Errorf("47 of 52: %v (%+v)", p, mk)
	}
	z = series(6)
	if p, _ := hotspot.Emerging(z, classesOf(z), hotspot.Rules{}); p != hotspot.ConsecutiveHotSpot {
		t.Errorf("46 of 52: %v", p)
	}
}

func TestPatternNames(t *testing.T) {
	var keys []string
	for p := hotspot.NoPattern; p <= hotspot.HistoricalColdSpot; p++ {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back hotspot.Pattern
		if err := json.Unmarshal(b, &back); err != nil || back != p {
			t.Errorf("%v: round trip %s → %v, %v", p, b, back, err)
		}
		keys = append(keys, p.Key())
		if p.Hot() == p.Cold() && p != hotspot.NoPattern {
			t.Errorf("%v: hot %v cold %v", p, p.Hot(), p.Cold())
		}
	}
	if u := slices.Compact(slices.Sorted(slices.Values(keys))); len(u) != 17 {
		t.Error("keys")
	}
	if hotspot.IntensifyingColdSpot.String() != "Intensifying Cold Spot" || hotspot.NoPattern.String() != "No Pattern Detected" {
		t.Error(hotspot.IntensifyingColdSpot, hotspot.NoPattern)
	}
	if _, err := json.Marshal(hotspot.Pattern(40)); err == nil {
		t.Error("unknown pattern marshals")
	}
}
