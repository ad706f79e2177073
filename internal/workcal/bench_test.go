package workcal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

// benchRows are 1,000,000 generated rows, the shape of a hotline import: a
// reported instant every 67 s from 2024-01-01 (Beijing time) to early
// 2026, and a category time limit in minutes (2 h .. 120 h).
const benchRows = `
	SELECT timestamptz '2024-01-01 00:00+08' + i * interval '67 seconds' AS ts,
	       (ARRAY[120, 240, 300, 480, 960, 1440, 2400, 7200])[i % 8 + 1]::float8 AS minutes
	FROM generate_series(1, 1000000) i`

// BenchmarkWorkAdd times one statement over 1,000,000 generated rows
// each: the floor (the same SELECT without the calendar), work_add,
// work_add_rel as a LATERAL join, and work_minutes_between. It reports each
// per row and logs its ratio to the floor. The pool is a request pool (JIT
// off, no parallel workers), so the figures are one core's.
//
//	go test -run '^$' -bench WorkAdd -benchtime 1x ./internal/workcal/
func BenchmarkWorkAdd(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	const n = 1_000_000
	cases := []struct{ name, sql string }{
		{"floor", `SELECT max(s.ts), max(s.minutes) FROM (` + benchRows + `) s`},
		{"work_add", `SELECT max(work_add(s.ts, s.minutes)), max(s.minutes) FROM (` + benchRows + `) s`},
		{"work_add_rel", `SELECT max(w.due_at), max(s.minutes) FROM (` + benchRows + `) s CROSS JOIN LATERAL work_add_rel(s.ts, s.minutes) w`},
		{"work_minutes_between", `SELECT max(work_minutes_between(s.ts, s.ts + interval '3 days')), max(s.minutes) FROM (` + benchRows + `) s`},
	}
	took := make([]time.Duration, len(cases))
	for b.Loop() {
		for i, c := range cases {
			start := time.Now()
			var a, m any
			if err := d.Pool.QueryRow(ctx, c.sql).Scan(&a, &m); err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
			took[i] += time.Since(start)
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%d rows, one statement each (mean of %d runs):", n, b.N)
	for i, c := range cases {
		perRow := float64(took[i].Nanoseconds()) / float64(b.N) / n
		b.ReportMetric(perRow, c.name+"-ns/row")
		fmt.Fprintf(&out, "\n  %-22s %7.2f s  %6.0f ns/row  %5.1fx the floor",
			c.name, took[i].Seconds()/float64(b.N), perRow, float64(took[i])/float64(took[0]))
	}
	b.ReportMetric(0, "ns/op")
	b.Log(out.String())
}

// BenchmarkApply rewrites the 21-year calendar, alternating two
// configurations so that every Apply changes it.
//
//	go test -run '^$' -bench Apply ./internal/workcal/
func BenchmarkApply(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	other := workcal.Default()
	other.Periods = []string{"09:00-12:00", "14:00-18:00"}
	cfgs := []workcal.Config{other, workcal.Default()}
	for i := 0; b.Loop(); i++ {
		changed, err := workcal.Apply(ctx, d.Pool, cfgs[i%2])
		if err != nil || !changed {
			b.Fatalf("Apply: %v, changed %v", err, changed)
		}
	}
}
