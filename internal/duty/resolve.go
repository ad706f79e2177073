package duty

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/places"
)

// Link is one place in the chain of responsibility.
type Link struct {
	Position int        `json:"position"`
	Role     string     `json:"role"`
	Target   TargetInfo `json:"target"`
	Holder   *Holder    `json:"holder"` // nil: nobody holds it (a vacancy)
	Vacant   bool       `json:"vacant"`
	DutyID   *int64     `json:"duty_id"`
	Since    *time.Time `json:"since"`
	Reason   string     `json:"reason"`
	// DistanceM is the distance from the point to a street link's segment.
	DistanceM *float64 `json:"distance_m,omitempty"`
}

// Chain is who answers for a point, for a category, at a time.
type Chain struct {
	Lon      float64       `json:"lon"`
	Lat      float64       `json:"lat"`
	At       time.Time     `json:"at"`
	Category CategoryBrief `json:"category"`
	Links    []Link        `json:"chain"`
}

// CategoryBrief names the category a chain was resolved for.
type CategoryBrief struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	FirstInLine string `json:"first_in_line"`
}

// ErrUnknownCategory is returned by Resolve for a category code that does
// not exist.
var ErrUnknownCategory = errors.New("unknown category")

// resolveSQL builds every link of the chain and joins each to the duty
// valid at $4, in one round trip. Links:
//   - frontage_owner: the frontage unit whose zone covers the point
//     (the nearest unit when zones overlap);
//   - street_chief: the nearest street segment within $5 metres (the GiST
//     prefilter uses a box of $6 degrees);
//   - grid_officer: the grid covering the point (lowest code on a shared
//     boundary, as in places.Locate);
//   - leader: the grid's community, sub-district and district;
//   - department: the category's department duty, else its default
//     department.
const resolveSQL = `
WITH pt AS (
	SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g
), cat AS (
	SELECT code, name, first_in_line, department_code FROM categories WHERE code = $3
), hit AS (
	SELECT a.code FROM areas a, pt WHERE ST_Covers(a.geom, pt.g) ORDER BY a.level DESC, a.code LIMIT 1
), chain_areas AS (
	SELECT a.code, a.name, a.level FROM hit, areas a
	WHERE a.code = ANY (ARRAY[left(hit.code, 6), left(hit.code, 9), left(hit.code, 12), hit.code]) AND a.level <> 'city'
), street AS (
	SELECT s.code, s.name, s.d FROM (
		SELECT s.code, s.name, ST_Distance(s.geom::geography, pt.g::geography) AS d
		FROM streets s, pt WHERE ST_DWithin(s.geom, pt.g, $6)) s
	WHERE s.d <= $5 ORDER BY s.d, s.code LIMIT 1
), front AS (
	SELECT f.id, f.name, s.name AS street_name FROM frontages f JOIN streets s ON s.code = f.street_code, pt
	WHERE ST_Covers(f.zone, pt.g) ORDER BY ST_Distance(f.geom, pt.g), f.id LIMIT 1
), links AS (
	SELECT 1 AS ord, 'frontage_owner' AS role, 'frontage' AS kind, id::text AS key, name, '' AS level,
		format('inside the frontage zone (门前五包) of %s on %s', name, street_name) AS reason, NULL::float8 AS d FROM front
	UNION ALL
	SELECT 2, 'street_chief', 'street', code, name, '', format('%s m from street %s', round(d::numeric, 1), name), round(d::numeric, 1)::float8 FROM street
	UNION ALL
	SELECT 3, 'grid_officer', 'area', code, name, level::text, format('inside grid %s', name), NULL FROM chain_areas WHERE level = 'grid'
	UNION ALL
	SELECT CASE level WHEN 'community' THEN 4 WHEN 'subdistrict' THEN 5 ELSE 6 END, 'leader', 'area', code, name, level::text,
		format('the point is in %s %s', level, name), NULL FROM chain_areas WHERE level IN ('community', 'subdistrict', 'district')
	UNION ALL
	SELECT 7, 'department', 'category', code, name, '', format('handles category %s', name), NULL FROM cat
)
SELECT l.ord, l.role, l.kind, l.key, l.name, l.level, l.reason, l.d,
	d.id, lower(d.valid), d.person_id, p.name, p.phone,
	coalesce(d.department_code, CASE WHEN l.role = 'department' THEN c.department_code END),
	dep.name,
	CASE WHEN l.role = 'department' AND d.id IS NULL THEN ' (the category''s default department)' ELSE '' END,
	c.name, c.first_in_line
FROM cat c CROSS JOIN links l
-- LATERAL keeps every lookup an index probe whatever plan is cached
LEFT JOIN LATERAL (
	SELECT d.id, d.valid, d.person_id, d.department_code FROM duties d
	WHERE d.target_key = l.kind || ':' || l.key AND d.role = l.role::duty_role AND d.valid @> $4::timestamptz
	LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT p.name, p.phone FROM people p WHERE p.id = d.person_id) p ON true
LEFT JOIN LATERAL (SELECT dep.name FROM departments dep
	WHERE dep.code = coalesce(d.department_code, CASE WHEN l.role = 'department' THEN c.department_code END)) dep ON true
ORDER BY l.ord
`

// Resolve returns the chain of responsibility for the point, the category
// and the instant at, in one SQL round trip. The category's first-in-line
// role leads; the rest keep the order frontage → street → grid → community
// → sub-district → district → department.
func Resolve(ctx context.Context, pool db.DB, lon, lat float64, category string, at time.Time, streetRadiusM float64) (Chain, error) {
	ch := Chain{Lon: lon, Lat: lat, At: at, Links: []Link{}}
	rows, err := pool.Query(ctx, resolveSQL, lon, lat, category, at, streetRadiusM, places.RadiusDegrees(streetRadiusM, lat))
	if err != nil {
		return ch, fmt.Errorf("resolve: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Link
		var ord int
		var personID *int64
		var personName, phone, depCode, depName *string
		var note string
		if err := rows.Scan(&ord, &l.Role, &l.Target.Kind, &l.Target.Key, &l.Target.Name, &l.Target.Level, &l.Reason, &l.DistanceM,
			&l.DutyID, &l.Since, &personID, &personName, &phone, &depCode, &depName, &note,
			&ch.Category.Name, &ch.Category.FirstInLine); err != nil {
			return ch, fmt.Errorf("scan link: %w", err)
		}
		switch {
		case personID != nil:
			l.Holder = &Holder{Kind: "person", ID: personID, Name: deref(personName), Phone: deref(phone)}
		case depCode != nil:
			l.Holder = &Holder{Kind: "department", Code: *depCode, Name: deref(depName)}
			l.Reason += note
		default:
			l.Vacant = true
		}
		ch.Links = append(ch.Links, l)
	}
	if err := rows.Err(); err != nil {
		return ch, fmt.Errorf("resolve: %w", err)
	}
	if len(ch.Links) == 0 {
		return ch, ErrUnknownCategory
	}
	ch.Category.Code = category
	// The category's first-in-line role leads.
	for i, l := range ch.Links {
		if l.Role == ch.Category.FirstInLine && i > 0 {
			copy(ch.Links[1:i+1], ch.Links[0:i])
			ch.Links[0] = l
			break
		}
	}
	for i := range ch.Links {
		ch.Links[i].Position = i + 1
	}
	return ch, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
