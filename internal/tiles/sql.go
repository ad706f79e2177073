package tiles

// The SQL that cuts tiles. $1, $2, $3 are always z, x, y, bound as
// parameters; $4 is the MVT layer name (from the Layers table, never from
// the request), then the level or the filter's values. ST_TileEnvelope
// gives the tile in EPSG:3857; its margin variant, turned to EPSG:4326,
// selects the rows the tile and its buffer touch through the GiST index on
// geom (stored in 4326).

// touchSQL is the 4326 box of the tile with its buffer.
const touchSQL = `ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)`

const areaSQL = `SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
	       a.code, a.name, a.level::text AS level, a.parent_code AS parent
	FROM areas a
	WHERE a.level = $5::area_level AND a.geom && ` + touchSQL + `
) t WHERE geom IS NOT NULL`

const streetSQL = `SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, s.code, s.name
	FROM streets s WHERE s.geom && ` + touchSQL + `
) t WHERE geom IS NOT NULL`

// frontageSQL is two MVT layers, the units ($4) and their zones
// (frontage_zones); owned says whether a frontage owner answers now.
const frontageSQL = `WITH f AS (
	SELECT f.id, f.name, f.street_code, f.geom, f.zone,
	       EXISTS (SELECT FROM duties d WHERE d.target_key = 'frontage:' || f.id AND d.role = 'frontage_owner' AND d.valid @> now()) AS owned
	FROM frontages f WHERE f.geom && ` + touchSQL + ` OR f.zone && ` + touchSQL + `
)
SELECT coalesce((SELECT ST_AsMVT(t, $4, 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, id, name, street_code, owned FROM f
) t WHERE geom IS NOT NULL), ''::bytea) || coalesce((SELECT ST_AsMVT(t, 'frontage_zones', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(zone, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, id, name, street_code, owned
	FROM f WHERE zone IS NOT NULL
) t WHERE geom IS NOT NULL), ''::bytea)`

// problemPointSQL is one point a problem, from PointZoom on, placed by
// the web-mercator formulas on its lon/lat (pixelsSQL; no reprojection of
// the point, which would cost most of the tile). due is set while a
// handler has it, warn (when the light turns yellow on the working-hours
// calendar) while its deadline is still ahead: past the deadline the light
// is red whatever warn says, and the calendar lookup is the dearest part
// of a point, so it is made only for the few problems that need it. The
// problem's number (its reporting day and id) is left to the panel: a
// distinct string per point is the largest part of a dense tile.
const problemPointSQL = `WITH b AS (SELECT ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AS e, power(2, $1::float8) AS n)
SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_Point(round(((ST_X(p.geom) + 180) / 360 * b.n - $2) * 4096),
	                round(((1 - ln(tan(radians(ST_Y(p.geom))) + 1 / cos(radians(ST_Y(p.geom)))) / pi()) / 2 * b.n - $3) * 4096)) AS geom,
	       p.id, 1 AS count, p.category_code AS category, p.status::text AS status, p.source,
	       extract(epoch FROM p.reported_at)::bigint AS reported,
	       CASE WHEN p.status IN ('dispatched', 'in_progress') THEN extract(epoch FROM p.due_at)::bigint END AS due,
	       CASE WHEN p.status IN ('dispatched', 'in_progress') AND p.due_at > now() AND p.time_limit_hours IS NOT NULL
	            THEN extract(epoch FROM work_add(p.dispatched_at, 0.8 * p.time_limit_hours::float8 * 60))::bigint END AS warn
	FROM problems p, b WHERE p.geom && b.e %s
) t`

// pixelsSQL places every problem of the tile (not its buffer: the cells
// keep the pixels in [0, 4096), so each problem is counted in exactly one
// tile) at its tile pixel, by the web-mercator
// formulas on its lon/lat (no reprojection of the point).
const pixelsSQL = `WITH b AS (SELECT ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AS e, power(2, $1::float8) AS n),
px AS (
	SELECT ((ST_X(p.geom) + 180) / 360 * b.n - $2) * 4096 AS px,
	       ((1 - ln(tan(radians(ST_Y(p.geom))) + 1 / cos(radians(ST_Y(p.geom)))) / pi()) / 2 * b.n - $3) * 4096 AS py,
	       p.id
	FROM problems p, b WHERE p.geom && b.e %s
)`

// problemCellSQL is one point a non-empty cell of CellPx pixels, at the
// mean position of its problems, with their count and the id when it
// holds one (for a filter with times; rollupProblemSQL answers the others).
const problemCellSQL = pixelsSQL + `, cells AS (
	SELECT least(floor(px / 256), 15) AS cx, least(floor(py / 256), 15) AS cy,
	       count(*) AS n, avg(px) AS ax, avg(py) AS ay, min(id) AS id
	FROM px WHERE px >= 0 AND px < 4096 AND py >= 0 AND py < 4096 GROUP BY 1, 2
)
SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_Point(round(ax), round(ay)) AS geom, n AS count, true AS cell,
	       CASE WHEN n = 1 THEN id END AS id
	FROM cells
) t`

