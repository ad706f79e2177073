package hotline

// The set-based statements of an import, in the order they run. Working
// tables are UNLOGGED (parallel workers can read them, TEMP tables they
// cannot), created inside the import's transaction and dropped before it
// commits, so a failed import leaves none behind. The advisory lock makes
// imports take turns, so the fixed names never meet.

// sessionSQL tunes the transaction for a few large statements: JIT off
// (the time goes into GEOS and geodesics, which it cannot speed up, and
// compiling cost seconds), memory for the hash joins and sorts of a
// million rows, and index probes instead of one bitmap per point.
const sessionSQL = `SET LOCAL jit = off;
SET LOCAL work_mem = '512MB';
SET LOCAL maintenance_work_mem = '512MB';
SET LOCAL enable_bitmapscan = off`

// lz4SQL makes the chains (about 2 kB of JSON each) compress with lz4
// instead of pglz when the server has it: the same stored value, written
// several times faster.
const lz4SQL = `SELECT set_config('default_toast_compression', 'lz4', true)
WHERE EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`

// stageSQL is the staging table COPY fills; geom is computed as rows
// arrive.
const stageSQL = `CREATE UNLOGGED TABLE hotline_stage (
	line        integer NOT NULL,
	ticket      text NOT NULL,
	reported_at timestamptz NOT NULL,
	category    text NOT NULL,
	lon         double precision NOT NULL,
	lat         double precision NOT NULL,
	h3          bigint NOT NULL,
	address     text NOT NULL,
	content     text NOT NULL,
	closed_at   timestamptz,
	geom        geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
)`

// calendarSQL drops the rows reported outside the working-hours
// calendar (work_config's first_day to last_day), on which no deadline can
// be set, and lists them as rejections.
const calendarSQL = `WITH cal AS (
	SELECT first_day, last_day, (first_day::timestamp AT TIME ZONE zone) AS lo, ((last_day + 1)::timestamp AT TIME ZONE zone) AS hi
	FROM work_config
), gone AS (
	DELETE FROM hotline_stage s USING cal WHERE s.reported_at < cal.lo OR s.reported_at >= cal.hi
	RETURNING s.line, s.ticket, s.reported_at
)
SELECT g.line, g.ticket, g.reported_at, c.first_day::text, c.last_day::text FROM gone g, cal c ORDER BY g.line`

// existingSQL drops the tickets already imported (or reported through the
// API with the same ticket number) and counts them.
const existingSQL = `WITH gone AS (
	DELETE FROM hotline_stage s USING problems p
	WHERE p.source = 'hotline' AND p.source_ref = s.ticket
	RETURNING 1)
SELECT count(*) FROM gone`

// placesSQL makes the working copies the mapping probes: the grids alone
// (a point's probe of areas meets its city, district, sub-district and
// community too, and pays for each), and the streets with their
// geography computed once instead of once per point. streetRadiusSQL
// carries the radius into the statements that cannot take parameters.
const placesSQL = `CREATE UNLOGGED TABLE hotline_grids AS SELECT code, geom FROM areas WHERE level = 'grid';
CREATE INDEX ON hotline_grids USING gist (geom);
CREATE UNLOGGED TABLE hotline_streets AS SELECT code, name, geom, geom::geography AS geog FROM streets;
CREATE INDEX ON hotline_streets USING gist (geom);
ANALYZE hotline_grids;
ANALYZE hotline_streets;
ANALYZE hotline_stage`

const streetRadiusSQL = `SELECT set_config('gridkeeper.street_radius_m', $1::text, true)`

