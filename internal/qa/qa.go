// Package qa owns the coverage and topology checks of the city's map and
// its staffing: gaps between sibling areas, overlaps between them,
// children outside their parent, and places nobody answers for (grids
// without a grid officer, streets without a street chief, frontage units
// without an owner). Each finding carries its geometry so that a map or a
// GIS tool can show it.
//
// Tolerances match the importer's: a gap or an area outside its parent
// counts from 1 m², an overlap from 0.5 m² (geodesic areas), so the
// centimetre slivers left by coordinate rounding are not findings.
package qa

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Types of finding, in report order.
var Types = []string{"gap", "overlap", "outside_parent", "grid_without_officer", "street_without_chief", "frontage_without_owner"}

// Finding is one problem QA found.
type Finding struct {
	Type     string          `json:"type"`
	Codes    []string        `json:"codes"`
	Name     string          `json:"name"`
	AreaM2   *float64        `json:"area_m2,omitempty"`
	LengthM  *float64        `json:"length_m,omitempty"`
	Detail   string          `json:"detail"`
	Geometry json.RawMessage `json:"-"`
}

// Scope limits QA to an area and its descendants ("" is the whole city)
// and to some types (none: all), judging staffing at At.
type Scope struct {
	Parent string
	Types  []string
	At     time.Time
}

// scopeCTE selects the areas in scope: the parent and everything whose
// code starts with it (a child's code extends its parent's), or all areas
// when the parent is a city or absent.
const scopeCTE = `
scope AS (
	SELECT a.* FROM areas a
	WHERE ($1 = '' OR a.code LIKE $1 || '%'
	   OR EXISTS (SELECT FROM areas c WHERE c.code = $1 AND c.level = 'city'))
	  AND $2::timestamptz IS NOT NULL -- every query takes the same two arguments
), region AS (
	SELECT ST_Union(geom) AS g FROM scope WHERE code = $1 OR $1 = ''
	   OR (level = 'district' AND EXISTS (SELECT FROM areas c WHERE c.code = $1 AND c.level = 'city'))
)`

