package workcal_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

// randomCases are n instants between 2023-12-25 and 2026-12-20 (a quarter
// on whole minutes, an eighth on a period boundary of the default
// calendar), each with a number of minutes (category limits, boundary
// amounts, or any fraction) and a second instant for Between.
func randomCases(seed uint64, n int) (from []time.Time, minutes []float64, to []time.Time) {
	r := rand.New(rand.NewPCG(seed, 6))
	lo, hi := time.Date(2023, 12, 25, 0, 0, 0, 0, shanghai), time.Date(2026, 12, 20, 0, 0, 0, 0, shanghai)
	instant := func() time.Time {
		t := lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo)/time.Second))) * time.Second)
		switch r.IntN(8) {
		case 0, 1:
			t = t.Truncate(time.Minute)
		case 2:
			y, m, d := t.Date()
			clock := []int{510, 720, 810, 1050}[r.IntN(4)]
			t = time.Date(y, m, d, 0, clock, 0, 0, shanghai)
		}
		return t
	}
	limits := []float64{0, 1, 30, 60, 90, 120, 210, 240, 300, 450, 480, 960, 1440, 2400, 7200}
	for range n {
		from = append(from, instant())
		switch r.IntN(3) {
		case 0:
			minutes = append(minutes, limits[r.IntN(len(limits))])
		case 1:
			minutes = append(minutes, float64(r.IntN(600*60))/60) // whole seconds
		default:
			minutes = append(minutes, r.Float64()*10000)
		}
		to = append(to, instant())
	}
	return from, minutes, to
}

// checkAgreement runs work_add, work_minutes_between and the relation
// forms on every case in one statement and compares them with Add and
// Between.
func checkAgreement(t *testing.T, d *dbtest.DB, cfg workcal.Config, seed uint64, n int) {
	t.Helper()
	from, minutes, to := randomCases(seed, n)
	rows, err := d.Pool.Query(context.Background(), `
		SELECT work_add(s.f, s.m), r.due_at, work_minutes_between(s.f, s.t), w.work_minutes - work_minutes_at(s.f)
		FROM unnest($1::timestamptz[], $2::float8[], $3::timestamptz[]) WITH ORDINALITY s (f, m, t, i)
		CROSS JOIN LATERAL work_add_rel(s.f, s.m) r
		CROSS JOIN LATERAL work_minutes_at_rel(s.t) w
		ORDER BY s.i`, from, minutes, to)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var worstDue time.Duration
	var worstBetween float64
	i := 0
	for ; rows.Next(); i++ {
		var due, dueRel time.Time
		var between, betweenRel float64
		if err := rows.Scan(&due, &dueRel, &between, &betweenRel); err != nil {
			t.Fatal(err)
		}
		goDue, err := workcal.Add(cfg, from[i], minutes[i])
		if err != nil {
			t.Fatal(err)
		}
		goBetween, err := workcal.Between(cfg, from[i], to[i])
		if err != nil {
			t.Fatal(err)
		}
		diff := due.Sub(goDue).Abs()
		worstDue = max(worstDue, diff)
		if diff > time.Millisecond || !due.Equal(dueRel) {
			t.Errorf("case %d: %s + %v min: work_add %s, work_add_rel %s, Add %s",
				i, bj(from[i]), minutes[i], due.In(shanghai).Format(time.RFC3339Nano), dueRel.In(shanghai).Format(time.RFC3339Nano), goDue.In(shanghai).Format(time.RFC3339Nano))
		}
		bd := math.Abs(between - goBetween)
		worstBetween = max(worstBetween, bd)
		if bd > 1e-6 || math.Abs(between-betweenRel) > 1e-6 {
			t.Errorf("case %d: %s to %s: work_minutes_between %v, relation forms %v, Between %v", i, bj(from[i]), bj(to[i]), between, betweenRel, goBetween)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("%d rows for %d cases", i, n)
	}
	t.Logf("%d cases (seed %d): largest difference SQL vs Go: due %v, minutes %.3g", n, seed, worstDue, worstBetween)
}

func TestSQLAgreesWithGo(t *testing.T) {
	d := dbtest.New(t)
	checkAgreement(t, d, workcal.Default(), 1, 2000)
}

// Three periods, Monday to Saturday, a holiday and a make-up Sunday.
func TestSQLAgreesWithGoOnACustomCalendar(t *testing.T) {
	d := dbtest.New(t)
	cfg := workcal.Config{
		Zone:     "Asia/Shanghai",
		Periods:  []string{"08:00-11:30", "13:00-17:00", "19:00-21:15"},
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		Holidays: []workcal.Date{{2025, time.October, 1}, {2025, time.October, 2}, {2026, time.February, 17}},
		Workdays: []workcal.Date{{2025, time.September, 28}},
		From:     2020, To: 2030,
	}
	if _, err := workcal.Apply(context.Background(), d.Pool, cfg); err != nil {
		t.Fatal(err)
	}
	checkAgreement(t, d, cfg, 2, 2000)
}
