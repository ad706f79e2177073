package geoimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/gridkeeper/gridkeeper/internal/geo"
)

// Rejection reasons begin with one of these, so a reader (or a test) can
// tell the kinds apart.
const (
	reasonType    = "wrong geometry type"
	reasonRange   = "coordinates out of range"
	reasonNumber  = "coordinates not numbers"
	reasonInvalid = "invalid geometry"
)

// geomSpec is what one import accepts: the single type, promoted to its
// multi type, and the multi type itself.
type geomSpec struct {
	single, multi string
}

var (
	areaGeom   = geomSpec{"Polygon", "MultiPolygon"}
	streetGeom = geomSpec{"LineString", "MultiLineString"}
)

// parseGeometry reads a GeoJSON geometry into an orb.MultiPolygon or
// orb.MultiLineString (a single Polygon or LineString is promoted). The
// checks PostGIS cannot make, or would fail on while parsing WKB, are made
// here: type, finite numbers in range, closed rings of four or more
// positions, lines of two or more. It returns a reason when the geometry is
// unusable.
func parseGeometry(raw json.RawMessage, spec geomSpec) (orb.Geometry, string) {
	want := fmt.Sprintf("%s or %s", spec.single, spec.multi)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Sprintf("%s: no geometry (want %s)", reasonType, want)
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Sprintf("%s: geometry is not a GeoJSON geometry object (want %s)", reasonType, want)
	}
	if g.Type != spec.single && g.Type != spec.multi {
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
	case "Polygon":
		poly := p.polygon(coords, "coordinates")
		geom = orb.MultiPolygon{poly}
		if p.reason == "" && len(poly) == 0 {
			p.reason = reasonInvalid + ": empty Polygon"
		}
	case "MultiPolygon":
		var mp orb.MultiPolygon
		for i, c := range p.array(coords, "coordinates") {
			mp = append(mp, p.polygon(c, fmt.Sprintf("coordinates[%d]", i)))
			if p.reason == "" && len(mp[i]) == 0 {
				p.reason = fmt.Sprintf("%s: polygon %d is empty", reasonInvalid, i)
			}
		}
		geom = mp
		if p.reason == "" && len(mp) == 0 {
			p.reason = reasonInvalid + ": empty MultiPolygon"
		}
	case "LineString":
		geom = orb.MultiLineString{p.line(coords, "coordinates")}
	case "MultiLineString":
		var ml orb.MultiLineString
		for i, c := range p.array(coords, "coordinates") {
			ml = append(ml, p.line(c, fmt.Sprintf("coordinates[%d]", i)))
		}
		geom = ml
		if p.reason == "" && len(ml) == 0 {
			p.reason = reasonInvalid + ": empty MultiLineString"
		}
	}
	if p.reason != "" {
		return nil, p.reason
	}
	return geom, ""
}

// coordParser walks decoded coordinates, keeping the first problem.
type coordParser struct {
	reason string
}

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
		p.fail("%s: %s is %s, not an array", reasonNumber, path, geo.JSONText(v))
	}
	return a
}

func (p *coordParser) polygon(v any, path string) orb.Polygon {
	var poly orb.Polygon
	for i, r := range p.array(v, path) {
		rpath := fmt.Sprintf("%s[%d]", path, i)
		ring := orb.Ring(p.points(r, rpath))
		if p.reason != "" {
			return nil
		}
		if len(ring) < 4 {
			p.fail("%s: ring %s has %s; a ring needs at least 4", reasonInvalid, rpath, plural(len(ring), "position"))
		} else if ring[0] != ring[len(ring)-1] {
			p.fail("%s: ring %s is not closed (first and last positions differ)", reasonInvalid, rpath)
		}
		poly = append(poly, ring)
	}
	return poly
}

func (p *coordParser) line(v any, path string) orb.LineString {
	ls := orb.LineString(p.points(v, path))
	if p.reason == "" && len(ls) < 2 {
		p.fail("%s: line %s has %s; a line needs at least 2", reasonInvalid, path, plural(len(ls), "position"))
	}
	return ls
}

func (p *coordParser) points(v any, path string) []orb.Point {
	a := p.array(v, path)
	pts := make([]orb.Point, 0, len(a))
	for i, c := range a {
		pts = append(pts, p.position(c, fmt.Sprintf("%s[%d]", path, i)))
	}
	return pts
}

// position reads [lon, lat] (an altitude and further members are dropped:
// areas and streets are stored in 2D).
func (p *coordParser) position(v any, path string) orb.Point {
	a := p.array(v, path)
	if p.reason != "" {
		return orb.Point{}
	}
	if len(a) < 2 {
		p.fail("%s: position %s has %s; want [longitude, latitude]", reasonNumber, path, plural(len(a), "number"))
		return orb.Point{}
	}
	var pt orb.Point
	for i := range 2 {
		n, ok := a[i].(json.Number)
		if !ok {
			p.fail("%s: %s[%d] is %s, not a number", reasonNumber, path, i, geo.JSONText(a[i]))
			return orb.Point{}
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			p.fail("%s: %s[%d] is %s, not a finite number", reasonNumber, path, i, n)
			return orb.Point{}
		}
		pt[i] = f
	}
	switch {
	case pt[0] < -180 || pt[0] > 180:
		p.fail("%s: %s longitude %v is outside [-180, 180]", reasonRange, path, pt[0])
	case pt[1] < -90 || pt[1] > 90:
		p.fail("%s: %s latitude %v is outside [-90, 90]", reasonRange, path, pt[1])
	}
	return pt
}

// geometryWKB parses a GeoJSON geometry and encodes it as WKB for staging.
func geometryWKB(raw json.RawMessage, spec geomSpec) ([]byte, string) {
	geom, reason := parseGeometry(raw, spec)
	if geom == nil {
		return nil, reason
	}
	b, err := wkb.Marshal(geom)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", reasonInvalid, err)
	}
	return b, ""
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
