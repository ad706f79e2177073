package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Levels a ranking accepts; AreaLevels are those with a polygon.
var (
	AreaLevels = []string{"district", "subdistrict", "community", "grid"}
	Levels     = []string{"district", "subdistrict", "community", "grid", "street", "person"}
)

// Roles a handler can have been dispatched in (problems.assignee_role).
var Roles = []string{"grid_officer", "street_chief", "frontage_owner", "leader", "department", "manual"}

// keyColumn is the problem column each level groups by. The SQL text is
// chosen from this table, never taken from the request.
var keyColumn = map[string]string{
	"district":    "p.district_code",
	"subdistrict": "p.subdistrict_code",
	"community":   "p.community_code",
	"grid":        "p.grid_code",
	"street":      "p.street_code",
	"person":      "p.assignee_person_id::text",
}

// parentColumn is the problem column a parent of each area level filters
// on (a city by its districts' 4-digit prefecture prefix).
var parentColumn = map[string]string{
	"city":        "p.district_code",
	"district":    "p.district_code",
	"subdistrict": "p.subdistrict_code",
	"community":   "p.community_code",
	"grid":        "p.grid_code",
}

func isArea(level string) bool {
	for _, l := range AreaLevels {
		if l == level {
			return true
		}
	}
	return false
}

// period is [From, To) evaluated at AsOf = min(To, now).
type period struct {
	From, To, AsOf time.Time
}

// Period is how a response names its period.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	AsOf time.Time `json:"as_of"` // the instant every measure is evaluated at
}

func (p period) public() Period { return Period{p.From, p.To, p.AsOf} }

// query is one statistics request, validated.
type query struct {
	Level       string
	Periods     []period
	Parent      string // area code or ""
	ParentLevel string
	Categories  []string // nil: all
	Role        string   // person level: "" for all
	Geometry    bool     // area levels: ST_AsGeoJSON of the current polygon
}

// prefix is the code prefix parent filters by: the parent's code, or a
// city's 4-digit prefecture prefix.
func (q query) prefix() string {
	if q.ParentLevel == "city" && len(q.Parent) >= 4 {
		return q.Parent[:4]
	}
	return q.Parent
}

// row is one key in one period, as the statement returns it.
type row struct {
	Period   int // index into query.Periods
	Key      string
	Name     *string
	Parent   *string
	AreaKm2  *float64
	StreetKm *float64
	Roles    []string
	Geometry json.RawMessage
	Counts
}

