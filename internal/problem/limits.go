package problem

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Limits on what an action or a re-check may carry.
const (
	// MaxNote is the longest note of an action (characters); the database
	// refuses longer ones.
	MaxNote = 2000
	// MaxRecheckNote is the longest note of a re-check: a rebound's new
	// problem quotes it in its description, which must stay within
	// MaxDescription.
	MaxRecheckNote = MaxDescription - 100
	// DefaultMaxExtensionDays is how far ahead, in working days from today,
	// an extension (延期) may move a deadline unless Settings say otherwise.
	DefaultMaxExtensionDays = 60
)

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// latestExtension is the latest due time an extension may set: the end of
// the maxDays-th working day after today on the working-hours calendar
// (or the calendar's end, for a limit beyond it).
func latestExtension(ctx context.Context, q queryRower, maxDays int) (time.Time, error) {
	var t time.Time
	err := q.QueryRow(ctx, `
		SELECT coalesce(
			(SELECT ((d.day + 1)::timestamp AT TIME ZONE c.zone) FROM work_days d
			  WHERE d.open AND d.day > (now() AT TIME ZONE c.zone)::date ORDER BY d.day OFFSET $1 - 1 LIMIT 1),
			((c.last_day + 1)::timestamp AT TIME ZONE c.zone))
		FROM work_config c`, maxDays).Scan(&t)
	if err != nil {
		return t, fmt.Errorf("latest extension: %w", err)
	}
	return t, nil
}

// checkExtension refuses a new due time past the configured maximum.
func checkExtension(ctx context.Context, q queryRower, due time.Time, maxDays int) error {
	if maxDays <= 0 {
		maxDays = DefaultMaxExtensionDays
	}
	latest, err := latestExtension(ctx, q, maxDays)
	if err != nil {
		return err
	}
	if due.After(latest) {
		return &InputError{"due_at", fmt.Sprintf("%s is more than %d working days ahead; the latest allowed is %s",
			due.Format(time.RFC3339), maxDays, latest.Format(time.RFC3339))}
	}
	return nil
}
