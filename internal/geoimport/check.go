package geoimport

// The set-based checks: each is one query over the whole staging table,
// whatever the number of features.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Tolerances of the geometric checks, in square metres.
const (
	coverToleranceM2   = 1.0 // a child may stick out of its parent by less
	overlapToleranceM2 = 0.5 // sibling grids may overlap by less
)

// validateAreas runs the geometric and relational checks over the whole
// staging table: a handful of queries, whatever the number of features.
func validateAreas(ctx context.Context, tx pgx.Tx) ([]Rejection, error) {
	var out []Rejection
	invalid, err := validityRejections(ctx, tx, "import_areas")
	if err != nil {
		return nil, err
	}
	out = append(out, invalid...)
	parents, badParent, err := parentRejections(ctx, tx)
	if err != nil {
		return nil, err
	}
	out = append(out, parents...)
	covers, err := coverRejections(ctx, tx, badParent)
	if err != nil {
		return nil, err
	}
	out = append(out, covers...)
	overlaps, err := overlapRejections(ctx, tx)
	if err != nil {
		return nil, err
	}
	return append(out, overlaps...), nil
}

// validityRejections rejects the invalid staged geometries with PostGIS's
// reason.
func validityRejections(ctx context.Context, tx pgx.Tx, stage string) ([]Rejection, error) {
	rows, err := tx.Query(ctx, `SELECT idx, coalesce(code, ''), ST_IsValidReason(geom) FROM `+stage+` WHERE NOT valid ORDER BY idx`)
	if err != nil {
		return nil, fmt.Errorf("geometry validity: %w", err)
	}
	return collect(rows, func(idx int, code, why string) string { return reasonInvalid + ": " + why })
}

// parentQuery finds each child's parent: the file's version when the file
// has one (it replaces the database's), else the database's.
const parentQuery = `
SELECT c.idx, c.code, c.level, c.parent_code,
       coalesce(f.level, a.level::text, '') AS parent_level,
       EXISTS (SELECT FROM import_areas x WHERE x.code = c.parent_code AND NOT x.usable) AS parent_rejected
FROM import_areas c
LEFT JOIN import_areas f ON f.usable AND f.code = c.parent_code
LEFT JOIN areas a ON f.idx IS NULL AND a.code = c.parent_code
WHERE c.usable AND c.parent_code IS NOT NULL AND c.level <> 'city'`