// cohortSQL reads the periods' problems once and aggregates them per
// key. {{key}}, {{parent}} and {{roles}} are filled from keyColumn,
// parentColumn and the level, never from the request. Parameters: $1
// from[], $2 to[], $3 as_of[] (one element per period), $4 the parent's
// code prefix (empty for none), $5 categories (NULL: all), $6 role (NULL:
// all).
//
//   - rng: every problem reported in a period, one index range scan, with
//     mine = it belongs to the request's key, parent, categories and role.
//   - kids: for each problem with a rebound or recurrence child in rng, the
//     first child's report time. A child is reported after its parent's
//     closure, so every child that counts for the cohort (one reported
//     before as_of) is in rng: no probe per closed problem. Unfiltered,
//     because a child may lie across the parent's boundary or go to
//     another handler.
//   - cal: the working-hours calendar as two arrays over every minute of
//     the periods (working minutes before it, 1 if it is a working minute),
//     built once from work_periods, so that work_minutes_at(t) is an array
//     lookup: w[m] + slope[m] × the fraction of minute m (period edges fall
//     on whole minutes). A span over 400 days, or outside the calendar's
//     years, builds none, and every instant asks work_minutes_at instead.
//   - facts: the cohort (mine, not void or merged before as_of) with one
//     flag per measure. The event log is read only for the few problems
//     whose answer depends on it (void/merged, an extension after as_of,
//     reworked).
const cohortSQL = `WITH per AS (
	SELECT x.i::int AS i, x.f, x.t, x.e
	FROM unnest($1::timestamptz[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS x(f, t, e, i)
), rng AS MATERIALIZED (
	SELECT per.i, per.e, p.id, p.reported_at, p.status, p.recurs_of, p.rebound_of, p.source, p.assignee_role,
		{{key}} AS key, p.closed_at, p.due_at, p.resolved_at, p.rework_count, p.updated_at,
		coalesce(p.dispatched_at, p.reported_at) AS started,
		{{key}} IS NOT NULL
		  AND ($4 = '' OR left({{parent}}, length($4)) = $4)
		  AND ($5::text[] IS NULL OR p.category_code = ANY ($5::text[]))
		  AND ($6::text IS NULL OR p.assignee_role = $6::text) AS mine
	FROM problems p JOIN per ON p.reported_at >= per.f AND p.reported_at < per.t
	WHERE p.reported_at >= (SELECT min(f) FROM per) AND p.reported_at < (SELECT max(t) FROM per)
), cal AS MATERIALIZED (
	SELECT date_part('epoch', min(b.base)) AS base,
		array_agg(b.w0 + t.before ORDER BY t.m) AS w, array_agg(t.work ORDER BY t.m) AS slope
	FROM (
		SELECT x.base, x.n, work_minutes_at(x.base) AS w0
		FROM (SELECT date_trunc('minute', min(f)) AS base,
		             ceil(date_part('epoch', max(e) - date_trunc('minute', min(f))) / 60)::int + 1 AS n FROM per) x,
		     work_config c
		WHERE x.n <= 400 * 1440
		  AND x.base >= c.first_day::timestamp AT TIME ZONE c.zone
		  AND x.base + x.n * interval '1 minute' < (c.last_day + 1)::timestamp AT TIME ZONE c.zone
		OFFSET 0 -- evaluate work_minutes_at once, not once per minute
	) b CROSS JOIN LATERAL (
		SELECT g.m, coalesce(wm.work, 0)::float8 AS work,
			coalesce(sum(wm.work) OVER (ORDER BY g.m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
		FROM generate_series(0, b.n) AS g (m) LEFT JOIN (
			SELECT ((date_part('epoch', gs) - date_part('epoch', b.base)) / 60)::int AS m, 1 AS work
			FROM work_periods w, generate_series(w.start_at, w.end_at - interval '1 minute', interval '1 minute') AS gs
			WHERE w.cum_before IS NOT NULL AND w.end_at > b.base AND w.start_at < b.base + b.n * interval '1 minute'
		) wm ON wm.m = g.m
	) t
), kids AS (
	SELECT k.parent, min(r.reported_at) AS first
	FROM rng r CROSS JOIN LATERAL (VALUES (r.recurs_of), (r.rebound_of)) AS k (parent)
	WHERE k.parent IS NOT NULL AND r.status NOT IN ('void', 'merged')
	GROUP BY k.parent
), facts AS (
	SELECT p.i, p.key, p.assignee_role,
		CASE WHEN p.source IN ('patrol', 'supervision', 'inspection') THEN 1
		     WHEN p.source IN ('citizen', 'hotline', 'open311') THEN 2 ELSE 0 END AS found,
		c.closed,
		c.closed AND coalesce(p.closed_at <= p.due_at, false) AS on_time,
		NOT c.closed AND coalesce(CASE WHEN p.due_at < p.e THEN true ELSE
			(SELECT (ev.data->>'previous_due_at')::timestamptz FROM problem_events ev
			 WHERE ev.problem_id = p.id AND ev.action = 'extend' AND ev.at >= p.e ORDER BY ev.id LIMIT 1) < p.e END, false) AS overdue,
		c.closed OR CASE WHEN p.rework_count = 0 THEN coalesce(p.resolved_at < p.e, false) ELSE
			EXISTS (SELECT FROM problem_events ev WHERE ev.problem_id = p.id AND ev.action = 'resolve' AND ev.at < p.e) END AS handled,
		p.rework_count > 0 AND EXISTS (SELECT FROM problem_events ev
			WHERE ev.problem_id = p.id AND ev.action = 'rework' AND ev.at < p.e) AS reworked,
		c.closed AND coalesce(k.first < p.e, false) AS came_back,
		CASE WHEN c.closed THEN (
			coalesce((SELECT w FROM cal)[floor(c.xc)::int + 1] + (SELECT slope FROM cal)[floor(c.xc)::int + 1] * (c.xc - floor(c.xc)),
			         work_minutes_at(p.closed_at))
		  - coalesce((SELECT w FROM cal)[floor(c.xs)::int + 1] + (SELECT slope FROM cal)[floor(c.xs)::int + 1] * (c.xs - floor(c.xs)),
			         work_minutes_at(p.started))) / 60 END AS hours
	FROM rng p
	CROSS JOIN LATERAL (SELECT coalesce(p.closed_at < p.e, false) AS closed,
		(date_part('epoch', p.started) - (SELECT base FROM cal)) / 60 AS xs,
		(date_part('epoch', p.closed_at) - (SELECT base FROM cal)) / 60 AS xc) c
	LEFT JOIN kids k ON k.parent = p.id
	WHERE p.mine AND NOT (p.status IN ('void', 'merged') AND coalesce(
		(SELECT min(ev.at) FROM problem_events ev WHERE ev.problem_id = p.id AND ev.to_status = p.status), p.updated_at) < p.e)
), agg AS (
	SELECT f.i, f.key, count(*) AS problems,
		count(*) FILTER (WHERE f.closed) AS closed,
		count(*) FILTER (WHERE f.on_time) AS on_time,
		count(*) FILTER (WHERE f.overdue) AS overdue,
		count(*) FILTER (WHERE f.handled) AS handled,
		count(*) FILTER (WHERE f.reworked) AS reworked,
		count(*) FILTER (WHERE f.came_back) AS came_back,
		count(*) FILTER (WHERE f.found = 1) AS patrol,
		count(*) FILTER (WHERE f.found = 2) AS public,
		avg(f.hours) AS mean_hours,
		percentile_cont(0.9) WITHIN GROUP (ORDER BY f.hours) AS p90_hours,
		{{roles}} AS roles
	FROM facts f GROUP BY f.i, f.key
)`

