package problem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// ErrNotFound is returned for an unknown problem.
var ErrNotFound = errors.New("problem not found")

// Get returns one problem.
func Get(ctx context.Context, q db.DB, id int64) (Problem, error) {
	p, err := scanProblem(q.QueryRow(ctx, `SELECT `+problemCols+` `+problemFrom+` WHERE p.id = $1`, id))
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
func GetDetail(ctx context.Context, q db.DB, id int64) (Detail, error) {
	var d Detail
	p, err := Get(ctx, q, id)
	if err != nil {
		return d, err
	}
	d.Problem = p
	var events, rechecks, recur, merged []byte
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
			 FROM problems q WHERE q.merged_into = $1)`, id).Scan(&d.Chain, &events, &rechecks, &recur, &merged)
	if err != nil {
		return d, fmt.Errorf("problem %d details: %w", id, err)
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