// The three spatial joins, each a plain join (so that it runs in
// parallel; a LATERAL subquery does not) keeping one row per point:
//   - the grid covering the point, the lowest code on a shared edge;
//   - the nearest street within the radius, geodesic, ties to the lowest
//     code; the GiST prefilter is places.RadiusDegrees' box;
//   - the frontage unit whose zone covers the point, the nearest unit
//     when zones overlap.
//
// These are duty.Resolve's rules, over the whole batch at once.
const (
	gridJoinSQL = `CREATE UNLOGGED TABLE hotline_grid AS
SELECT DISTINCT ON (s.line) s.line, g.code
FROM hotline_stage s JOIN %s g ON ST_Covers(g.geom, s.geom)%s
ORDER BY s.line, g.code`

	streetJoinSQL = `CREATE UNLOGGED TABLE hotline_street AS
SELECT DISTINCT ON (x.line) x.line, x.code, x.d FROM (
	SELECT s.line, st.code, ST_Distance(%s, s.geom::geography) AS d
	FROM hotline_stage s JOIN %s st ON ST_DWithin(st.geom, s.geom,
		current_setting('gridkeeper.street_radius_m')::float8 / (110000 * cos(radians(least(abs(s.lat) + 1, 89.9)))))
) x
WHERE x.d <= current_setting('gridkeeper.street_radius_m')::float8
ORDER BY x.line, x.d, x.code`

	frontageJoinSQL = `CREATE UNLOGGED TABLE hotline_frontage AS
SELECT DISTINCT ON (s.line) s.line, f.id
FROM hotline_stage s JOIN frontages f ON ST_Covers(f.zone, s.geom)
ORDER BY s.line, ST_Distance(f.geom, s.geom), f.id`
)

// The joins as the import runs them, over the working copies.
var (
	importGridJoin   = sprintf(gridJoinSQL, "hotline_grids", "")
	importStreetJoin = sprintf(streetJoinSQL, "st.geog", "hotline_streets")
)

// rowsSQL gathers each row with its mapping, its place in the hierarchy
// and its problem id. A point outside every grid takes the deepest other
// area covering it (as duty.Resolve does), so that a gap in the grids
// still names its community. Ids come from the problems sequence in
// reporting order, before the insert, so that recurrences within the
// file can point at them.
const rowsSQL = `CREATE UNLOGGED TABLE hotline_rows AS
SELECT x.*,
	CASE WHEN x.frontage IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN x.street IS NOT NULL THEN 2 ELSE 0 END
	+ CASE x.hit_level WHEN 'grid' THEN 4 + 8 + 16 + 32 WHEN 'community' THEN 8 + 16 + 32 WHEN 'subdistrict' THEN 16 + 32
		WHEN 'district' THEN 32 ELSE 0 END + 64 AS mask,
	nextval('problems_id_seq'::regclass) AS id
FROM (
	SELECT s.line, s.ticket, s.reported_at, s.category, s.lon, s.lat, s.h3, s.address, s.content, s.closed_at, s.geom,
		g.code AS grid, st.code AS street, round(st.d::numeric, 1) AS street_m, f.id AS frontage,
		coalesce(g.code, o.code) AS hit, CASE WHEN g.code IS NOT NULL THEN 'grid' ELSE o.level END AS hit_level
	FROM hotline_stage s
	LEFT JOIN hotline_grid g ON g.line = s.line
	LEFT JOIN hotline_street st ON st.line = s.line
	LEFT JOIN hotline_frontage f ON f.line = s.line
	LEFT JOIN LATERAL (
		SELECT a.code, a.level::text AS level FROM areas a
		WHERE g.code IS NULL AND a.level <> 'grid' AND ST_Covers(a.geom, s.geom)
		ORDER BY a.level DESC, a.code LIMIT 1) o ON true
	ORDER BY s.reported_at, s.line
	OFFSET 0
) x`

// layoutSQL stores where each link stands in the chain for every set of
// present links (a bit mask in the default order) and first-in-line role;
// see chainLayouts.
const layoutSQL = `CREATE UNLOGGED TABLE hotline_layout (mask int, fil text, p1 int, p2 int, p3 int, p4 int, p5 int, p6 int, p7 int)`

const layoutFillSQL = `INSERT INTO hotline_layout
SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])`

