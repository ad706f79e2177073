package frontage

// The set-based checks: each is one statement over the whole staging
// table, whatever the number of rows.

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// Street search. ST_DWithin on geometry prefilters with the GiST index on
// a box wide enough for $1 metres at the unit's latitude (the rule of
// places.RadiusDegrees: a degree of latitude is never shorter than 110 km,
// a degree of longitude shrinks with the cosine), then segments are ranked
// by geodesic distance, ties to the lower code.
const (
	forcedStreetSQL = `
UPDATE import_frontages f SET street_code = s.code, street_m = ST_Distance(s.geom::geography, f.geom::geography)
FROM streets s WHERE s.code = f.street_forced AND f.valid`

	nearestStreetSQL = `
WITH near AS (
    SELECT f.idx, n.code, n.d
    FROM import_frontages f
    CROSS JOIN LATERAL (
        SELECT s.code, ST_Distance(s.geom::geography, f.geom::geography) AS d
        FROM streets s
        WHERE ST_DWithin(s.geom, f.geom, ` + `$1 / (110000 * cos(radians(least(greatest(abs(ST_YMin(f.geom)), abs(ST_YMax(f.geom))) + 1, 89.9))))` + `)
        ORDER BY d, s.code LIMIT 1) n
    WHERE f.valid AND f.street_forced IS NULL AND n.d <= $1)
UPDATE import_frontages f SET street_code = near.code, street_m = near.d
FROM near WHERE near.idx = f.idx`

	// streetProblemsSQL lists units without a usable street: a forced code
	// that is unknown or too far, none within the radius (with the nearest
	// street to the swapped position of a point, when there is one), or a
	// unit on its street's centre line.
	streetProblemsSQL = `
SELECT f.idx, coalesce(f.name, ''), coalesce(f.street_forced, ''), coalesce(f.street_code, ''), coalesce(f.street_m, 0),
       coalesce(s.name, ''), coalesce(ST_Intersects(f.geom, s.geom), false), GeometryType(f.geom),
       sw.code, sw.name, sw.d
FROM import_frontages f
LEFT JOIN streets s ON s.code = f.street_code
LEFT JOIN LATERAL (
    SELECT s2.code, s2.name, ST_Distance(s2.geom::geography, g.flip::geography) AS d
    FROM (SELECT ST_FlipCoordinates(f.geom) AS flip) g, streets s2
    WHERE f.street_code IS NULL AND GeometryType(f.geom) = 'POINT' AND abs(ST_X(f.geom)) <= 90
      AND ST_DWithin(s2.geom, g.flip, ` + `$1 / (110000 * cos(radians(least(abs(ST_Y(g.flip)) + 1, 89.9))))` + `)
    ORDER BY d, s2.code LIMIT 1) sw ON sw.d <= $1
WHERE f.valid AND (f.street_code IS NULL OR f.street_m > $1 OR ST_Intersects(f.geom, s.geom))
ORDER BY f.idx`

	// matchSQL finds the unit each row is: the one with its licence, else
	// one with its name at an identical location (and no conflicting
	// licence).
	matchSQL = `
UPDATE import_frontages s SET target_id = coalesce(
    (SELECT f.id FROM frontages f WHERE f.licence = s.licence),
    (SELECT f.id FROM frontages f
     WHERE f.name = s.name AND f.geom ~= s.geom AND ST_Equals(f.geom, s.geom)
       AND (s.licence IS NULL OR f.licence IS NULL)
     ORDER BY f.id LIMIT 1))
WHERE s.valid AND s.name IS NOT NULL`

	sameTargetSQL = `
SELECT b.idx, coalesce(b.name, ''), a.idx
FROM import_frontages a JOIN import_frontages b ON b.target_id = a.target_id AND a.idx < b.idx
ORDER BY b.idx`
)

// validate runs the checks that need PostGIS or the database and fills
// each row's street and the unit it updates.
func (im *importer) validate(ctx context.Context, tx pgx.Tx) ([]Rejection, error) {
	var out []Rejection
	rows, err := tx.Query(ctx, `SELECT idx, coalesce(name, ''), ST_IsValidReason(geom) FROM import_frontages WHERE NOT valid ORDER BY idx`)
	if err != nil {
		return nil, fmt.Errorf("geometry validity: %w", err)
	}
	var idx int32
	var name, why string
	_, err = pgx.ForEachRow(rows, []any{&idx, &name, &why}, func() error {
		out = append(out, im.reject(int(idx), name, reasonInvalid+": "+why))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("geometry validity: %w", err)
	}

	r := im.opt.StreetRadiusM
	if _, err := exec(ctx, tx, "forced streets", forcedStreetSQL); err != nil {
		return nil, err
	}
	if _, err := exec(ctx, tx, "nearest streets", nearestStreetSQL, r); err != nil {
		return nil, err
	}
	streets, err := im.streetRejections(ctx, tx)
	if err != nil {
		return nil, err
	}
	out = append(out, streets...)

	if _, err := exec(ctx, tx, "match existing units", matchSQL); err != nil {
		return nil, err
	}
	// The staging table's statistics date from before target_id was filled.
	if _, err := exec(ctx, tx, "analyze matches", `ANALYZE import_frontages (target_id)`); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, sameTargetSQL)
	if err != nil {
		return nil, fmt.Errorf("match existing units: %w", err)
	}
	var first int32
	_, err = pgx.ForEachRow(rows, []any{&idx, &name, &first}, func() error {
		out = append(out, im.reject(int(idx), name, fmt.Sprintf(
			"is the same unit in the database as %s (by licence, or by name and location)", im.reject(int(first), "", "").Where())))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("match existing units: %w", err)
	}
	return out, nil
}

func (im *importer) streetRejections(ctx context.Context, tx pgx.Tx) ([]Rejection, error) {
	r := im.opt.StreetRadiusM
	rows, err := tx.Query(ctx, streetProblemsSQL, r)
	if err != nil {
		return nil, fmt.Errorf("streets: %w", err)
	}
	var out []Rejection
	var idx int32
	var name, forced, code, streetName, geomType string
	var metres float64
	var onLine bool
	var swCode, swName *string
	var swMetres *float64
	_, err = pgx.ForEachRow(rows, []any{&idx, &name, &forced, &code, &metres, &streetName, &onLine, &geomType, &swCode, &swName, &swMetres}, func() error {
		var reason string
		switch {
		case forced != "" && code == "":
			reason = fmt.Sprintf("unknown street %s: no street segment has this code", forced)
		case forced != "" && metres > r:
			reason = fmt.Sprintf("street %s (%s) is %s m away; a unit fronts a street within %s m", code, streetName, metresText(metres), metresText(r))
		case code == "":
			reason = fmt.Sprintf("no street segment within %s m", metresText(r))
			if swCode != nil {
				reason += fmt.Sprintf("; %s (the swapped position is %s m from %s %s)", reasonSwapped, metresText(*swMetres), *swName, *swCode)
			}
		case onLine && geomType == "POINT":
			reason = fmt.Sprintf("lies on the centre line of %s (%s): a unit stands beside its street, so no zone can be derived", streetName, code)
		case onLine:
			reason = fmt.Sprintf("crosses the centre line of %s (%s): a unit stands beside its street, so no zone can be derived", streetName, code)
		default:
			return nil
		}
		out = append(out, im.reject(int(idx), name, reason))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("streets: %w", err)
	}
	return out, nil
}

// metresText writes a distance for a reason: 60, 12.5.
func metresText(m float64) string {
	if m >= 100 || m == math.Trunc(m) {
		return fmt.Sprintf("%.0f", m)
	}
	return fmt.Sprintf("%.1f", m)
}
