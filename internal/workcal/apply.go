package workcal

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// upsertConfig writes the configuration row when it differs; it returns a
// row only when it wrote one. ON CONFLICT locks the existing row either
// way, so concurrent Apply calls take turns.
const upsertConfig = `
INSERT INTO work_config AS c (id, zone, periods, weekdays, holidays, workdays, first_day, last_day)
VALUES (true, $1, $2::text::int4range[], $3::integer[], $4::text[]::date[], $5::text[]::date[], $6::text::date, $7::text::date)
ON CONFLICT (id) DO UPDATE SET
    zone = EXCLUDED.zone, periods = EXCLUDED.periods, weekdays = EXCLUDED.weekdays,
    holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
    first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day, updated_at = now()
WHERE (c.zone, c.periods, c.weekdays, c.holidays, c.workdays, c.first_day, c.last_day)
      IS DISTINCT FROM
      (EXCLUDED.zone, EXCLUDED.periods, EXCLUDED.weekdays, EXCLUDED.holidays, EXCLUDED.workdays, EXCLUDED.first_day, EXCLUDED.last_day)
RETURNING true`

// Apply makes the database's working calendar cfg: it validates cfg,
// writes it into work_config and rebuilds work_days and work_periods, in
// one transaction on d (a savepoint when d is a transaction), only when
// the stored calendar differs from cfg — in its configuration or in the
// derived tables. changed reports whether it wrote anything. Statements
// running meanwhile see the old calendar until Apply commits.
func Apply(ctx context.Context, d db.DB, cfg Config) (changed bool, err error) {
	cal, err := cfg.compile()
	if err != nil {
		return false, err
	}
	err = db.InTx(ctx, d, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, upsertConfig, cal.sqlArgs()...).Scan(&changed)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("write work_config: %w", err)
		}
		if !changed {
			if err := tx.QueryRow(ctx, "SELECT workcal_stale()").Scan(&changed); err != nil {
				return fmt.Errorf("compare work_days and work_periods: %w", err)
			}
			if !changed {
				return nil
			}
		}
		if _, err := tx.Exec(ctx, "SELECT workcal_rebuild()"); err != nil {
			return fmt.Errorf("rebuild work_days and work_periods: %w", err)
		}
		if _, err := tx.Exec(ctx, "ANALYZE work_days, work_periods"); err != nil {
			return fmt.Errorf("analyze the calendar tables: %w", err)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("workcal: apply: %w", err)
	}
	return changed, nil
}

// sqlArgs are upsertConfig's parameters: ISO weekdays (1 = Monday),
// periods as an int4range[] literal, dates sorted and unique.
func (c *calendar) sqlArgs() []any {
	var ranges []string
	for _, p := range c.periods {
		ranges = append(ranges, fmt.Sprintf(`"[%d,%d)"`, p.start, p.end))
	}
	weekdays := []int32{}
	for w, open := range c.weekdays {
		if open {
			weekdays = append(weekdays, int32((w+6)%7+1))
		}
	}
	// Sunday is 7 in ISO numbering: keep the array sorted.
	if len(weekdays) > 0 && weekdays[0] == 7 {
		weekdays = append(weekdays[1:], 7)
	}
	dates := func(ds []Date) []string {
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d.String()
		}
		return out
	}
	return []any{c.zone, "{" + strings.Join(ranges, ",") + "}", weekdays,
		dates(c.holidays), dates(c.workdays), c.first.String(), c.last.String()}
}