// linksSQL builds every link a chain can hold, as duty.Resolve writes it
// (but for its position), once per target and period (each duty, and each
// vacancy between duties): a span. The chain of a row is then a handful
// of lookups. Targets: frontage units, streets, grids,
// communities, sub-districts, districts and categories (whose link is
// held by the category's department duty, or else by its default
// department). since is written as Go writes a UTC time.
const linksSQL = `CREATE UNLOGGED TABLE hotline_spans AS
WITH targets AS (
	SELECT 'frontage' AS link, 'frontage_owner'::duty_role AS role, 'frontage' AS kind, f.id::text AS key, f.name, NULL::text AS level,
		format('inside the frontage zone (门前五包) of %s on %s', f.name, s.name) AS reason
	FROM frontages f JOIN streets s ON s.code = f.street_code
	UNION ALL
	SELECT 'street', 'street_chief', 'street', code, name, NULL, NULL FROM streets
	UNION ALL
	SELECT level::text, CASE level WHEN 'grid' THEN 'grid_officer' ELSE 'leader' END::duty_role, 'area', code, name, level::text,
		CASE level WHEN 'grid' THEN format('inside grid %s', name) ELSE format('the point is in %s %s', level, name) END
	FROM areas WHERE level <> 'city'
	UNION ALL
	SELECT 'department', 'department', 'category', code, name, NULL, format('handles category %s', name) FROM categories
), held AS (
	SELECT target_key, role, range_agg(valid) AS valid FROM duties GROUP BY target_key, role
), spans AS (
	SELECT t.*, d.id AS duty_id, d.valid, d.person_id, d.department_code AS department, '' AS note
	FROM targets t JOIN duties d ON d.target_key = t.kind || ':' || t.key AND d.role = t.role
	UNION ALL
	SELECT t.*, NULL, v, NULL, c.department_code,
		CASE WHEN t.link = 'department' THEN ' (the category''s default department)' ELSE '' END
	FROM targets t
	LEFT JOIN held h ON h.target_key = t.kind || ':' || t.key AND h.role = t.role
	LEFT JOIN categories c ON t.link = 'department' AND c.code = t.key
	CROSS JOIN LATERAL unnest('{(,)}'::tstzmultirange - coalesce(h.valid, '{}')) AS v
), links AS (
	SELECT sp.link, sp.key, sp.name, sp.valid, sp.person_id, CASE WHEN sp.person_id IS NULL THEN sp.department END AS department,
		jsonb_build_object(
			'role', sp.role,
			'target', jsonb_build_object('kind', sp.kind, 'key', sp.key, 'name', sp.name)
				|| CASE WHEN sp.level IS NOT NULL THEN jsonb_build_object('level', sp.level) ELSE '{}' END,
			'holder', CASE
				WHEN sp.person_id IS NOT NULL THEN jsonb_build_object('kind', 'person', 'id', pe.id, 'name', pe.name)
					|| CASE WHEN coalesce(pe.phone, '') <> '' THEN jsonb_build_object('phone', pe.phone) ELSE '{}' END
				WHEN sp.department IS NOT NULL THEN jsonb_build_object('kind', 'department', 'code', sp.department, 'name', coalesce(dep.name, ''))
				ELSE 'null' END,
			'vacant', sp.person_id IS NULL AND sp.department IS NULL,
			'duty_id', sp.duty_id,
			'since', CASE WHEN sp.duty_id IS NOT NULL THEN
				to_char(lower(sp.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
				|| CASE WHEN extract(microseconds FROM lower(sp.valid)) % 1000000 <> 0
					THEN rtrim(to_char(lower(sp.valid) AT TIME ZONE 'UTC', '.US'), '0') ELSE '' END || 'Z' END,
			'reason', sp.reason || sp.note) AS frag
	FROM spans sp
	LEFT JOIN people pe ON pe.id = sp.person_id
	LEFT JOIN departments dep ON dep.code = sp.department
)
SELECT row_number() OVER () AS span, l.* FROM links l`

// fragsSQL is every link in each of the seven positions, as the chain
// stores it, by lid = span × 8 + position.
const fragsSQL = `CREATE UNLOGGED TABLE hotline_frags AS
SELECT s.span * 8 + p.pos AS lid, s.name, s.frag || jsonb_build_object('position', p.pos) AS frag
FROM hotline_spans s CROSS JOIN generate_series(1, 7) AS p(pos)`

const linksIndexSQL = `ANALYZE hotline_spans (span, link, key, valid); ANALYZE hotline_frags (lid); ANALYZE hotline_layout; ANALYZE hotline_rows`

const refsAnalyzeSQL = `ANALYZE hotline_refs`

// candidatesSQL collects what a row can recur on: the closed problems of
// the file (mapped rows only: the others are imported as reported) and
// the closed problems already stored in the categories and time span of
// the file. Each sits in one cell of its category's square grid, whose
// side is twice the recurrence radius in degrees ($1: the largest
// |latitude| of the batch), so that every point within the radius of a
// row lies in the 2 × 2 block of cells nearest the row. cellsSQL and
// cellsFillSQL make the cells.
const cellsSQL = `CREATE UNLOGGED TABLE hotline_cells (category text, r float8, days int, side float8)`

