package mytasks

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// MaxTasks bounds a worklist.
const MaxTasks = 200

// Task is one problem on a worklist.
type Task struct {
	problem.Problem
	Why       string   `json:"why"`        // assigned (to the person), or scope (in their places or department)
	DistanceM *float64 `json:"distance_m"` // from the phone, when it gave its position
}

// places are what a person answers for now: the areas, streets and
// frontages they hold duties on, and their department when they hold no
// duty on a place (department staff), as auth.ProblemScope counts them.
type places struct {
	areas, streets []string
	frontages      []int64
	department     *string
}

func placesOf(ctx context.Context, d db.DB, person int64) (places, error) {
	var pl places
	err := d.QueryRow(ctx, `SELECT
			coalesce(array_agg(area_code) FILTER (WHERE area_code IS NOT NULL), '{}'),
			coalesce(array_agg(street_code) FILTER (WHERE street_code IS NOT NULL), '{}'),
			coalesce(array_agg(frontage_id) FILTER (WHERE frontage_id IS NOT NULL), '{}'),
			CASE WHEN count(*) FILTER (WHERE target_kind <> 'category') = 0 THEN (SELECT department_code FROM people WHERE id = $1) END
		FROM duties WHERE person_id = $1 AND valid @> now()`, person).Scan(&pl.areas, &pl.streets, &pl.frontages, &pl.department)
	if err != nil {
		return pl, fmt.Errorf("places of person %d: %w", person, err)
	}
	return pl, nil
}

// candidates is the condition, over problems p, of the person's places
// (cheap, on the stored mapping codes); the caller's own scope is ANDed
// to it, so that a token sees only what it may.
func (pl places) candidates(person int64, a *auth.Args) string {
	areas := a.Arg(pl.areas)
	return `(p.assignee_person_id = ` + a.Arg(person) + `
		OR p.grid_code = ANY(` + areas + `) OR p.community_code = ANY(` + areas + `)
		OR p.subdistrict_code = ANY(` + areas + `) OR p.district_code = ANY(` + areas + `)
		OR p.street_code = ANY(` + a.Arg(pl.streets) + `) OR p.frontage_id = ANY(` + a.Arg(pl.frontages) + `)
		OR p.assignee_department = ` + a.Arg(pl.department) + `)`
}

// Tasks lists person's worklist as caller may see it. at, when not nil,
// is the phone's position (lon, lat) for the distances.
func Tasks(ctx context.Context, d db.DB, caller auth.Principal, person int64, at *[2]float64) ([]Task, error) {
	var lon, lat *float64
	if at != nil {
		lon, lat = &at[0], &at[1]
	}
	pl, err := placesOf(ctx, d, person)
	if err != nil {
		return nil, err
	}
	a := auth.Args{List: []any{person, lon, lat, MaxTasks}}
	cand := pl.candidates(person, &a)
	scope := caller.ProblemScope("p", &a)
	rows, err := d.Query(ctx, `WITH c AS MATERIALIZED (
			SELECT p.id FROM problems p WHERE p.status IN ('dispatched', 'in_progress') AND `+cand+`)
		SELECT p.id, CASE WHEN p.assignee_person_id = $1 THEN 'assigned' ELSE 'scope' END,
			CASE WHEN $2::float8 IS NOT NULL THEN ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) END
		FROM c JOIN problems p ON p.id = c.id
		WHERE `+scope+`
		ORDER BY p.due_at NULLS LAST, p.id LIMIT $4`, a.List...)
	if err != nil {
		return nil, fmt.Errorf("worklist of person %d: %w", person, err)
	}
	type hit struct {
		id   int64
		why  string
		dist *float64
	}
	var hits []hit
	for rows.Next() {
		var h hit
		var why *string
		if err := rows.Scan(&h.id, &why, &h.dist); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan worklist: %w", err)
		}
		if why != nil {
			h.why = *why
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("worklist of person %d: %w", person, err)
	}
	out := make([]Task, 0, len(hits))
	for _, h := range hits {
		p, err := problem.Get(ctx, d, h.id)
		if err != nil {
			return nil, err
		}
		out = append(out, Task{Problem: p, Why: h.why, DistanceM: h.dist})
	}
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := lightRank(out[i].Light), lightRank(out[j].Light)
		if li != lj {
			return li < lj
		}
		return dueBefore(out[i].DueAt, out[j].DueAt)
	})
	return out, nil
}

func lightRank(l *string) int {
	if l == nil {
		return 3
	}
	switch *l {
	case "red":
		return 0
	case "yellow":
		return 1
	}
	return 2
}

func dueBefore(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a != nil
	}
	return a.Before(*b)
}

// Recheck is a look-back due in a person's places.
type Recheck struct {
	problem.Recheck
	CategoryName string   `json:"category_name"`
	DistanceM    *float64 `json:"distance_m"`
}

// Rechecks lists the pending look-backs due before `before` in person's
// scope, as caller may see them.
func Rechecks(ctx context.Context, d db.DB, caller auth.Principal, person int64, before time.Time, at *[2]float64) ([]Recheck, error) {
	var lon, lat *float64
	if at != nil {
		lon, lat = &at[0], &at[1]
	}
	pl, err := placesOf(ctx, d, person)
	if err != nil {
		return nil, err
	}
	a := auth.Args{List: []any{lon, lat, before, MaxTasks}}
	cand := pl.candidates(person, &a)
	scope := caller.ProblemScope("p", &a)
	rows, err := d.Query(ctx, `
		SELECT r.id, r.problem_id, r.days, r.due_at, r.status, p.number, p.category_code, c.name, ST_X(p.geom), ST_Y(p.geom), p.grid_code,
			CASE WHEN $1::float8 IS NOT NULL THEN ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) END
		FROM rechecks r JOIN problems p ON p.id = r.problem_id JOIN categories c ON c.code = p.category_code
		WHERE r.status = 'pending' AND r.due_at < $3 AND `+cand+` AND `+scope+`
		ORDER BY r.due_at, r.id LIMIT $4`, a.List...)
	if err != nil {
		return nil, fmt.Errorf("look-backs of person %d: %w", person, err)
	}
	defer rows.Close()
	out := []Recheck{}
	for rows.Next() {
		var r Recheck
		var lo, la float64
		if err := rows.Scan(&r.ID, &r.ProblemID, &r.Days, &r.DueAt, &r.Status, &r.Number, &r.Category, &r.CategoryName,
			&lo, &la, &r.Grid, &r.DistanceM); err != nil {
			return nil, fmt.Errorf("scan look-back: %w", err)
		}
		r.Lon, r.Lat = &lo, &la
		out = append(out, r)
	}
	return out, rows.Err()
}
