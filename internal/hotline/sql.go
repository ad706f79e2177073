package hotline

// The SQL of an import. The rows themselves never pass through SQL
// statements one by one: they are mapped, resolved and linked in Go over
// an in-memory snapshot and written with COPY.

// sessionSQL tunes the import's transaction: JIT off (a few large
// statements gain nothing from it), memory for the sorts and hashes.
const sessionSQL = `SET LOCAL jit = off;
SET LOCAL work_mem = '256MB'`

// replicaSQL turns off the per-row foreign-key triggers for the import's
// writes (session_replication_role = replica; a superuser, or a role
// granted SET on the parameter, may set it). The import then does what
// those triggers do, set-wise: once the rows are written, lockRefsSQL
// takes the FOR KEY SHARE locks the triggers would take, on the rows the
// written problems reference and on nothing else, and counts them, so
// that a row deleted (or re-keyed) since the import read it fails the
// import instead of leaving a dangling reference (locks.go). The heat
// rollup triggers are ENABLE ALWAYS (migration 010) and still fire.
const replicaSQL = `SET LOCAL session_replication_role = replica`

// lockRefsSQL locks the referenced rows, table by table in a fixed order
// (categories, departments, people, areas, streets, frontages, problems:
// $1..$7), and counts those it found.
const lockRefsSQL = `SELECT
	(SELECT count(*) FROM (SELECT FROM categories WHERE code = ANY ($1::text[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM departments WHERE code = ANY ($2::text[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM people WHERE id = ANY ($3::bigint[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM areas WHERE code = ANY ($4::text[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM streets WHERE code = ANY ($5::text[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM frontages WHERE id = ANY ($6::bigint[]) FOR KEY SHARE) x),
	(SELECT count(*) FROM (SELECT FROM problems WHERE id = ANY ($7::bigint[]) FOR KEY SHARE) x)`

// overlapSQL says whether any stored hotline ticket lies between the
// file's lowest and highest ticket numbers ($1, $2; one probe of the
// (source, source_ref) index): when none does, as for a new month's
// export, existingSQL has nothing to find.
//
// The bounds are found in Go, in byte order: the check is made only when
// the database sorts text in byte order too (C, POSIX, C.UTF-8).
const overlapSQL = `SELECT EXISTS (SELECT FROM problems WHERE source = 'hotline' AND source_ref BETWEEN $1 AND $2)
	OR (SELECT datcollate NOT IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8') FROM pg_database WHERE datname = current_database())`

// existingSQL lists the tickets of $1 already imported (or reported
// through the API with the same ticket number).
const existingSQL = `SELECT p.source_ref FROM problems p
WHERE p.source = 'hotline' AND p.source_ref = ANY ($1::text[])`

// idsSQL takes $1 ids from the problems sequence.
const idsSQL = `SELECT nextval('problems_id_seq'::regclass) FROM generate_series(1, $1::int)`

// spansSQL is every link a chain can hold, as duty.Resolve writes it,
// once per target and period (each duty, and each vacancy between
// duties), stored as chain_links stores it (chain_link_strip: no position;
// a street link without its distance and the reason quoting it).
// Targets: frontage units, streets, grids, communities, sub-districts,
// districts and categories (whose link is held by the category's
// department duty, or else by its default department). since is written
// as Go writes a UTC time.
const spansSQL = `WITH targets AS (
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
	SELECT sp.link, sp.key, sp.valid, sp.person_id, CASE WHEN sp.person_id IS NULL THEN sp.department END AS department,
		chain_link_strip(jsonb_build_object(
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
			'reason', sp.reason || sp.note)) AS link_json
	FROM spans sp
	LEFT JOIN people pe ON pe.id = sp.person_id
	LEFT JOIN departments dep ON dep.code = sp.department
)
SELECT l.link, l.key, lower(l.valid), upper(l.valid), l.person_id, l.department, l.link_json::text, chain_link_id(l.link_json)
FROM links l`

// candidatesSQL lists the stored closed problems an imported row can
// recur on: of the file's categories ($1), closed in ($2, $3].
const candidatesSQL = `SELECT p.id, p.category_code, p.closed_at, ST_X(p.geom), ST_Y(p.geom) FROM problems p
WHERE p.status = 'closed' AND p.category_code = ANY ($1::text[]) AND p.closed_at > $2 AND p.closed_at <= $3`

// problemColumns and eventColumns are what the COPYs write.
var (
	problemColumns = []string{"id", "number", "category_code", "description", "address", "source", "source_ref", "geom", "h3_15", "reported_at",
		"grid_code", "community_code", "subdistrict_code", "district_code", "street_code", "street_distance_m", "frontage_id", "chain_links",
		"assignee_person_id", "assignee_department", "assignee_role", "status",
		"registered_at", "dispatched_at", "dispatch_count", "time_limit_hours", "due_at", "resolved_at", "closed_at", "recurs_of"}
	eventColumns = []string{"problem_id", "actor", "action", "to_status", "note", "data"}
)