const cellsFillSQL = `INSERT INTO hotline_cells
SELECT code, recur_radius_m, recur_days, 2 * recur_radius_m / (110000 * cos(radians(least($1::float8 + 1, 89.9)))) FROM categories`

const candidatesSQL = `CREATE UNLOGGED TABLE hotline_candidates AS
SELECT x.category, floor((x.lon + 180) / k.side)::bigint * 4294967296 + floor((x.lat + 90) / k.side)::bigint AS cell,
	x.closed_at, x.id, x.geom::geography AS geog
FROM (
	SELECT r.category, r.closed_at, r.id, r.lon, r.lat, r.geom FROM hotline_rows r
	WHERE r.closed_at IS NOT NULL AND r.grid IS NOT NULL
	UNION ALL
	SELECT p.category_code, p.closed_at, p.id, ST_X(p.geom), ST_Y(p.geom), p.geom FROM problems p
	WHERE p.status = 'closed' AND p.category_code IN (SELECT DISTINCT category FROM hotline_rows)
	  AND p.closed_at <= (SELECT max(reported_at) FROM hotline_rows)
	  AND p.closed_at > (SELECT min(reported_at) FROM hotline_rows) - make_interval(days => (SELECT max(recur_days) FROM categories))
) x JOIN hotline_cells k ON k.category = x.category;
CREATE INDEX ON hotline_candidates (category, cell, closed_at, id);
ANALYZE hotline_candidates`

// recurSQL links each row to the problem it recurs on, as problem.Intake
// does for one report: the same category, closed at or before the row was
// reported and within the category's recur_days, within recur_radius_m
// (geodesic); the most recently closed, then the highest id. In each of
// the four cells an index scan runs backwards in closing order from the
// row's time and stops at the first candidate near enough; the latest of
// the four wins.
const recurSQL = `CREATE UNLOGGED TABLE hotline_recur AS
SELECT p.line, q.id AS recurs_of
FROM (
	SELECT r.line, r.id, r.category, r.reported_at, k.r, k.days, r.geom::geography AS geog,
		floor((r.lon + 180) / k.side - 0.5)::bigint AS i, floor((r.lat + 90) / k.side - 0.5)::bigint AS j
	FROM hotline_rows r JOIN hotline_cells k ON k.category = r.category
	OFFSET 0
) p
CROSS JOIN LATERAL (
	SELECT c.id FROM (
		(SELECT q.id, q.closed_at FROM hotline_candidates q
		WHERE q.category = p.category AND q.cell = p.i * 4294967296 + p.j
		  AND q.closed_at <= p.reported_at AND q.closed_at > p.reported_at - make_interval(days => p.days)
		  AND q.id <> p.id AND ST_DWithin(q.geog, p.geog, p.r)
		ORDER BY q.closed_at DESC, q.id DESC LIMIT 1)
		UNION ALL
		(SELECT q.id, q.closed_at FROM hotline_candidates q
		WHERE q.category = p.category AND q.cell = (p.i + 1) * 4294967296 + p.j
		  AND q.closed_at <= p.reported_at AND q.closed_at > p.reported_at - make_interval(days => p.days)
		  AND q.id <> p.id AND ST_DWithin(q.geog, p.geog, p.r)
		ORDER BY q.closed_at DESC, q.id DESC LIMIT 1)
		UNION ALL
		(SELECT q.id, q.closed_at FROM hotline_candidates q
		WHERE q.category = p.category AND q.cell = p.i * 4294967296 + p.j + 1
		  AND q.closed_at <= p.reported_at AND q.closed_at > p.reported_at - make_interval(days => p.days)
		  AND q.id <> p.id AND ST_DWithin(q.geog, p.geog, p.r)
		ORDER BY q.closed_at DESC, q.id DESC LIMIT 1)
		UNION ALL
		(SELECT q.id, q.closed_at FROM hotline_candidates q
		WHERE q.category = p.category AND q.cell = (p.i + 1) * 4294967296 + p.j + 1
		  AND q.closed_at <= p.reported_at AND q.closed_at > p.reported_at - make_interval(days => p.days)
		  AND q.id <> p.id AND ST_DWithin(q.geog, p.geog, p.r)
		ORDER BY q.closed_at DESC, q.id DESC LIMIT 1)
	) c ORDER BY c.closed_at DESC, c.id DESC LIMIT 1
) q`

