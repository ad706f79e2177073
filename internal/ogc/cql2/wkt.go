package cql2

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// maxPoints bounds a geometry literal.
const maxPoints = 10000

// geometry reads the WKT (or BBOX) body after its keyword t; the opening
// parenthesis is next.
func (p *parser) geometry(t token, kind string) (orb.Geometry, error) {
	switch kind {
	case "BBOX":
		p.next()
		var v [4]float64
		for i := range v {
			if i > 0 {
				if _, err := p.expect(tComma, "',' between the BBOX numbers"); err != nil {
					return nil, err
				}
			}
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			v[i] = n
		}
		if _, err := p.expect(tRParen, "')' after the four BBOX numbers"); err != nil {
			return nil, err
		}
		switch {
		case v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90:
			return nil, errAt(t.pos, "BBOX lies outside [-180, 180] x [-90, 90]")
		case v[0] > v[2] || v[1] > v[3]:
			return nil, errAt(t.pos, "BBOX minimum is greater than its maximum")
		}
		return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}.ToPolygon(), nil
	case "POINT":
		p.next()
		pt, err := p.point()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(tRParen, "')' after the point")
		return pt, err
	case "LINESTRING":
		return p.line(2)
	case "POLYGON":
		return p.polygon()
	case "MULTIPOINT":
		p.next()
		var mp orb.MultiPoint
		for {
			paren := p.peek().kind == tLParen
			if paren {
				p.next()
			}
			pt, err := p.point()
			if err != nil {
				return nil, err
			}
			if paren {
				if _, err := p.expect(tRParen, "')'"); err != nil {
					return nil, err
				}
			}
			mp = append(mp, pt)
			if !p.more() {
				break
			}
		}
		_, err := p.expect(tRParen, "')' after the points")
		return mp, err
	case "MULTILINESTRING":
		p.next()
		var ml orb.MultiLineString
		for {
			l, err := p.line(2)
			if err != nil {
				return nil, err
			}
			ml = append(ml, l)
			if !p.more() {
				break
			}
		}
		_, err := p.expect(tRParen, "')' after the lines")
		return ml, err
	case "MULTIPOLYGON":
		p.next()
		var mp orb.MultiPolygon
		for {
			pg, err := p.polygon()
			if err != nil {
				return nil, err
			}
			mp = append(mp, pg)
			if !p.more() {
				break
			}
		}
		_, err := p.expect(tRParen, "')' after the polygons")
		return mp, err
	}
	return nil, errAt(t.pos, "unsupported geometry %s", kind)
}

// more consumes a comma and reports whether there was one.
func (p *parser) more() bool {
	if p.peek().kind == tComma {
		p.next()
		return true
	}
	return false
}

func (p *parser) number() (float64, error) {
	t, err := p.expect(tNumber, "a number")
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errAt(t.pos, "%q is not a number", t.text)
	}
	return f, nil
}

func (p *parser) point() (orb.Point, error) {
	at := p.peek().pos
	x, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	if x < -180 || x > 180 || y < -90 || y > 90 {
		return orb.Point{}, errAt(at, "coordinate (%g %g) lies outside longitude [-180, 180], latitude [-90, 90]", x, y)
	}
	return orb.Point{x, y}, nil
}

// line reads "(x y, x y, ...)" with at least min points.
func (p *parser) line(min int) (orb.LineString, error) {
	open, err := p.expect(tLParen, "'('")
	if err != nil {
		return nil, err
	}
	var ls orb.LineString
	for {
		pt, err := p.point()
		if err != nil {
			return nil, err
		}
		ls = append(ls, pt)
		if len(ls) > maxPoints {
			return nil, errAt(open.pos, "a geometry literal may have at most %d points", maxPoints)
		}
		if !p.more() {
			break
		}
	}
	if _, err := p.expect(tRParen, "',' or ')' in the coordinate list"); err != nil {
		return nil, err
	}
	if len(ls) < min {
		return nil, errAt(open.pos, "want at least %d points, found %d", min, len(ls))
	}
	return ls, nil
}

func (p *parser) polygon() (orb.Polygon, error) {
	if _, err := p.expect(tLParen, "'(' opening the polygon"); err != nil {
		return nil, err
	}
	var pg orb.Polygon
	for {
		at := p.peek().pos
		ls, err := p.line(4)
		if err != nil {
			return nil, err
		}
		if ls[0] != ls[len(ls)-1] {
			return nil, errAt(at, "a polygon ring must end where it starts")
		}
		pg = append(pg, orb.Ring(ls))
		if !p.more() {
			break
		}
	}
	_, err := p.expect(tRParen, "')' closing the polygon")
	return pg, err
}
