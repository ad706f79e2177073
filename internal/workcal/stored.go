package workcal

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Calendar is a compiled Config, for callers that compute many due times
// in Go (the bulk import) with the same results as SQL's work_add.
type Calendar struct{ c *calendar }

// Compile validates cfg and prepares it for Add.
func (cfg Config) Compile() (*Calendar, error) {
	c, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	return &Calendar{c}, nil
}

// Add is the first instant at which minutes working minutes have passed
// since t (SQL's work_add).
func (c *Calendar) Add(t time.Time, minutes float64) (time.Time, error) { return c.c.add(t, minutes) }

// Span is the first instant the calendar covers and the instant its last
// day ends; Zone is its time zone.
func (c *Calendar) Span() (from, to time.Time) {
	return c.c.first.In(c.c.loc), c.c.last.AddDays(1).In(c.c.loc)
}

// First and Last are the calendar's first and last days.
func (c *Calendar) First() Date { return c.c.first }
func (c *Calendar) Last() Date  { return c.c.last }

// Querier is what Stored needs of a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Stored reads the calendar the database works with (work_config, as
// Apply wrote it).
func Stored(ctx context.Context, q Querier) (Config, error) {
	var cfg Config
	var periods []string
	var weekdays []int32
	var holidays, workdays []string
	var first, last string
	err := q.QueryRow(ctx, `SELECT zone, periods::text[], weekdays, holidays::text[], workdays::text[], first_day::text, last_day::text
		FROM work_config`).Scan(&cfg.Zone, &periods, &weekdays, &holidays, &workdays, &first, &last)
	if err != nil {
		return cfg, fmt.Errorf("workcal: read work_config: %w", err)
	}
	for _, p := range periods { // "[510,720)"
		a, b, ok := strings.Cut(strings.Trim(p, "[)"), ",")
		start, err1 := strconv.Atoi(a)
		end, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return cfg, fmt.Errorf("workcal: work_config period %q", p)
		}
		cfg.Periods = append(cfg.Periods, fmt.Sprintf("%02d:%02d-%02d:%02d", start/60, start%60, end/60, end%60))
	}
	for _, w := range weekdays { // ISO: 1 = Monday … 7 = Sunday
		cfg.Weekdays = append(cfg.Weekdays, time.Weekday(w%7))
	}
	dates := func(ss []string) ([]Date, error) {
		out := make([]Date, 0, len(ss))
		for _, s := range ss {
			d, err := ParseDate(s)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	if cfg.Holidays, err = dates(holidays); err != nil {
		return cfg, fmt.Errorf("workcal: work_config holidays: %w", err)
	}
	if cfg.Workdays, err = dates(workdays); err != nil {
		return cfg, fmt.Errorf("workcal: work_config workdays: %w", err)
	}
	f, err1 := ParseDate(first)
	l, err2 := ParseDate(last)
	if err1 != nil || err2 != nil || f.Month != time.January || f.Day != 1 || l.Month != time.December || l.Day != 31 {
		return cfg, fmt.Errorf("workcal: work_config covers %s to %s: want whole years", first, last)
	}
	cfg.From, cfg.To = f.Year, l.Year
	return cfg, nil
}