var queries = map[string]string{
	"gap": `WITH ` + scopeCTE + `, kids AS (
			SELECT p.code, p.name, p.level, p.geom, ST_Union(c.geom) AS u
			FROM scope p JOIN areas c ON c.parent_code = p.code GROUP BY p.code, p.name, p.level, p.geom
		), pieces AS (
			SELECT code, name, level, (ST_Dump(ST_Difference(geom, u))).geom AS g FROM kids
		)
		SELECT ARRAY[code], name, ST_Area(g::geography), NULL::float8,
			format('part of %s %s covered by none of its children', level, name), ST_AsGeoJSON(ST_ForcePolygonCCW(g), 7)
		FROM pieces WHERE GeometryType(g) = 'POLYGON' AND ST_Area(g::geography) >= 1 ORDER BY code`,
	"overlap": `WITH ` + scopeCTE + `, pairs AS (
			SELECT a.code AS a, b.code AS b, a.name AS an, b.name AS bn, a.level, (ST_Dump(ST_Intersection(a.geom, b.geom))).geom AS g
			FROM scope a JOIN areas b ON b.parent_code = a.parent_code AND b.code > a.code AND a.geom && b.geom
			WHERE ST_Relate(a.geom, b.geom, '2********')
		)
		SELECT ARRAY[a, b], an || ' / ' || bn, ST_Area(g::geography), NULL::float8,
			format('%s %s and %s overlap', level, a, b), ST_AsGeoJSON(ST_ForcePolygonCCW(g), 7)
		FROM pairs WHERE GeometryType(g) = 'POLYGON' AND ST_Area(g::geography) >= 0.5 ORDER BY a, b`,
	"outside_parent": `WITH ` + scopeCTE + `, pieces AS (
			SELECT c.code, p.code AS parent, c.name, (ST_Dump(ST_Difference(c.geom, p.geom))).geom AS g
			FROM scope c JOIN areas p ON p.code = c.parent_code
		)
		SELECT ARRAY[code, parent], name, ST_Area(g::geography), NULL::float8,
			format('part of %s lies outside its parent %s', code, parent), ST_AsGeoJSON(ST_ForcePolygonCCW(g), 7)
		FROM pieces WHERE GeometryType(g) = 'POLYGON' AND ST_Area(g::geography) >= 1 ORDER BY code`,
	"grid_without_officer": `WITH ` + scopeCTE + `
		SELECT ARRAY[s.code], s.name, ST_Area(s.geom::geography), NULL::float8,
			format('grid %s has no grid officer', s.name), ST_AsGeoJSON(ST_ForcePolygonCCW(s.geom), 7)
		FROM scope s WHERE s.level = 'grid' AND NOT EXISTS (
			SELECT FROM duties d WHERE d.target_key = 'area:' || s.code AND d.role = 'grid_officer' AND d.valid @> $2::timestamptz)
		ORDER BY s.code`,
	"street_without_chief": `WITH ` + scopeCTE + `
		SELECT ARRAY[s.code], s.name, NULL::float8, ST_Length(s.geom::geography),
			format('street %s (%s) has no street chief', s.name, s.code), ST_AsGeoJSON(ST_ForcePolygonCCW(s.geom), 7)
		FROM streets s, region r WHERE ($1 = '' OR ST_Intersects(s.geom, r.g)) AND NOT EXISTS (
			SELECT FROM duties d WHERE d.target_key = 'street:' || s.code AND d.role = 'street_chief' AND d.valid @> $2::timestamptz)
		ORDER BY s.code`,
	"frontage_without_owner": `WITH ` + scopeCTE + `
		SELECT ARRAY[f.id::text, f.street_code], f.name, ST_Area(coalesce(f.zone, f.geom)::geography), NULL::float8,
			format('frontage unit %s has no owner (门前五包责任人)', f.name), ST_AsGeoJSON(ST_ForcePolygonCCW(f.geom), 7)
		FROM frontages f, region r WHERE ($1 = '' OR ST_Intersects(f.geom, r.g)) AND NOT EXISTS (
			SELECT FROM duties d WHERE d.target_key = 'frontage:' || f.id AND d.role = 'frontage_owner' AND d.valid @> $2::timestamptz)
		ORDER BY f.id`,
}

// Each runs the checks in scope and calls fn for each finding, type by
// type, as rows arrive.
func Each(ctx context.Context, pool *pgxpool.Pool, s Scope, fn func(Finding) error) error {
	for _, t := range Types {
		if len(s.Types) > 0 && !slices.Contains(s.Types, t) {
			continue
		}
		if err := run(ctx, pool, t, s, fn); err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context, pool *pgxpool.Pool, typ string, s Scope, fn func(Finding) error) error {
	rows, err := pool.Query(ctx, queries[typ], s.Parent, s.At)
	if err != nil {
		return fmt.Errorf("qa %s: %w", typ, err)
	}
	defer rows.Close()
	for rows.Next() {
		f := Finding{Type: typ}
		var geom string
		if err := rows.Scan(&f.Codes, &f.Name, &f.AreaM2, &f.LengthM, &f.Detail, &geom); err != nil {
			return fmt.Errorf("qa %s: %w", typ, err)
		}
		round(f.AreaM2)
		round(f.LengthM)
		f.Geometry = json.RawMessage(geom)
		if err := fn(f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("qa %s: %w", typ, err)
	}
	return nil
}

func round(v *float64) {
	if v != nil {
		*v = float64(int64(*v*10+0.5)) / 10
	}
}

// ParseTypes reads a comma-separated list of finding types.
func ParseTypes(s string) ([]string, string) {
	if s == "" {
		return nil, ""
	}
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if !slices.Contains(Types, t) {
			return nil, fmt.Sprintf("%q is not one of %s", t, strings.Join(Types, ", "))
		}
		out = append(out, t)
	}
	return out, ""
}