// rolesAgg lists a person's duty roles; other levels need none.
const rolesAgg = `array_agg(DISTINCT f.assignee_role ORDER BY f.assignee_role) FILTER (WHERE f.assignee_role IS NOT NULL)`

// The tails join the aggregates to what names each key. Columns: period,
// key, name, parent, area_km2, street_km, roles, geometry, then aggCols.
const aggCols = `coalesce(g.problems, 0), coalesce(g.closed, 0), coalesce(g.on_time, 0), coalesce(g.overdue, 0),
	coalesce(g.handled, 0), coalesce(g.reworked, 0), coalesce(g.came_back, 0), coalesce(g.patrol, 0), coalesce(g.public, 0),
	g.mean_hours::float8, g.p90_hours`

// areaTail: every area of the level under the parent, in every period,
// with its current name, polygon and measures ($7 codes, $8 km², $9 km of
// street), plus any code the problems carry that is no longer an area.
// $10 is the level.
const areaTail = `, dim AS (
	SELECT a.code AS key, a.name, a.parent_code AS parent, m.area_km2, m.street_km, {{geom}} AS geom
	FROM areas a LEFT JOIN unnest($7::text[], $8::float8[], $9::float8[]) AS m (code, area_km2, street_km) ON m.code = a.code
	WHERE a.level = $10::area_level AND ($4 = '' OR left(a.code, length($4)) = $4)
), keys AS (
	SELECT per.i, d.key FROM per CROSS JOIN dim d
	UNION
	SELECT g.i, g.key FROM agg g
)
SELECT k.i, k.key, d.name, d.parent, d.area_km2, d.street_km, NULL::text[], d.geom, ` + aggCols + `
FROM keys k LEFT JOIN dim d ON d.key = k.key LEFT JOIN agg g ON g.i = k.i AND g.key = k.key
ORDER BY k.key, k.i`

// streetTail: the streets with problems, with their own length.
const streetTail = `
SELECT g.i, g.key, s.name, NULL::text, NULL::float8, ST_Length(s.geom::geography) / 1000, NULL::text[], NULL::text, ` + aggCols + `
FROM agg g LEFT JOIN streets s ON s.code = g.key
ORDER BY g.key, g.i`

// personTail: the handlers with problems and the roles they held them in.
const personTail = `
SELECT g.i, g.key, pe.name, NULL::text, NULL::float8, NULL::float8, g.roles, NULL::text, ` + aggCols + `
FROM agg g LEFT JOIN people pe ON pe.id = g.key::bigint
ORDER BY g.key, g.i`

// sql returns the statement for q and its arguments.
func (q query) sql(m areaMeasures) (string, []any) {
	var from, to, asOf []time.Time
	for _, p := range q.Periods {
		from, to, asOf = append(from, p.From), append(to, p.To), append(asOf, p.AsOf)
	}
	parentCol := parentColumn[q.ParentLevel]
	if parentCol == "" {
		parentCol = "p.district_code"
	}
	var cats any
	if q.Categories != nil {
		cats = q.Categories
	}
	var role any
	if q.Role != "" {
		role = q.Role
	}
	args := []any{from, to, asOf, q.prefix(), cats, role}
	roles := "NULL::text[]"
	if q.Level == "person" {
		roles = rolesAgg
	}
	text := strings.NewReplacer("{{key}}", keyColumn[q.Level], "{{parent}}", parentCol, "{{roles}}", roles).Replace(cohortSQL)
	switch {
	case isArea(q.Level):
		geom := "NULL::text"
		if q.Geometry {
			geom = "ST_AsGeoJSON(a.geom, 7)"
		}
		text += strings.ReplaceAll(areaTail, "{{geom}}", geom)
		args = append(args, m.codes, m.km2, m.km, q.Level)
	case q.Level == "street":
		text += streetTail
	default:
		text += personTail
	}
	return text, args
}

// each runs q and calls fn with every row, ordered by key then period.
func each(ctx context.Context, pool *pgxpool.Pool, q query, m areaMeasures, fn func(row) error) error {
	text, args := q.sql(m)
	rows, err := pool.Query(ctx, text, args...)
	if err != nil {
		return fmt.Errorf("statistics by %s: %w", q.Level, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r row
		var geom *string
		if err := rows.Scan(&r.Period, &r.Key, &r.Name, &r.Parent, &r.AreaKm2, &r.StreetKm, &r.Roles, &geom,
			&r.Problems, &r.Closed, &r.ClosedOnTime, &r.OpenOverdue, &r.Handled, &r.Reworked, &r.CameBack,
			&r.Patrol, &r.Public, &r.MeanHours, &r.P90Hours); err != nil {
			return fmt.Errorf("statistics by %s: scan: %w", q.Level, err)
		}
		r.Period-- // WITH ORDINALITY counts from 1
		r.Other = r.Problems - r.Patrol - r.Public
		if geom != nil {
			r.Geometry = json.RawMessage(*geom)
		} else {
			r.Geometry = json.RawMessage("null")
		}
		if r.Roles == nil {
			r.Roles = []string{}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics by %s: %w", q.Level, err)
	}
	return nil
}
