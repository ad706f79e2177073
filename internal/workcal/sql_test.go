package workcal_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

// dueCases run on the default calendar (Mon-Fri 08:30-12:00, 13:30-17:30,
// Beijing time, with the 2024-2026 holidays). 2026-03-13 is a Friday.
var dueCases = []struct {
	name    string
	from    string
	minutes float64
	want    string
}{
	{"across the lunch break", "2026-03-13 11:00", 120, "2026-03-13 14:30"},
	{"overnight", "2026-03-12 16:00", 120, "2026-03-13 09:00"},
	{"across a weekend", "2026-03-13 16:30", 120, "2026-03-16 09:30"},
	{"ends exactly at 17:30, not the next morning", "2026-03-13 16:30", 60, "2026-03-13 17:30"},
	{"ends exactly at 12:00, not at 13:30", "2026-03-13 10:30", 90, "2026-03-13 12:00"},
	{"a start in the lunch break counts from 13:30", "2026-03-13 12:10", 30, "2026-03-13 14:00"},
	{"a start on Sunday night counts from Monday 08:30", "2026-03-15 22:00", 60, "2026-03-16 09:30"},
	{"a whole working day", "2026-03-16 08:30", 450, "2026-03-16 17:30"},
	{"the day before 国庆 + 8 h lands after the holiday", "2026-09-30 09:00", 480, "2026-10-08 09:30"},
	{"国庆 + 8 h ending exactly at 17:30", "2026-09-30 17:00", 480, "2026-10-08 17:30"},
	{"2025 国庆+中秋 runs to 8 October", "2025-09-30 16:30", 120, "2025-10-09 09:30"},
	{"make-up Saturday 2026-02-14 is a working day", "2026-02-13 16:30", 120, "2026-02-14 09:30"},
	{"春节 2026 after the make-up Saturday", "2026-02-14 16:30", 120, "2026-02-24 09:30"},
	{"make-up Sunday 2026-09-20 is a working day", "2026-09-19 10:00", 60, "2026-09-20 09:30"},
	{"illegal structure: 120 working hours across 清明", "2026-03-16 08:30", 7200, "2026-04-07 17:30"},
	{"exposed litter: 8 working hours from Friday afternoon", "2026-03-13 14:00", 480, "2026-03-16 14:30"},
	{"zero minutes is the start itself", "2026-03-15 22:00", 0, "2026-03-15 22:00"},
	{"seconds are kept", "2026-03-13 11:59:30", 1, "2026-03-13 13:30:30"},
}

func TestDueTimes(t *testing.T) {
	d := dbtest.New(t)
	cfg := workcal.Default()
	for _, c := range dueCases {
		t.Run(c.name, func(t *testing.T) {
			from, want := at(t, c.from), at(t, c.want)
			if got := sqlAdd(t, d.Pool, from, c.minutes); !got.Equal(want) {
				t.Errorf("work_add(%s, %v) = %s, want %s", bj(from), c.minutes, bj(got), bj(want))
			}
			got, err := workcal.Add(cfg, from, c.minutes)
			if err != nil || !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, %v, want %s", bj(from), c.minutes, bj(got), err, bj(want))
			}
			if c.minutes > 0 {
				if m := sqlBetween(t, d.Pool, from, want); math.Abs(m-c.minutes) > 1e-9 {
					t.Errorf("work_minutes_between(%s, %s) = %v, want %v", bj(from), bj(want), m, c.minutes)
				}
			}
		})
	}
}

