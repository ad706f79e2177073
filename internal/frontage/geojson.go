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

	"github.com/gridkeeper/gridkeeper/internal/geo"
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
	return run(ctx, pool, &geojsonReader{coll: geo.NewCollection(r)}, opt, false)
}

// geojsonReader yields the features of a FeatureCollection as rows.
type geojsonReader struct{ coll *geo.Collection }

func (g *geojsonReader) next() (record, bool, error) {
	raw, idx, ok, err := g.coll.Next()
	var fe *geo.FileError
	if errors.As(err, &fe) { // the file's problem, rejected as a CSV file's is
		return record{}, false, &fileError{index: fe.Index, reason: fe.Reason, partial: fe.Partial}
	}
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
		out.reasons = []string{"not a GeoJSON Feature: " + geo.Compact(raw)}
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
		out.reasons = append(out.reasons, fmt.Sprintf("%s must be a string, not %s", key, geo.Compact(raw)))
		return ""
	}
	u.name, u.licence, u.contact, u.phone, u.street = text("name"), text("licence"), text("contact"), text("phone"), text("street")
	out.name = u.name
	if raw, ok := props["width_m"]; ok && string(raw) != "null" {
		var w float64
		if err := json.Unmarshal(raw, &w); err != nil {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				out.reasons = append(out.reasons, fmt.Sprintf("width_m must be a number, not %s", geo.Compact(raw)))
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
