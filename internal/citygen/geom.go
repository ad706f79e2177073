package citygen

import (
	"encoding/json"
	"fmt"
	"math"
)

// pt is a lon/lat position.
type pt = [2]float64

// Local metric of the sample city: metres per degree. Lengths are only used
// to decide where to merge and split streets, with margins well beyond the
// error of this flat approximation over 0.3° of latitude.
const (
	mPerDegLat = 110574.0
	mPerDegLon = 111320.0
)

// metres is the approximate distance between a and b.
func metres(a, b pt) float64 {
	lat := (a[1] + b[1]) / 2 * math.Pi / 180
	dx := (b[0] - a[0]) * mPerDegLon * math.Cos(lat)
	dy := (b[1] - a[1]) * mPerDegLat
	return math.Hypot(dx, dy)
}

// lineMetres is the approximate length of a polyline.
func lineMetres(line []pt) float64 {
	var l float64
	for i := 1; i < len(line); i++ {
		l += metres(line[i-1], line[i])
	}
	return l
}

// round7 snaps a coordinate to the 1e-7° grid of the output files.
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

func roundPt(p pt) pt { return pt{round7(p[0]), round7(p[1])} }

// dedupe drops consecutive repeated positions.
func dedupe(line []pt) []pt {
	out := line[:0:0]
	for _, p := range line {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// subLine cuts line between distances from and to (metres along it),
// interpolating linearly inside segments.
func subLine(line []pt, from, to float64) []pt {
	var out []pt
	var at float64
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		l := metres(a, b)
		if l == 0 {
			continue
		}
		s, e := at, at+l
		if e >= from && s <= to {
			if len(out) == 0 {
				out = append(out, lerp(a, b, clamp01((from-s)/l)))
			}
			if e <= to {
				out = append(out, b)
			} else {
				out = append(out, lerp(a, b, clamp01((to-s)/l)))
				break
			}
		}
		at = e
	}
	return out
}

func lerp(a, b pt, t float64) pt { return pt{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t} }

func clamp01(t float64) float64 { return math.Max(0, math.Min(1, t)) }

// multiPolygon is the coordinates of a Polygon or MultiPolygon.
type multiPolygon [][][]pt

// parsePolygonal reads a GeoJSON Polygon or MultiPolygon geometry.
func parsePolygonal(s string) (multiPolygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return nil, fmt.Errorf("parse geometry: %w", err)
	}
	var mp multiPolygon
	switch g.Type {
	case "Polygon":
		var p [][]pt
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("parse polygon: %w", err)
		}
		mp = multiPolygon{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, fmt.Errorf("parse multipolygon: %w", err)
		}
	default:
		return nil, fmt.Errorf("geometry type %s, want Polygon or MultiPolygon", g.Type)
	}
	return mp, nil
}

// parseLine reads a GeoJSON LineString geometry.
func parseLine(s string) ([]pt, error) {
	var g struct {
		Type        string `json:"type"`
		Coordinates []pt   `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return nil, fmt.Errorf("parse line: %w", err)
	}
	if g.Type != "LineString" {
		return nil, fmt.Errorf("geometry type %s, want LineString", g.Type)
	}
	return g.Coordinates, nil
}

// contains reports whether p lies inside mp (even-odd rule over all rings).
func (mp multiPolygon) contains(p pt) bool {
	in := false
	for _, poly := range mp {
		for _, ring := range poly {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > p[1]) != (b[1] > p[1]) &&
					p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
	}
	return in
}

// bbox is the bounding box of mp: min lon, min lat, max lon, max lat.
func (mp multiPolygon) bbox() [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, poly := range mp {
		for _, ring := range poly {
			for _, p := range ring {
				b[0], b[1] = math.Min(b[0], p[0]), math.Min(b[1], p[1])
				b[2], b[3] = math.Max(b[2], p[0]), math.Max(b[3], p[1])
			}
		}
	}
	return b
}
