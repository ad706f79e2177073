package problem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

// ErrNotFound is returned for an unknown problem.
var ErrNotFound = errors.New("problem not found")

// Get returns one problem, without reporter contact.
func Get(ctx context.Context, q db.DB, id int64) (Problem, error) {
	return GetAs(ctx, q, id, auth.Principal{})
}

// GetAs returns one problem as pr may see it: with the reporter's contact
// when pr is staff whose scope covers the problem.
func GetAs(ctx context.Context, q db.DB, id int64, pr auth.Principal) (Problem, error) {
	a := auth.Args{List: []any{id}}
	scope := pr.ProblemScope("p", &a)
	p, err := scanProblem(q.QueryRow(ctx, `SELECT `+problemCols+contactCols(scope)+` `+problemFrom+` WHERE p.id = $1`, a.List...))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("get problem %d: %w", id, err)
	}
	return p, nil
}

// GetDetail returns one problem with its chain, events, re-checks,
// recurrence chain and merged duplicates. Reporter contact kept in the
// events of merged duplicates stays in the database.
//
// Holders' phones in the chain, like the reporter's contact, are shown
// only to staff whose scope covers the problem (pr).
func GetDetail(ctx context.Context, q db.DB, id int64, pr auth.Principal) (Detail, error) {
	var d Detail
	p, err := GetAs(ctx, q, id, pr)
	if err != nil {
		return d, err
	}
	d.Problem = p
	var events, rechecks, recur, merged []byte
	var covered bool
	a := auth.Args{List: []any{id}}
	scope := pr.ProblemScope("p", &a)
	err = q.QueryRow(ctx, `
		WITH RECURSIVE back AS (
			SELECT id, recurs_of, 0 AS depth FROM problems WHERE id = $1
			UNION ALL
			SELECT q.id, q.recurs_of, b.depth + 1 FROM problems q JOIN back b ON q.id = b.recurs_of WHERE b.depth < 1000
		), root AS (
			SELECT id FROM back ORDER BY depth DESC LIMIT 1
		), fwd AS (
			SELECT id, 0 AS depth FROM root
			UNION ALL
			SELECT q.id, f.depth + 1 FROM problems q JOIN fwd f ON q.recurs_of = f.id WHERE f.depth < 1000
		)
		SELECT
			(SELECT `+scope+` FROM problems p WHERE p.id = $1),
			(SELECT problem_chain(chain_links, street_distance_m) FROM problems WHERE id = $1),
			(SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'at', e.at, 'actor', e.actor, 'action', e.action,
				'from', e.from_status, 'to', e.to_status, 'note', e.note,
				'data', e.data - 'reporter_name' - 'reporter_phone') ORDER BY e.id), '[]')
			 FROM problem_events e WHERE e.problem_id = $1),
			(SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'problem_id', r.problem_id, 'days', r.days, 'due_at', r.due_at,
				'status', r.status, 'checked_at', r.checked_at, 'checked_by', r.checked_by, 'note', r.note,
				'photo_url', r.photo_url, 'rebound_problem_id', r.rebound_problem_id) ORDER BY r.days), '[]')
			 FROM rechecks r WHERE r.problem_id = $1),
			(SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'number', q.number, 'status', q.status,
				'reported_at', q.reported_at, 'closed_at', q.closed_at) ORDER BY q.reported_at, q.id), '[]')
			 FROM problems q WHERE q.id IN (SELECT id FROM fwd)),
			(SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'number', q.number, 'status', q.status,
				'reported_at', q.reported_at, 'closed_at', q.closed_at) ORDER BY q.id), '[]')
			 FROM problems q WHERE q.merged_into = $1)`, a.List...).Scan(&covered, &d.Chain, &events, &rechecks, &recur, &merged)
	if err != nil {
		return d, fmt.Errorf("problem %d details: %w", id, err)
	}
	if !covered {
		if d.Chain, err = stripPhones(d.Chain); err != nil {
			return d, fmt.Errorf("problem %d chain: %w", id, err)
		}
	}
	for _, u := range []struct {
		b []byte
		v any
	}{{events, &d.Events}, {rechecks, &d.Rechecks}, {recur, &d.Recurrences}, {merged, &d.Merged}} {
		if err := json.Unmarshal(u.b, u.v); err != nil {
			return d, fmt.Errorf("decode problem %d details: %w", id, err)
		}
	}
	return d, nil
}

// stripPhones removes the holders' phone numbers from a rendered chain.
func stripPhones(chain json.RawMessage) (json.RawMessage, error) {
	var links []map[string]any
	if err := json.Unmarshal(chain, &links); err != nil {
		return nil, err
	}
	for _, l := range links {
		if h, ok := l["holder"].(map[string]any); ok {
			delete(h, "phone")
		}
	}
	return json.Marshal(links)
}