// heatSQL is a square of HeatPx pixels for each non-empty heat cell.
const heatSQL = pixelsSQL + `, cells AS (
	SELECT least(floor(px / 256), 15) AS cx, least(floor(py / 256), 15) AS cy, count(*) AS n
	FROM px WHERE px >= 0 AND px < 4096 AND py >= 0 AND py < 4096 GROUP BY 1, 2
), m AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS e, (ST_XMax(ST_TileEnvelope($1, $2, $3)) - ST_XMin(ST_TileEnvelope($1, $2, $3))) / 16 AS s
)
SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_AsMVTGeom(ST_MakeEnvelope(ST_XMin(m.e) + cx * m.s, ST_YMax(m.e) - (cy + 1) * m.s,
	                                    ST_XMin(m.e) + (cx + 1) * m.s, ST_YMax(m.e) - cy * m.s, 3857),
	                    m.e, 4096, 0, true) AS geom, n AS count
	FROM cells, m
) t WHERE geom IS NOT NULL`

// The dependencies of a tile (etag.go).

// problemVersionSQL sums the versions of the zoom-14 tiles in a range
// (only the sum: a fold changes how many rows carry it, not the sum).
const problemVersionSQL = `SELECT coalesce(sum(version), 0)::text
FROM problem_tile_versions WHERE x BETWEEN $1 AND $2 AND y BETWEEN $3 AND $4`

const areaVersionSQL = `SELECT count(*), coalesce(max(updated_at), 'epoch')
FROM areas WHERE level = $4::area_level AND geom && ` + touchSQL

const streetVersionSQL = `SELECT count(*), coalesce(max(updated_at), 'epoch')
FROM streets WHERE geom && ` + touchSQL

// frontageVersionSQL adds the frontage owners' duties: who answers, and
// how many answer now.
const frontageVersionSQL = `SELECT (SELECT count(*) FROM frontages WHERE geom && ` + touchSQL + ` OR zone && ` + touchSQL + `),
	(SELECT coalesce(max(updated_at), 'epoch') FROM frontages WHERE geom && ` + touchSQL + ` OR zone && ` + touchSQL + `),
	(SELECT count(*) || ':' || coalesce(sum(hashtext(id::text || valid::text)), 0) || ':' || count(*) FILTER (WHERE valid @> now())
	 FROM duties WHERE role = 'frontage_owner')`

// boundsSQL is the extent of the city's areas and streets (TileJSON's bounds).
const boundsSQL = `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (
	SELECT ST_Extent(g) AS e FROM (SELECT geom AS g FROM areas WHERE level IN ('city', 'district') UNION ALL SELECT ST_Envelope(ST_Collect(geom)) FROM streets) s
) x WHERE e IS NOT NULL`

// The low zooms from the rollup (table problem_cells, migration
// problem_cells; a key's counts are the sum of its rows, deltas appended
// by writers): the cells of a tile of zoom z are tiles of zoom z + 4,
// summed from the rollup's zoom-14 rows (z ≤ 10), zoom-17 rows (z 11 to
// 13) or zoom-18 rows (z 14). $5 is the shift from the rollup's zoom to the cells', $6 the
// rollup's zoom, $7-$10 its range of x and y under the tile; the filter
// (category, status, source only) follows as p.*.
const rollupCellsSQL = `WITH c AS (
	SELECT (p.x >> $5) - ($2 << 4) AS cx, (p.y >> $5) - ($3 << 4) AS cy,
	       sum(p.n)::bigint AS n, sum(p.sum_lon) AS slon, sum(p.sum_lat) AS slat, sum(p.sum_id)::bigint AS sid
	FROM problem_cells p
	WHERE p.z = $6 AND p.x BETWEEN $7 AND $8 AND p.y BETWEEN $9 AND $10 %s
	GROUP BY 1, 2 HAVING sum(p.n) > 0
)`

// rollupProblemSQL is problemCellSQL's answer from the rollup: the mean
// position of a cell's problems, their count, the id of a lone one.
const rollupProblemSQL = rollupCellsSQL + `
SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_Point(round(((slon / n + 180) / 360 * power(2, $1::float8) - $2) * 4096),
	                round(((1 - ln(tan(radians(slat / n)) + 1 / cos(radians(slat / n))) / pi()) / 2 * power(2, $1::float8) - $3) * 4096)) AS geom,
	       n AS count, true AS cell, CASE WHEN n = 1 THEN sid END AS id
	FROM c
) t`

// rollupHeatSQL is heatSQL's answer from the rollup.
const rollupHeatSQL = rollupCellsSQL + `, m AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS e, (ST_XMax(ST_TileEnvelope($1, $2, $3)) - ST_XMin(ST_TileEnvelope($1, $2, $3))) / 16 AS s
)
SELECT coalesce(ST_AsMVT(t, $4, 4096, 'geom'), ''::bytea) FROM (
	SELECT ST_AsMVTGeom(ST_MakeEnvelope(ST_XMin(m.e) + cx * m.s, ST_YMax(m.e) - (cy + 1) * m.s,
	                                    ST_XMin(m.e) + (cx + 1) * m.s, ST_YMax(m.e) - cy * m.s, 3857),
	                    m.e, 4096, 0, true) AS geom, n AS count
	FROM c, m
) t WHERE geom IS NOT NULL`
