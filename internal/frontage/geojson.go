package frontage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"
)

// ImportGeoJSON loads frontage units from an RFC 7946 FeatureCollection
// (CRS84): geometry a Point, Polygon or MultiPolygon (the unit's footprint);
// properties
//
//	name     required  the unit's name
//	licence  optional  licence or unit number; unique
//	contact  optional  the person in charge; none: no owner
//	phone    optional  the contact's phone
//	width_m  optional  frontage width along the street in metres (default 12; point units)
//	street   optional  a street segment code, to force the street fronted
//
// Every other property is kept in the unit's properties. Rejections name
// the 0-based feature index. Streets, upserts, owners and the
// all-or-nothing rule are those of ImportCSV.
func ImportGeoJSON(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options) (Result, error) {
	return run(ctx, pool, &geojsonReader{coll: newCollection(r)}, opt, false)
}

type geojsonReader struct{ coll *collection }

func (g *geojsonReader) next() (record, bool, error) {
	raw, idx, ok, err := g.coll.next()
	if err != nil || !ok {
		return record{}, false, err
	}
	return featureRecord(idx, raw), true, nil
}

// featureRecord turns one Feature into a unit and its reasons.
func featureRecord(idx int, raw json.RawMessage) record {
	out := record{index: idx}
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
		out.reasons = []string{"not a GeoJSON Feature: " + compact(raw)}
		return out
	}
	props := map[string]json.RawMessage{}
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		if err := json.Unmarshal(f.Properties, &props); err != nil {
			out.reasons = []string{"properties must be an object"}
			return out
		}
	}
	u := &unit{}
	text := func(key string) string {
		raw, ok := props[key]
		delete(props, key)
		if !ok || string(raw) == "null" {
			return ""
		}
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return strings.TrimSpace(s)
		}
		var n json.Number // phone and licence numbers arrive as numbers too
		if err := json.Unmarshal(raw, &n); err == nil {
			return n.String()
		}
		out.reasons = append(out.reasons, fmt.Sprintf("%s must be a string, not %s", key, compact(raw)))
		return ""
	}
	u.name, u.licence, u.contact, u.phone, u.street = text("name"), text("licence"), text("contact"), text("phone"), text("street")
	out.name = u.name
	if raw, ok := props["width_m"]; ok && string(raw) != "null" {
		var w float64
		if err := json.Unmarshal(raw, &w); err != nil {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				out.reasons = append(out.reasons, fmt.Sprintf("width_m must be a number, not %s", compact(raw)))
			} else if v, reason := parseNumber("width_m", s); reason != "" {
				out.reasons = append(out.reasons, reason)
			} else {
				u.width = &v
			}
		} else {
			u.width = &w
		}
	}
	delete(props, "width_m")
	if len(props) > 0 {
		u.properties, _ = json.Marshal(props) // the values came from a parsed document
	}
	out.u = u
	geom, reason := parseGeometry(f.Geometry)
	if reason != "" {
		out.reasons = append(out.reasons, reason)
		return out
	}
	b, err := wkb.Marshal(geom)
	if err != nil {
		out.reasons = append(out.reasons, fmt.Sprintf("%s: %v", reasonInvalid, err))
		return out
	}
	u.wkb = b
	return out
}

// acceptedCRS are the legacy `crs` names that mean WGS 84 longitude/latitude.
var acceptedCRS = map[string]bool{
	"urn:ogc:def:crs:ogc:1.3:crs84": true,
	"urn:ogc:def:crs:ogc::crs84":    true,
	"epsg:4326":                     true,
	"urn:ogc:def:crs:epsg::4326":    true,
}

// collection streams the features of a FeatureCollection: members around
// "features" are read as they come and each feature is handed out as raw
// JSON, so memory holds one feature at a time.
type collection struct {
	dec        *json.Decoder
	started    bool
	inFeatures bool
	done       bool
	sawType    bool
	index      int // of the next feature
}

func newCollection(r io.Reader) *collection { return &collection{dec: json.NewDecoder(r)} }

// next returns the next feature and its index; ok is false after the last.
func (c *collection) next() (raw json.RawMessage, index int, ok bool, err error) {
	if c.done {
		return nil, 0, false, nil
	}
	if !c.started {
		c.started = true
		if err := c.expect('{', "a GeoJSON FeatureCollection object"); err != nil {
			return nil, 0, false, err
		}
	}
	for {
		if c.inFeatures {
			if c.dec.More() {
				if err := c.dec.Decode(&raw); err != nil {
					return nil, 0, false, c.syntax(err)
				}
				c.index++
				return raw, c.index - 1, true, nil
			}
			if _, err := c.dec.Token(); err != nil { // ']'
				return nil, 0, false, c.syntax(err)
			}
			c.inFeatures = false
		}
		tok, err := c.dec.Token()
		if err != nil {
			return nil, 0, false, c.syntax(err)
		}
		if tok == json.Delim('}') {
			c.done = true
			if !c.sawType {
				return nil, 0, false, &fileError{index: -1, reason: `not a GeoJSON FeatureCollection (no "type")`}
			}
			if _, err := c.dec.Token(); err != io.EOF {
				return nil, 0, false, &fileError{index: -1, reason: "data after the FeatureCollection"}
			}
			return nil, 0, false, nil
		}
		var member json.RawMessage
		switch key, _ := tok.(string); key {
		case "features":
			if err := c.expect('[', `"features" as an array`); err != nil {
				return nil, 0, false, err
			}
			c.inFeatures = true
			continue
		case "type":
			if err := c.dec.Decode(&member); err != nil {
				return nil, 0, false, c.syntax(err)
			}
			if string(member) != `"FeatureCollection"` {
				return nil, 0, false, &fileError{index: -1, reason: "not a GeoJSON FeatureCollection (type " + compact(member) + ")"}
			}
			c.sawType = true
		case "crs":
			if err := c.dec.Decode(&member); err != nil {
				return nil, 0, false, c.syntax(err)
			}
			if err := checkCRS(member); err != nil {
				return nil, 0, false, err
			}
		default: // bbox, name, foreign members
			if err := c.dec.Decode(&member); err != nil {
				return nil, 0, false, c.syntax(err)
			}
		}
	}
}

func (c *collection) expect(d json.Delim, what string) error {
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntax(err)
	}
	if tok != d {
		return &fileError{index: -1, reason: fmt.Sprintf("expected %s, found %v", what, tok)}
	}
	return nil
}

// syntax turns a decoder error into the reason reading stopped.
func (c *collection) syntax(err error) error {
	idx := -1
	if c.inFeatures {
		idx = c.index
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &fileError{index: idx, partial: true, reason: fmt.Sprintf("invalid JSON at byte %d: %v; reading stopped here", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &fileError{index: idx, partial: true, reason: "file ends before the FeatureCollection does"}
	}
	return fmt.Errorf("read GeoJSON: %w", err)
}

// checkCRS accepts no crs, or a legacy named crs meaning CRS84 / EPSG:4326.
func checkCRS(raw json.RawMessage) error {
	if string(raw) == "null" {
		return nil
	}
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil || crs.Type != "name" || !acceptedCRS[strings.ToLower(crs.Properties.Name)] {
		return &fileError{index: -1, reason: fmt.Sprintf("unsupported crs %s: only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946); reproject the file first", compact(raw))}
	}
	return nil
}

// compact shortens raw JSON for a reason.
func compact(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}
