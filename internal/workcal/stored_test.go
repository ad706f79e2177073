package workcal_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

// Stored reads back what Apply wrote, and its compiled calendar gives
// the due times SQL gives.
func TestStoredReadsTheAppliedCalendar(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	got, err := workcal.Stored(ctx, d.Pool)
	if err != nil {
		t.Fatal(err)
	}
	want := workcal.Default()
	if !reflect.DeepEqual(got.Periods, want.Periods) || !reflect.DeepEqual(got.Weekdays, want.Weekdays) ||
		len(got.Holidays) != len(want.Holidays) || len(got.Workdays) != len(want.Workdays) || got.From != want.From || got.To != want.To {
		t.Fatalf("stored default calendar:\n got %+v\nwant %+v", got, want)
	}
	cfg := workcal.Config{
		Zone:     "Asia/Shanghai",
		Periods:  []string{"08:00-11:30", "13:00-17:00", "19:00-21:15"},
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday},
		Holidays: []workcal.Date{{2025, time.October, 1}, {2026, time.February, 17}},
		Workdays: []workcal.Date{},
		From:     2020, To: 2030,
	}
	if _, err := workcal.Apply(ctx, d.Pool, cfg); err != nil {
		t.Fatal(err)
	}
	if got, err = workcal.Stored(ctx, d.Pool); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Fatalf("stored custom calendar:\n got %+v\nwant %+v", got, cfg)
	}
	cal, err := got.Compile()
	if err != nil {
		t.Fatal(err)
	}
	from, minutes, _ := randomCases(3, 300)
	for i := range from {
		due, err := cal.Add(from[i], minutes[i])
		if err != nil {
			t.Fatal(err)
		}
		if sql := sqlAdd(t, d.Pool, from[i], minutes[i]); sql.Sub(due).Abs() > time.Millisecond {
			t.Errorf("%s + %v min: work_add %s, Calendar.Add %s", bj(from[i]), minutes[i], bj(sql), bj(due))
		}
	}
	lo, hi := cal.Span()
	if !lo.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, shanghai)) || !hi.Equal(time.Date(2031, 1, 1, 0, 0, 0, 0, shanghai)) {
		t.Errorf("span %s – %s", lo, hi)
	}
}
