package hotspot

import (
	"fmt"
	"strconv"
)

// Pattern is an emerging hot spot class (see the package documentation
// for the definitions and how Emerging decides between them).
type Pattern int8

// The patterns, as ArcGIS Pro's Emerging Hot Spot Analysis names them.
const (
	NoPattern Pattern = iota
	NewHotSpot
	ConsecutiveHotSpot
	IntensifyingHotSpot
	PersistentHotSpot
	DiminishingHotSpot
	SporadicHotSpot
	OscillatingHotSpot
	HistoricalHotSpot
	NewColdSpot
	ConsecutiveColdSpot
	IntensifyingColdSpot
	PersistentColdSpot
	DiminishingColdSpot
	SporadicColdSpot
	OscillatingColdSpot
	HistoricalColdSpot
)

var patternNames = [...]struct{ label, key string }{
	NoPattern:            {"No Pattern Detected", "no_pattern"},
	NewHotSpot:           {"New Hot Spot", "new_hot_spot"},
	ConsecutiveHotSpot:   {"Consecutive Hot Spot", "consecutive_hot_spot"},
	IntensifyingHotSpot:  {"Intensifying Hot Spot", "intensifying_hot_spot"},
	PersistentHotSpot:    {"Persistent Hot Spot", "persistent_hot_spot"},
	DiminishingHotSpot:   {"Diminishing Hot Spot", "diminishing_hot_spot"},
	SporadicHotSpot:      {"Sporadic Hot Spot", "sporadic_hot_spot"},
	OscillatingHotSpot:   {"Oscillating Hot Spot", "oscillating_hot_spot"},
	HistoricalHotSpot:    {"Historical Hot Spot", "historical_hot_spot"},
	NewColdSpot:          {"New Cold Spot", "new_cold_spot"},
	ConsecutiveColdSpot:  {"Consecutive Cold Spot", "consecutive_cold_spot"},
	IntensifyingColdSpot: {"Intensifying Cold Spot", "intensifying_cold_spot"},
	PersistentColdSpot:   {"Persistent Cold Spot", "persistent_cold_spot"},
	DiminishingColdSpot:  {"Diminishing Cold Spot", "diminishing_cold_spot"},
	SporadicColdSpot:     {"Sporadic Cold Spot", "sporadic_cold_spot"},
	OscillatingColdSpot:  {"Oscillating Cold Spot", "oscillating_cold_spot"},
	HistoricalColdSpot:   {"Historical Cold Spot", "historical_cold_spot"},
}

// String returns ArcGIS's label ("New Hot Spot", "No Pattern Detected").
func (p Pattern) String() string {
	if p >= 0 && int(p) < len(patternNames) {
		return patternNames[p].label
	}
	return "Pattern(" + strconv.Itoa(int(p)) + ")"
}

// Key returns the pattern's stable identifier ("new_hot_spot",
// "no_pattern"), the form MarshalText writes.
func (p Pattern) Key() string {
	if p >= 0 && int(p) < len(patternNames) {
		return patternNames[p].key
	}
	return ""
}

// Hot reports whether p is one of the hot spot patterns.
func (p Pattern) Hot() bool { return p >= NewHotSpot && p <= HistoricalHotSpot }

// Cold reports whether p is one of the cold spot patterns.
func (p Pattern) Cold() bool { return p >= NewColdSpot && p <= HistoricalColdSpot }

// MarshalText writes Key.
func (p Pattern) MarshalText() ([]byte, error) {
	if k := p.Key(); k != "" {
		return []byte(k), nil
	}
	return nil, fmt.Errorf("hotspot: unknown pattern %d", int8(p))
}

// UnmarshalText reads Key.
func (p *Pattern) UnmarshalText(b []byte) error {
	for i, n := range patternNames {
		if n.key == string(b) {
			*p = Pattern(i)
			return nil
		}
	}
	return fmt.Errorf("hotspot: unknown pattern %q", b)
}

// Rules are the two thresholds of the emerging classes. The zero value
// means the defaults.
type Rules struct {
	// MinLevel is the confidence class a bin needs to count as a
	// significant hot spot (≥ MinLevel) or cold spot (≤ −MinLevel): Hot90,
	// Hot95 or Hot99. 0 means Hot90.
	MinLevel Confidence
	// TrendAlpha is the Mann-Kendall p-value at or below which a trend is
	// significant. 0 means 0.05.
	TrendAlpha float64
}

func (r Rules) withDefaults() Rules {
	if r.MinLevel <= 0 {
		r.MinLevel = Hot90
	}
	if r.TrendAlpha <= 0 {
		r.TrendAlpha = 0.05
	}
	return r
}

// Emerging classifies one location from its series of Gi* z-scores and of
// bin classes (parallel, oldest first, the last bin being now), and
// returns the Mann-Kendall test of the z-scores it used. It panics when the
// lengths differ; an empty series has no pattern.
func Emerging(z []float64, bins []Confidence, r Rules) (Pattern, MK) {
	if len(z) != len(bins) {
		panic(fmt.Sprintf("hotspot: Emerging with %d z-scores and %d bins", len(z), len(bins)))
	}
	mk := MannKendall(z)
	n := len(bins)
	if n == 0 {
		return NoPattern, mk
	}
	r = r.withDefaults()
	state := func(b Confidence) int { // +1 hot, −1 cold, 0 neither
		switch {
		case b >= r.MinLevel:
			return 1
		case b <= -r.MinLevel:
			return -1
		}
		return 0
	}
	var hot, cold int
	for _, b := range bins {
		switch state(b) {
		case 1:
			hot++
		case -1:
			cold++
		}
	}
	// sign is +1 for the hot classes, −1 for the cold ones; same counts the
	// significant bins of that sign, other those of the other sign.
	classify := func(sign, same, other int) Pattern {
		base := NewHotSpot
		if sign < 0 {
			base = NewColdSpot
		}
		at := func(p Pattern) Pattern { return base + (p - NewHotSpot) }
		if 10*same >= 9*n {
			switch mk.TrendAt(r.TrendAlpha) {
			case sign:
				return at(IntensifyingHotSpot)
			case -sign:
				return at(DiminishingHotSpot)
			}
			return at(PersistentHotSpot)
		}
		if other > 0 {
			return at(OscillatingHotSpot)
		}
		if same == 1 {
			return at(NewHotSpot)
		}
		run := 0
		for t := n - 1; t >= 0 && state(bins[t]) == sign; t-- {
			run++
		}
		if run == same {
			return at(ConsecutiveHotSpot)
		}
		return at(SporadicHotSpot)
	}
	switch state(bins[n-1]) {
	case 1:
		return classify(1, hot, cold), mk
	case -1:
		return classify(-1, cold, hot), mk
	}
	switch {
	case 10*hot >= 9*n:
		return HistoricalHotSpot, mk
	case 10*cold >= 9*n:
		return HistoricalColdSpot, mk
	}
	return NoPattern, mk
}