// parentRejections checks that each parent exists one level up and that
// its code prefixes the child's, the rules the areas_check_parent trigger
// enforces, but for every feature at once. It also returns the indexes
// whose parent is wrong, for which the coverage check is moot.
func parentRejections(ctx context.Context, tx pgx.Tx) ([]Rejection, []int32, error) {
	rows, err := tx.Query(ctx, parentQuery)
	if err != nil {
		return nil, nil, fmt.Errorf("parents: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	var bad []int32
	for rows.Next() {
		var idx int32
		var code, level, parent, plevel string
		var parentRejected bool
		if err := rows.Scan(&idx, &code, &level, &parent, &plevel, &parentRejected); err != nil {
			return nil, nil, fmt.Errorf("parents: %w", err)
		}
		want := levels[slices.Index(levels, level)-1]
		var reason string
		switch {
		case plevel == "" && parentRejected:
			bad = append(bad, idx) // the parent's own rejection says why
			continue
		case plevel == "":
			reason = fmt.Sprintf("parent %s does not exist (neither in the file nor in the database)", parent)
		case plevel != want:
			reason = fmt.Sprintf("parent %s is a %s, but a %s's parent must be a %s", parent, plevel, level, want)
		case level == "district" && code[:4] != parent[:min(4, len(parent))]:
			reason = fmt.Sprintf("code %s does not share the first 4 digits of its city %s", code, parent)
		case level != "district" && !strings.HasPrefix(code, parent):
			reason = fmt.Sprintf("code %s does not start with its parent's code %s", code, parent)
		default:
			continue
		}
		bad = append(bad, idx)
		out = append(out, Rejection{Index: int(idx), Code: code, Reason: reason})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("parents: %w", err)
	}
	return out, bad, nil
}

// coverQuery returns each child its parent does not cover, with the area
// outside it; the tolerance is applied by the caller. ST_Covers answers
// the common case cheaply so ST_Difference runs only near boundaries.
const coverQuery = `
WITH pair AS (
    SELECT c.idx, c.code, c.parent_code, c.geom AS child,
           CASE WHEN f.idx IS NOT NULL THEN CASE WHEN f.valid THEN f.geom END
                ELSE a.geom END AS parent
    FROM import_areas c
    LEFT JOIN import_areas f ON f.usable AND f.code = c.parent_code
    LEFT JOIN areas a ON f.idx IS NULL AND a.code = c.parent_code
    WHERE c.usable AND c.valid AND c.parent_code IS NOT NULL AND c.idx <> ALL ($1::int[]))
SELECT idx, code, parent_code, ST_Area(ST_Difference(child, parent)::geography)
FROM pair
WHERE parent IS NOT NULL AND NOT ST_Covers(parent, child)`

// coverRejections rejects children sticking out of their parent by
// coverToleranceM2 or more.
func coverRejections(ctx context.Context, tx pgx.Tx, skip []int32) ([]Rejection, error) {
	if skip == nil {
		skip = []int32{} // NULL would make <> ALL drop every row
	}
	rows, err := tx.Query(ctx, coverQuery, skip)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		var idx int32
		var code, parent string
		var outside float64
		if err := rows.Scan(&idx, &code, &parent, &outside); err != nil {
			return nil, fmt.Errorf("coverage: %w", err)
		}
		if outside >= coverToleranceM2 {
			out = append(out, Rejection{Index: int(idx), Code: code,
				Reason: fmt.Sprintf("not covered by its parent %s: %s lies outside it", parent, squareMetres(outside))})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	return out, nil
}

// overlapQuery pairs grids of one community whose interiors overlap: among
// the file's grids (reported on the later one), and between a file grid and
// a database grid the file does not replace (database = true).
const overlapQuery = `
SELECT b.idx, b.code, a.code, a.idx, false AS database,
       ST_Area(ST_Intersection(a.geom, b.geom)::geography)
FROM import_areas a
JOIN import_areas b ON b.parent_code = a.parent_code AND a.idx < b.idx
WHERE a.level = 'grid' AND b.level = 'grid' AND a.usable AND b.usable AND a.valid AND b.valid
  AND ST_Intersects(a.geom, b.geom) AND ST_Relate(a.geom, b.geom, '2********')
UNION ALL
SELECT s.idx, s.code, d.code, -1, true,
       ST_Area(ST_Intersection(s.geom, d.geom)::geography)
FROM import_areas s
JOIN areas d ON d.level = 'grid' AND d.parent_code = s.parent_code AND ST_Intersects(d.geom, s.geom)
WHERE s.level = 'grid' AND s.usable AND s.valid
  AND NOT EXISTS (SELECT FROM import_areas x WHERE x.code = d.code)
  AND ST_Relate(s.geom, d.geom, '2********')
ORDER BY 1, 3`

// overlapRejections rejects grids overlapping a sibling by
// overlapToleranceM2 or more.
func overlapRejections(ctx context.Context, tx pgx.Tx) ([]Rejection, error) {
	rows, err := tx.Query(ctx, overlapQuery)
	if err != nil {
		return nil, fmt.Errorf("grid overlaps: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		var idx, otherIdx int32
		var code, other string
		var database bool
		var area float64
		if err := rows.Scan(&idx, &code, &other, &otherIdx, &database, &area); err != nil {
			return nil, fmt.Errorf("grid overlaps: %w", err)
		}
		if area < overlapToleranceM2 {
			continue
		}
		where := fmt.Sprintf("feature %d", otherIdx)
		if database {
			where = "already in the database"
		}
		out = append(out, Rejection{Index: int(idx), Code: code,
			Reason: fmt.Sprintf("grid %s overlaps grid %s (%s) by %s", code, other, where, squareMetres(area))})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("grid overlaps: %w", err)
	}
	return out, nil
}

// collect reads (idx, code, detail) rows into rejections.
func collect(rows pgx.Rows, reason func(idx int, code, detail string) string) ([]Rejection, error) {
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		var idx int32
		var code, detail string
		if err := rows.Scan(&idx, &code, &detail); err != nil {
			return nil, err
		}
		out = append(out, Rejection{Index: int(idx), Code: code, Reason: reason(int(idx), code, detail)})
	}
	return out, rows.Err()
}

// squareMetres formats an area for a reason.
func squareMetres(a float64) string {
	if a >= 100 {
		return fmt.Sprintf("%.0f m²", a)
	}
	return fmt.Sprintf("%.2f m²", a)
}
