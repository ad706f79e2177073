package heat

// Folding: writers of problems append deltas to heat_delta (their
// triggers, migrations/013_heat_deltas.sql); Fold adds them into heat_day
// and deletes them, in one transaction, so that readers, which add the
// unfolded deltas themselves, read few of them. Readers are exact whether
// or not anything was folded; folding only keeps them fast.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// foldSQL deletes every delta the statement's snapshot sees (a delta
// committed later waits for the next fold) and sums them per entry. Rows
// heat_day already has get their sums through heat_apply; rows it does
// not have yet (most of an import's) are packed set-wise, as the INSERT
// trigger of migration 009 did. Only the folder writes heat_day, under
// heat_fold's row lock, so the statement's snapshot of heat_day is
// current. It returns the deltas folded and the rows left with no entry.
const foldSQL = `WITH d AS (DELETE FROM heat_delta RETURNING day, area, ks, ns, rbs),
e AS (
	SELECT d.day, d.area, u.k, sum(u.n)::integer AS n, sum(u.rb)::integer AS rb
	FROM d, unnest(d.ks, d.ns, d.rbs) u(k, n, rb) WHERE d.day IS NOT NULL
	GROUP BY 1, 2, 3 HAVING sum(u.n) <> 0 OR sum(u.rb) <> 0
), s AS (
	SELECT e.day, e.area, array_agg(e.k) AS ks, array_agg(e.n) AS ns, array_agg(e.rb) AS rbs
	FROM e JOIN heat_day h ON h.day = e.day AND h.area = e.area GROUP BY 1, 2
), u AS (
	UPDATE heat_day h SET entries = heat_apply(h.entries, s.ks, s.ns, s.rbs) FROM s
	WHERE h.day = s.day AND h.area = s.area
	RETURNING h.day, h.area, length(h.entries) = 0 AS empty
), i AS (
	INSERT INTO heat_day (day, area, entries)
	SELECT e.day, e.area, string_agg(heat_pack(e.k, e.n, e.rb), ''::bytea ORDER BY e.k) FROM e
	WHERE e.n > 0 AND NOT EXISTS (SELECT FROM heat_day h WHERE h.day = e.day AND h.area = e.area)
	GROUP BY e.day, e.area
	RETURNING 1
)
SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM i),
	coalesce((SELECT array_agg(day) FROM u WHERE empty), '{}'), coalesce((SELECT array_agg(area) FROM u WHERE empty), '{}')`

// dropEmptySQL deletes the rows the fold emptied ($1 days, $2 areas).
const dropEmptySQL = `DELETE FROM heat_day h USING unnest($1::date[], $2::int8[]) e(day, area)
	WHERE h.day = e.day AND h.area = e.area AND length(h.entries) = 0`

// Fold folds the pending deltas into heat_day and returns how many it
// folded. When another fold is running it returns 0 at once (it holds
// heat_fold's row; readers and writers never wait for it).
func Fold(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var gen int64
		err := tx.QueryRow(ctx, `SELECT generation FROM heat_fold FOR UPDATE SKIP LOCKED`).Scan(&gen)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // another folder has it
		}
		if err != nil {
			return fmt.Errorf("lock heat_fold: %w", err)
		}
		var inserted int64
		var days []time.Time
		var areas []int64
		if err := tx.QueryRow(ctx, foldSQL).Scan(&n, &inserted, &days, &areas); err != nil {
			return fmt.Errorf("fold heat deltas: %w", err)
		}
		if n == 0 {
			return nil
		}
		if len(days) > 0 {
			if _, err := tx.Exec(ctx, dropEmptySQL, days, areas); err != nil {
				return fmt.Errorf("drop empty heat_day rows: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE heat_fold SET generation = generation + 1, folded_at = now()`); err != nil {
			return fmt.Errorf("bump heat_fold: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RunFolder folds every interval until ctx ends (serve runs it; a fold
// that fails is logged and tried again at the next tick).
func RunFolder(ctx context.Context, pool *pgxpool.Pool, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := Fold(ctx, pool); err != nil && ctx.Err() == nil {
			slog.Warn("heat: fold", "err", err)
		}
	}
}

// foldAfter is how many unfolded deltas a read may find before it starts
// a fold in the background (reads stay exact either way).
const foldAfter = 512

// foldSoon starts one background fold when a read found many deltas
// pending, unless one is already running from this server.
func (h *Handlers) foldSoon(pending int64) {
	if pending < foldAfter || !h.folding.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer h.folding.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := Fold(ctx, h.Pool); err != nil {
			slog.Warn("heat: fold", "err", err)
		}
	}()
}