// refsSQL finds, for each row, the links of its chain valid at its
// reported time, in their positions (as lids), and who holds each, and so
// the handler: the first link someone holds, in chain order (the
// first-in-line link first, then frontage → street → grid → community →
// sub-district → district → department). Rows outside every grid get no
// handler.
const refsSQL = `CREATE UNLOGGED TABLE hotline_refs AS
SELECT x.*,
	CASE WHEN x.mapped THEN coalesce(
		CASE x.fil WHEN 'frontage_owner' THEN CASE WHEN x.hf IS NOT NULL THEN 1 END
			WHEN 'street_chief' THEN CASE WHEN x.hs IS NOT NULL THEN 2 END
			WHEN 'grid_officer' THEN CASE WHEN x.hg IS NOT NULL THEN 3 END
			WHEN 'department' THEN 7 END,
		CASE WHEN x.hf IS NOT NULL THEN 1 END, CASE WHEN x.hs IS NOT NULL THEN 2 END, CASE WHEN x.hg IS NOT NULL THEN 3 END,
		CASE WHEN x.hc IS NOT NULL THEN 4 END, CASE WHEN x.hsd IS NOT NULL THEN 5 END, CASE WHEN x.hd IS NOT NULL THEN 6 END, 7) END AS h
FROM (
	SELECT r.id, r.grid IS NOT NULL AS mapped, c.first_in_line AS fil,
		lf.span * 8 + y.p1 AS f, ls.span * 8 + y.p2 AS s, lg.span * 8 + y.p3 AS g, lc.span * 8 + y.p4 AS c,
		lsd.span * 8 + y.p5 AS sd, ld.span * 8 + y.p6 AS d, ldep.span * 8 + y.p7 AS dep,
		lf.person_id AS hf, ls.person_id AS hs, lg.person_id AS hg, lc.person_id AS hc, lsd.person_id AS hsd, ld.person_id AS hd,
		ldep.department AS hdep
	FROM hotline_rows r
	JOIN categories c ON c.code = r.category
	JOIN hotline_layout y ON y.fil = c.first_in_line AND y.mask = r.mask
	LEFT JOIN hotline_spans lf ON lf.link = 'frontage' AND lf.key = r.frontage::text AND lf.valid @> r.reported_at
	LEFT JOIN hotline_spans ls ON ls.link = 'street' AND ls.key = r.street AND ls.valid @> r.reported_at
	LEFT JOIN hotline_spans lg ON lg.link = 'grid' AND lg.key = r.grid AND lg.valid @> r.reported_at
	LEFT JOIN hotline_spans lc ON lc.link = 'community' AND lc.key = left(r.hit, 12) AND lc.valid @> r.reported_at
	LEFT JOIN hotline_spans lsd ON lsd.link = 'subdistrict' AND lsd.key = left(r.hit, 9) AND lsd.valid @> r.reported_at
	LEFT JOIN hotline_spans ld ON ld.link = 'district' AND ld.key = left(r.hit, 6) AND ld.valid @> r.reported_at
	LEFT JOIN hotline_spans ldep ON ldep.link = 'department' AND ldep.key = r.category AND ldep.valid @> r.reported_at
) x`

