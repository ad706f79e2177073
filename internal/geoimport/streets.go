package geoimport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// streetCode mirrors the CHECK on streets.code.
var streetCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ImportStreets loads a FeatureCollection of street segments from r:
// properties code and name, every other property to the properties column;
// geometry a LineString (promoted) or a MultiLineString in CRS84.
//
// Streets are upserted by code; streets not in the file are left alone. If
// any feature is rejected nothing is written and the error is a
// *RejectedError listing every rejection.
func ImportStreets(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options) (Result, error) {
	b := &streetBuilder{seen: codes{}}
	return run(ctx, pool, r, opt, &kind{
		name:     "streets",
		stage:    "import_streets",
		create:   createStreetStage,
		columns:  []string{"idx", "code", "name", "wkb", "properties"},
		build:    b.build,
		validate: validateStreets,
		write:    writeStreets,
		target:   "streets",
	})
}

const createStreetStage = `
CREATE TEMP TABLE import_streets (
    idx        int PRIMARY KEY,
    code       text,
    name       text,
    wkb        bytea,
    properties jsonb,
    geom       geometry GENERATED ALWAYS AS (ST_GeomFromWKB(wkb, 4326)) STORED,
    valid      boolean GENERATED ALWAYS AS (ST_IsValid(ST_GeomFromWKB(wkb, 4326))) STORED
) ON COMMIT DROP`

// streetBuilder checks the structure of each street feature.
type streetBuilder struct {
	seen codes
}

func (b *streetBuilder) build(idx int, raw json.RawMessage) ([]any, string, []string) {
	f := decodeFeature(raw)
	if f.reasons != nil {
		return nil, "", f.reasons
	}
	var rs reasons
	code, hasCode, codeReason := f.str("code")
	rs.add(codeReason)
	name, hasName, nameTypeReason := f.str("name")
	rs.add(nameTypeReason)
	switch {
	case !hasCode:
		if codeReason == "" {
			rs.add("missing code")
		}
	case !streetCode.MatchString(code):
		rs.add(fmt.Sprintf("code %q does not match the street code format %s", code, streetCode))
	}
	if hasCode {
		rs.add(b.seen.claim(code, idx))
	}
	if nameTypeReason == "" {
		rs.add(nameReason(name, hasName))
	}
	wkbBytes, reason := geometryWKB(f.geometry, streetGeom)
	rs.add(reason)
	row := []any{idx, nullable(code, hasCode), nullable(name, hasName), wkbBytes, f.rest()}
	return row, code, rs
}

func validateStreets(ctx context.Context, tx pgx.Tx) ([]Rejection, error) {
	return validityRejections(ctx, tx, "import_streets")
}

const upsertStreets = `
INSERT INTO streets AS s (code, name, geom, properties)
SELECT code, name, geom, properties FROM import_streets ORDER BY idx
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, geom = EXCLUDED.geom, properties = EXCLUDED.properties, updated_at = now()
WHERE (s.name, s.properties) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.properties)
   OR NOT ST_OrderingEquals(s.geom, EXCLUDED.geom)`

func writeStreets(ctx context.Context, tx pgx.Tx) (int, error) {
	tag, err := tx.Exec(ctx, upsertStreets)
	if err != nil {
		return 0, fmt.Errorf("upsert streets: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