func TestMinutesBetween(t *testing.T) {
	d := dbtest.New(t)
	cfg := workcal.Default()
	cases := []struct {
		name string
		a, b string
		want float64
	}{
		{"across the lunch break", "2026-03-13 11:00", "2026-03-13 14:30", 120},
		{"across a weekend", "2026-03-13 16:30", "2026-03-16 09:30", 120},
		{"across 国庆", "2026-09-30 09:00", "2026-10-08 09:30", 480},
		{"Sunday night to Monday opening", "2026-03-15 22:00", "2026-03-16 08:30", 0},
		{"Friday close to Monday opening", "2026-03-13 17:30", "2026-03-16 08:30", 0},
		{"inside the lunch break", "2026-03-13 12:00", "2026-03-13 13:30", 0},
		{"a holiday week", "2026-09-30 17:30", "2026-10-07 23:59", 0},
		{"a make-up Saturday", "2026-02-14 00:00", "2026-02-15 00:00", 450},
		{"backwards is negative", "2026-03-16 09:30", "2026-03-13 16:30", -120},
		{"a whole year (248 working days in 2026)", "2026-01-01 00:00", "2027-01-01 00:00", 248 * 450},
		{"seconds", "2026-03-13 11:59:30", "2026-03-13 13:30:30", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := at(t, c.a), at(t, c.b)
			if got := sqlBetween(t, d.Pool, a, b); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("work_minutes_between = %v, want %v", got, c.want)
			}
			if got, err := workcal.Between(cfg, a, b); err != nil || math.Abs(got-c.want) > 1e-9 {
				t.Errorf("Between = %v, %v, want %v", got, err, c.want)
			}
		})
	}
}

func TestDayTable(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	var first, last time.Time
	var n, open2026 int
	if err := d.Pool.QueryRow(ctx, `SELECT min(day), max(day), count(*),
		count(*) FILTER (WHERE open AND day BETWEEN '2026-01-01' AND '2026-12-31') FROM work_days`).Scan(&first, &last, &n, &open2026); err != nil {
		t.Fatal(err)
	}
	if first.Format(time.DateOnly) != "2015-01-01" || last.Format(time.DateOnly) != "2035-12-31" || n != 7670 {
		t.Errorf("work_days covers %s..%s (%d days), want 2015-01-01..2035-12-31 (7670)", first.Format(time.DateOnly), last.Format(time.DateOnly), n)
	}
	if open2026 != 248 {
		t.Errorf("2026 has %d working days, want 248 (261 weekdays - 19 holidays + 6 make-up days)", open2026)
	}
	for day, want := range map[string]bool{
		"2026-02-14": true, "2026-09-20": true, "2026-10-10": true, "2025-10-11": true, // make-up days
		"2026-10-01": false, "2026-10-07": false, "2026-02-23": false, "2025-10-08": false, "2024-06-10": false, // holidays
		"2026-10-08": true, "2026-03-13": true, "2026-03-14": false, "2026-03-15": false, // ordinary days
	} {
		var open bool
		var cum, next float64
		if err := d.Pool.QueryRow(ctx, `SELECT open, cum_before, (SELECT cum_before FROM work_days WHERE day = $1::date + 1)
			FROM work_days WHERE day = $1::date`, day).Scan(&open, &cum, &next); err != nil {
			t.Fatal(err)
		}
		if open != want {
			t.Errorf("%s open = %v, want %v", day, open, want)
		}
		if w := map[bool]float64{true: 450, false: 0}[want]; next-cum != w {
			t.Errorf("%s has %v working minutes, want %v", day, next-cum, w)
		}
	}
}

