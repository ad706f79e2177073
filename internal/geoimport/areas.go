package geoimport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Levels in hierarchy order, as the area_level enum has them.
var levels = []string{"city", "district", "subdistrict", "community", "grid"}

// codeFormats mirror the areas_code_format constraint.
var codeFormats = map[string]*regexp.Regexp{
	"city":        regexp.MustCompile(`^[0-9]{4}00$`),
	"district":    regexp.MustCompile(`^[0-9]{6}$`),
	"subdistrict": regexp.MustCompile(`^[0-9]{9}$`),
	"community":   regexp.MustCompile(`^[0-9]{12}$`),
	"grid":        regexp.MustCompile(`^[0-9]{15}$`),
}

// ImportAreas loads a FeatureCollection of areas from r: properties code,
// name, level (city|district|subdistrict|community|grid) and parent (the
// parent's code; null for a city or a top district); every other property
// goes to the properties column. Geometry is a Polygon (promoted) or a
// MultiPolygon in CRS84.
//
// Areas are upserted by code, parents before children; areas not in the
// file are left alone. If any feature is rejected nothing is written and
// the error is a *RejectedError listing every rejection.
func ImportAreas(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options) (Result, error) {
	b := &areaBuilder{seen: codes{}}
	return run(ctx, pool, r, opt, &kind{
		name:     "areas",
		stage:    "import_areas",
		create:   createAreaStage,
		columns:  []string{"idx", "code", "name", "level", "parent_code", "usable", "wkb", "properties"},
		build:    b.build,
		validate: validateAreas,
		write:    writeAreas,
		target:   "areas",
	})
}

// The staging table holds every feature; usable marks the ones whose code
// and level are sound and unique, so that they may be looked up as a parent
// or a sibling. geom and valid are computed by PostGIS as rows arrive, so
// the ANALYZE after COPY gives the planner true statistics for the joins.
const createAreaStage = `
CREATE TEMP TABLE import_areas (
    idx         int PRIMARY KEY,
    code        text,
    name        text,
    level       text,
    parent_code text,
    usable      boolean NOT NULL,
    wkb         bytea,
    properties  jsonb,
    geom        geometry GENERATED ALWAYS AS (ST_GeomFromWKB(wkb, 4326)) STORED,
    valid       boolean GENERATED ALWAYS AS (ST_IsValid(ST_GeomFromWKB(wkb, 4326))) STORED
) ON COMMIT DROP`

// areaBuilder checks the structure of each area feature.
type areaBuilder struct {
	seen codes
}

func (b *areaBuilder) build(idx int, raw json.RawMessage) ([]any, string, []string) {
	f := decodeFeature(raw)
	if f.reasons != nil {
		return nil, "", f.reasons
	}
	var rs reasons
	code, hasCode, codeReason := f.str("code")
	rs.add(codeReason)
	name, hasName, nameTypeReason := f.str("name")
	rs.add(nameTypeReason)
	level, hasLevel, r := f.str("level")
	rs.add(r)
	parent, hasParent, r := f.str("parent")
	rs.add(r)

	usable := true
	switch {
	case !hasCode:
		usable = false
		if codeReason == "" {
			rs.add("missing code")
		}
	default:
		if r := b.seen.claim(code, idx); r != "" {
			usable = false
			rs.add(r)
		}
	}
	format, known := codeFormats[level]
	switch {
	case !hasLevel:
		usable = false
		rs.add("missing level (want city, district, subdistrict, community or grid)")
	case !known:
		usable = false
		rs.add(fmt.Sprintf("unknown level %q (want city, district, subdistrict, community or grid)", level))
	case hasCode && !format.MatchString(code):
		usable = false
		rs.add(fmt.Sprintf("code %q does not match the %s code format %s", code, level, format))
	}
	if nameTypeReason == "" {
		rs.add(nameReason(name, hasName))
	}
	switch {
	case level == "city" && hasParent:
		rs.add(fmt.Sprintf("a city has no parent, but parent is %q", parent))
	case known && level != "city" && level != "district" && !hasParent:
		rs.add(fmt.Sprintf("missing parent: a %s needs the code of its %s", level, levels[slices.Index(levels, level)-1]))
	}

	wkbBytes, reason := geometryWKB(f.geometry, areaGeom)
	rs.add(reason)
	row := []any{idx, nullable(code, hasCode), nullable(name, hasName), nullable(level, hasLevel),
		nullable(parent, hasParent), usable, wkbBytes, f.rest()}
	return row, code, rs
}

// upsertArea writes one level of the staging table. A row whose values
// are all unchanged is not updated, so its updated_at stays.
const upsertArea = `
INSERT INTO areas AS a (code, name, level, parent_code, geom, properties)
SELECT code, name, level::area_level, parent_code, geom, properties
FROM import_areas WHERE level = $1 ORDER BY idx
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
    geom = EXCLUDED.geom, properties = EXCLUDED.properties
WHERE (a.name, a.level, a.parent_code, a.properties)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.parent_code, EXCLUDED.properties)
   OR NOT ST_OrderingEquals(a.geom, EXCLUDED.geom)`

// writeAreas upserts level by level, so every parent is in place (and seen
// by the areas_check_parent trigger) before its children.
func writeAreas(ctx context.Context, tx pgx.Tx) (int, error) {
	touched := 0
	for _, level := range levels {
		tag, err := tx.Exec(ctx, upsertArea, level)
		if err != nil {
			return 0, fmt.Errorf("upsert %s areas: %w", level, err)
		}
		touched += int(tag.RowsAffected())
	}
	return touched, nil
}
