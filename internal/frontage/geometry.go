package frontage

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// Reasons about a geometry begin with one of these.
const (
	reasonType    = "wrong geometry type"
	reasonNumber  = "coordinates not numbers"
	reasonInvalid = "invalid geometry"
)

// parseGeometry reads a GeoJSON Point, Polygon or MultiPolygon. The checks
// PostGIS cannot make, or would fail on while parsing WKB, are made here:
// type, finite numbers in range (saying when a position looks swapped),
// closed rings of four or more positions. PostGIS judges the rest
// (self-intersections and the like) with ST_IsValidReason.
func parseGeometry(raw json.RawMessage) (orb.Geometry, string) {
	const want = "Point, Polygon or MultiPolygon"
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Sprintf("%s: no geometry (want %s)", reasonType, want)
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Sprintf("%s: not a GeoJSON geometry object (want %s)", reasonType, want)
	}
	if g.Type != "Point" && g.Type != "Polygon" && g.Type != "MultiPolygon" {
		t := g.Type
		if t == "" {
			t = "none"
		}
		return nil, fmt.Sprintf("%s: %s (want %s)", reasonType, t, want)
	}
	d := json.NewDecoder(bytes.NewReader(g.Coordinates))
	d.UseNumber()
	var coords any
	if len(g.Coordinates) == 0 || d.Decode(&coords) != nil || coords == nil {
		return nil, fmt.Sprintf("%s: %s has no coordinates", reasonInvalid, g.Type)
	}
	p := coordParser{}
	var geom orb.Geometry
	switch g.Type {
	case "Point":
		geom = p.position(coords, "coordinates")
	case "Polygon":
		poly := p.polygon(coords, "coordinates")
		if p.reason == "" && len(poly) == 0 {
			p.fail("%s: empty Polygon", reasonInvalid)
		}
		geom = poly
	case "MultiPolygon":
		var mp orb.MultiPolygon
		for i, c := range p.array(coords, "coordinates") {
			poly := p.polygon(c, fmt.Sprintf("coordinates[%d]", i))
			if p.reason == "" && len(poly) == 0 {
				p.fail("%s: polygon %d is empty", reasonInvalid, i)
			}
			mp = append(mp, poly)
		}
		if p.reason == "" && len(mp) == 0 {
			p.fail("%s: empty MultiPolygon", reasonInvalid)
		}
		geom = mp
	}
	if p.reason != "" {
		return nil, p.reason
	}
	return geom, ""
}

// coordParser walks decoded coordinates, keeping the first problem.
type coordParser struct{ reason string }

func (p *coordParser) fail(format string, args ...any) {
	if p.reason == "" {
		p.reason = fmt.Sprintf(format, args...)
	}
}

func (p *coordParser) array(v any, path string) []any {
	if p.reason != "" {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		p.fail("%s: %s is %v, not an array", reasonNumber, path, v)
	}
	return a
}

func (p *coordParser) polygon(v any, path string) orb.Polygon {
	var poly orb.Polygon
	for i, r := range p.array(v, path) {
		rpath := fmt.Sprintf("%s[%d]", path, i)
		var ring orb.Ring
		for j, c := range p.array(r, rpath) {
			ring = append(ring, p.position(c, fmt.Sprintf("%s[%d]", rpath, j)))
		}
		if p.reason != "" {
			return nil
		}
		if len(ring) < 4 {
			p.fail("%s: ring %s has %d positions; a ring needs at least 4", reasonInvalid, rpath, len(ring))
		} else if ring[0] != ring[len(ring)-1] {
			p.fail("%s: ring %s is not closed (first and last positions differ)", reasonInvalid, rpath)
		}
		poly = append(poly, ring)
	}
	return poly
}

// position reads [lon, lat] (an altitude is dropped: units are stored 2D).
func (p *coordParser) position(v any, path string) orb.Point {
	a := p.array(v, path)
	if p.reason != "" {
		return orb.Point{}
	}
	if len(a) < 2 {
		p.fail("%s: position %s has %d numbers; want [longitude, latitude]", reasonNumber, path, len(a))
		return orb.Point{}
	}
	var pt orb.Point
	for i := range 2 {
		n, ok := a[i].(json.Number)
		if !ok {
			p.fail("%s: %s[%d] is %v, not a number", reasonNumber, path, i, a[i])
			return orb.Point{}
		}
		f, reason := parseNumber(fmt.Sprintf("%s[%d]", path, i), string(n))
		if reason != "" {
			p.fail("%s: %s", reasonNumber, reason)
			return orb.Point{}
		}
		pt[i] = f
	}
	where := path + " "
	if path == "coordinates" { // a Point's only position
		where = ""
	}
	if r := positionReasons(where, pt[0], pt[1]); r != nil {
		p.fail("%s", r[0])
	}
	return pt
}