func TestOutsideTheCalendarFailsLoudly(t *testing.T) {
	d := dbtest.New(t)
	cases := []struct {
		name, sql, code, mention string
		args                     []any
	}{
		{"a start before the first day", "SELECT work_add($1, 60)", "22008", "2014-12-31", []any{at(t, "2014-12-31 12:00")}},
		{"one second before the first day", "SELECT work_minutes_at($1)", "22008", "2014-12-31", []any{at(t, "2014-12-31 23:59:59")}},
		{"an instant after the last day", "SELECT work_minutes_at($1)", "22008", "2036-01-01", []any{at(t, "2036-01-01 10:00")}},
		{"a due time beyond the last day", "SELECT work_add($1, 1350)", "22008", "2035-12-31", []any{at(t, "2035-12-31 10:00")}},
		{"between with an end outside", "SELECT work_minutes_between($1, $2)", "22008", "2040-01-01", []any{at(t, "2026-01-01 10:00"), at(t, "2040-01-01 10:00")}},
		{"infinity", "SELECT work_minutes_at('infinity')", "22008", "it covers 2015-01-01 to 2035-12-31", nil},
		{"negative minutes", "SELECT work_add($1, -1)", "22023", "minutes must be a finite number >= 0", []any{at(t, "2026-03-13 10:00")}},
		{"NaN minutes", "SELECT work_add($1, 'NaN')", "22023", "NaN", []any{at(t, "2026-03-13 10:00")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := sqlError(t, d.Pool, c.sql, c.args...)
			if code != c.code || !strings.Contains(msg, c.mention) {
				t.Errorf("got %s %q, want %s mentioning %q", code, msg, c.code, c.mention)
			}
		})
	}

	// The first and last instants inside are fine, NULL gives NULL.
	var m0 float64
	var due, null *time.Time
	if err := d.Pool.QueryRow(context.Background(), `SELECT work_minutes_at($1), work_add($2, 450), work_add(NULL, 1)`,
		at(t, "2015-01-01 00:00"), at(t, "2035-12-31 08:30")).Scan(&m0, &due, &null); err != nil {
		t.Fatal(err)
	}
	if m0 != 0 || due == nil || !due.Equal(at(t, "2035-12-31 17:30")) || null != nil {
		t.Errorf("at the edges: %v, %v, %v", m0, due, null)
	}

	cfg := workcal.Default()
	if _, err := workcal.Add(cfg, at(t, "2014-12-31 12:00"), 60); err == nil || !strings.Contains(err.Error(), "2014-12-31") {
		t.Errorf("Add before the calendar: %v", err)
	}
	if _, err := workcal.Add(cfg, at(t, "2035-12-31 10:00"), 1350); err == nil || !strings.Contains(err.Error(), "2035-12-31") {
		t.Errorf("Add beyond the calendar: %v", err)
	}
	if _, err := workcal.Between(cfg, at(t, "2026-01-01 10:00"), at(t, "2040-01-01 10:00")); err == nil || !strings.Contains(err.Error(), "2040-01-01") {
		t.Errorf("Between outside the calendar: %v", err)
	}
}

// The relation forms give the scalars' answers, one row per input (NULL
// for NULL), and the planner inlines them: no function scan is left.
func TestRelationFormsAreInlined(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	const q = `
		SELECT count(*), count(*) FILTER (WHERE a.due_at IS NOT DISTINCT FROM work_add(s.ts, s.m)
		                                    AND w.work_minutes IS NOT DISTINCT FROM work_minutes_at(s.ts))
		FROM (VALUES ('2026-03-13 11:00+08'::timestamptz, 120::float8), ('2026-09-30 09:00+08', 480), (NULL, 60), ('2026-03-15 22:00+08', NULL)) s (ts, m)
		CROSS JOIN LATERAL work_add_rel(s.ts, s.m) a
		CROSS JOIN LATERAL work_minutes_at_rel(s.ts) w`
	var n, same int
	if err := d.Pool.QueryRow(ctx, q).Scan(&n, &same); err != nil {
		t.Fatal(err)
	}
	if n != 4 || same != 4 {
		t.Errorf("%d rows, %d agreeing with the scalars; want 4 and 4", n, same)
	}
	plan := explain(t, d, q)
	if strings.Contains(plan, "Function Scan on work_") {
		t.Errorf("work_add_rel / work_minutes_at_rel were not inlined:\n%s", plan)
	}

	// work_add and work_minutes_between inline into their two probes.
	verbose := explain(t, d, `VERBOSE SELECT work_add(s.ts, 60), work_minutes_between(s.ts, now()) FROM (VALUES (now())) s (ts)`)
	if !strings.Contains(verbose, "workcal_due(") || strings.Contains(verbose, "work_add(") || strings.Contains(verbose, "work_minutes_between(") {
		t.Errorf("work_add / work_minutes_between were not inlined: %s", verbose)
	}
}

func explain(t *testing.T, d *dbtest.DB, q string) string {
	t.Helper()
	rows, err := d.Pool.Query(context.Background(), "EXPLAIN "+q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
