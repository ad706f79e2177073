package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Weights are the composite score's weights, one per term (see the
// package comment). Only their proportions matter.
type Weights struct {
	OnTimeClosure    float64 `json:"on_time_closure"`    // × on-time closure rate
	NoRebound        float64 `json:"no_rebound"`         // × (1 − rebound rate)
	NoRework         float64 `json:"no_rework"`          // × (1 − rework rate)
	PatrolShare      float64 `json:"patrol_share"`       // × share found by patrol
	LowPublicDensity float64 `json:"low_public_density"` // × (1 − normalised public reports per km² or km)
}

// DefaultWeights: 40 % on-time closure, 20 % no rebound, 15 % no rework,
// 15 % patrol share, 10 % low public-report density.
func DefaultWeights() Weights {
	return Weights{OnTimeClosure: 40, NoRebound: 20, NoRework: 15, PatrolShare: 15, LowPublicDensity: 10}
}

// Check refuses negative or non-finite weights and an all-zero set.
func (w Weights) Check() error {
	sum := 0.0
	for name, v := range w.named() {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("weight %s: want a number >= 0, got %v", name, v)
		}
		sum += v
	}
	if sum == 0 {
		return errors.New("at least one weight must be above 0")
	}
	return nil
}

func (w Weights) named() map[string]float64 {
	return map[string]float64{"on_time_closure": w.OnTimeClosure, "no_rebound": w.NoRebound, "no_rework": w.NoRework,
		"patrol_share": w.PatrolShare, "low_public_density": w.LowPublicDensity}
}

// ReadWeights decodes weights from JSON such as
//
//	{"on_time_closure": 40, "no_rebound": 20, "no_rework": 15, "patrol_share": 15, "low_public_density": 10}
//
// A member left out weighs 0; an unknown member is an error, so that a
// misspelt name does not silently drop a term.
func ReadWeights(r io.Reader) (Weights, error) {
	var w Weights
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("ranking weights: %w", err)
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return w, errors.New("ranking weights: more than one JSON value")
	}
	if err := w.Check(); err != nil {
		return w, fmt.Errorf("ranking weights: %w", err)
	}
	return w, nil
}

// LoadWeights reads weights from a JSON file; an empty path gives the
// defaults.
func LoadWeights(path string) (Weights, error) {
	if path == "" {
		return DefaultWeights(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Weights{}, fmt.Errorf("ranking weights: %w", err)
	}
	w, err := ReadWeights(bytes.NewReader(b))
	if err != nil {
		return w, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}