// insertSQL writes the problems and their import events in one
// statement: the chain in position order, the handler, the status
// (closed with closed_at, else dispatched; reported with no handler
// outside every grid), the deadline on the working-hours calendar from
// reported_at, the recurrence link. $1 is the actor, $2 the note of the
// events.
const insertSQL = `WITH ins AS (
	INSERT INTO problems (id, number, category_code, description, address, source, source_ref, geom, h3_15, reported_at,
		grid_code, community_code, subdistrict_code, district_code, street_code, street_distance_m, frontage_id, chain_links,
		assignee_person_id, assignee_department, assignee_role, status,
		registered_at, dispatched_at, dispatch_count, time_limit_hours, due_at, resolved_at, closed_at, recurs_of)
	OVERRIDING SYSTEM VALUE
	SELECT r.id, '', r.category, r.content, r.address, 'hotline', r.ticket, r.geom, r.h3, r.reported_at,
		r.grid, CASE WHEN x.c IS NOT NULL THEN left(r.hit, 12) END, CASE WHEN x.sd IS NOT NULL THEN left(r.hit, 9) END,
		CASE WHEN x.d IS NOT NULL THEN left(r.hit, 6) END, r.street, r.street_m::float8, r.frontage,
		chain_store(to_jsonb(array_remove(CASE x.fil
			WHEN 'frontage_owner' THEN ARRAY[lf.frag, ls.frag, lg.frag, lc.frag, lsd.frag, ld.frag, ldep.frag]
			WHEN 'street_chief' THEN ARRAY[ls.frag, lf.frag, lg.frag, lc.frag, lsd.frag, ld.frag, ldep.frag]
			WHEN 'grid_officer' THEN ARRAY[lg.frag, lf.frag, ls.frag, lc.frag, lsd.frag, ld.frag, ldep.frag]
			ELSE ARRAY[ldep.frag, lf.frag, ls.frag, lg.frag, lc.frag, lsd.frag, ld.frag] END, NULL))),
		CASE x.h WHEN 1 THEN x.hf WHEN 2 THEN x.hs WHEN 3 THEN x.hg WHEN 4 THEN x.hc WHEN 5 THEN x.hsd WHEN 6 THEN x.hd END,
		CASE WHEN x.h = 7 THEN x.hdep END,
		CASE x.h WHEN 1 THEN 'frontage_owner' WHEN 2 THEN 'street_chief' WHEN 3 THEN 'grid_officer' WHEN 7 THEN 'department'
			WHEN 4 THEN 'leader' WHEN 5 THEN 'leader' WHEN 6 THEN 'leader' END,
		CASE WHEN NOT x.mapped THEN 'reported' WHEN r.closed_at IS NOT NULL THEN 'closed' ELSE 'dispatched' END::problem_status,
		CASE WHEN x.mapped THEN r.reported_at END, CASE WHEN x.mapped THEN r.reported_at END,
		CASE WHEN x.mapped THEN 1 ELSE 0 END, c.time_limit_hours,
		CASE WHEN x.mapped THEN w.due_at END,
		CASE WHEN x.mapped THEN r.closed_at END, CASE WHEN x.mapped THEN r.closed_at END,
		rc.recurs_of
	FROM hotline_rows r
	JOIN hotline_refs x ON x.id = r.id
	JOIN categories c ON c.code = r.category
	CROSS JOIN LATERAL work_add_rel(r.reported_at, c.time_limit_hours::float8 * 60) w
	LEFT JOIN hotline_recur rc ON rc.line = r.line
	LEFT JOIN hotline_frags lf ON lf.lid = x.f
	LEFT JOIN hotline_frags ls0 ON ls0.lid = x.s
	CROSS JOIN LATERAL (SELECT ls0.frag || jsonb_build_object('reason', format('%s m from street %s', r.street_m, ls0.name),
		'distance_m', r.street_m::float8) AS frag) ls
	LEFT JOIN hotline_frags lg ON lg.lid = x.g
	LEFT JOIN hotline_frags lc ON lc.lid = x.c
	LEFT JOIN hotline_frags lsd ON lsd.lid = x.sd
	LEFT JOIN hotline_frags ld ON ld.lid = x.d
	LEFT JOIN hotline_frags ldep ON ldep.lid = x.dep
	RETURNING id, status, assignee_person_id, assignee_department, assignee_role
)
INSERT INTO problem_events (problem_id, actor, action, from_status, to_status, note, data)
SELECT ins.id, $1, 'import', NULL, ins.status, $2,
	jsonb_build_object('line', r.line, 'ticket', r.ticket,
		'hotline_status', CASE WHEN r.closed_at IS NULL THEN 'open' ELSE 'closed' END, 'hotline_closed_at', r.closed_at,
		'assignee_person_id', ins.assignee_person_id, 'assignee_department', ins.assignee_department, 'role', ins.assignee_role)
FROM ins JOIN hotline_rows r ON r.id = ins.id`

// countSQL is what the import did, by status.
const countSQL = `SELECT count(*) FILTER (WHERE grid IS NOT NULL AND closed_at IS NULL), count(*) FILTER (WHERE grid IS NOT NULL AND closed_at IS NOT NULL),
	count(*) FILTER (WHERE grid IS NULL), (SELECT count(*) FROM hotline_recur)
FROM hotline_rows`

// dropSQL removes the working tables; keep names the staging table when
// it is kept.
const dropSQL = `DROP TABLE IF EXISTS hotline_grids, hotline_streets, hotline_grid, hotline_street, hotline_frontage,
	hotline_rows, hotline_layout, hotline_spans, hotline_frags, hotline_refs, hotline_cells, hotline_candidates, hotline_recur`
