package workcal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

func apply(t *testing.T, d *dbtest.DB, cfg workcal.Config) bool {
	t.Helper()
	start := time.Now()
	changed, err := workcal.Apply(context.Background(), d.Pool, cfg)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	t.Logf("Apply (%d-%d, %v) took %v, changed=%v", cfg.From, cfg.To, cfg.Periods, time.Since(start).Round(time.Millisecond), changed)
	return changed
}

// Go's Default() and migration 007 describe the same calendar.
func TestDefaultIsWhatTheMigrationSeeds(t *testing.T) {
	d := dbtest.New(t)
	if apply(t, d, workcal.Default()) {
		t.Fatal("Apply(Default()) on a freshly migrated database changed it: Default() and migration 007 disagree")
	}
}

func TestApplyChangesTheAnswersOnlyWhenTheCalendarChanges(t *testing.T) {
	d := dbtest.New(t)
	fri1100, fri1630, mon0930 := at(t, "2026-03-13 11:00"), at(t, "2026-03-13 16:30"), at(t, "2026-03-16 09:30")

	always := workcal.Default()
	always.Periods = []string{"00:00-24:00"}
	always.Weekdays = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	always.Holidays, always.Workdays = nil, nil
	if !apply(t, d, always) {
		t.Fatal("the first Apply of a 24/7 calendar reported no change")
	}
	if got := sqlAdd(t, d.Pool, fri1630, 120); !got.Equal(at(t, "2026-03-13 18:30")) {
		t.Errorf("24/7: Friday 16:30 + 2 h = %s, want 18:30", bj(got))
	}
	if got := sqlBetween(t, d.Pool, fri1630, mon0930); got != 65*60 {
		t.Errorf("24/7: Friday 16:30 to Monday 09:30 = %v minutes, want %v", got, 65*60)
	}
	if got := sqlAdd(t, d.Pool, at(t, "2026-10-01 23:00"), 120); !got.Equal(at(t, "2026-10-02 01:00")) {
		t.Errorf("24/7: across midnight on a former holiday = %s", bj(got))
	}
	if apply(t, d, always) {
		t.Error("a second Apply of the same calendar reported a change")
	}

	other := workcal.Default()
	other.Periods = []string{"09:00-12:00", "14:00-18:00"}
	if !apply(t, d, other) {
		t.Fatal("Apply with other periods reported no change")
	}
	if got := sqlAdd(t, d.Pool, fri1100, 120); !got.Equal(at(t, "2026-03-13 15:00")) {
		t.Errorf("09:00-12:00/14:00-18:00: Friday 11:00 + 2 h = %s, want 15:00", bj(got))
	}
	if got := sqlAdd(t, d.Pool, fri1630, 120); !got.Equal(at(t, "2026-03-16 09:30")) {
		t.Errorf("09:00-12:00/14:00-18:00: Friday 16:30 + 2 h = %s, want Monday 09:30", bj(got))
	}

	if !apply(t, d, workcal.Default()) {
		t.Fatal("Apply back to the default reported no change")
	}
	if got := sqlAdd(t, d.Pool, fri1100, 120); !got.Equal(at(t, "2026-03-13 14:30")) {
		t.Errorf("default again: Friday 11:00 + 2 h = %s, want 14:30", bj(got))
	}
	if apply(t, d, workcal.Default()) {
		t.Error("a second Apply of the default reported a change")
	}
}

// A hand-edited day table is noticed and rebuilt.
func TestApplyRepairsAnEditedDayTable(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, "DELETE FROM work_periods WHERE start_at = '2026-03-13 13:30+08'"); err != nil {
		t.Fatal(err)
	}
	if !apply(t, d, workcal.Default()) {
		t.Fatal("Apply did not notice a missing period")
	}
	if got := sqlAdd(t, d.Pool, at(t, "2026-03-13 11:00"), 120); !got.Equal(at(t, "2026-03-13 14:30")) {
		t.Errorf("after the repair: %s, want 14:30", bj(got))
	}
}

func TestApplyOtherYearsMovesTheEdges(t *testing.T) {
	d := dbtest.New(t)
	cfg := workcal.Default()
	cfg.From, cfg.To = 2024, 2027
	if !apply(t, d, cfg) {
		t.Fatal("no change")
	}
	if code, msg := sqlError(t, d.Pool, "SELECT work_minutes_at($1)", at(t, "2028-01-03 09:00")); code != "22008" || !strings.Contains(msg, "2028-01-03") {
		t.Errorf("2028 after a 2024-2027 calendar: %s %s", code, msg)
	}
	if got := sqlAdd(t, d.Pool, at(t, "2026-09-30 09:00"), 480); !got.Equal(at(t, "2026-10-08 09:30")) {
		t.Errorf("国庆 on a 2024-2027 calendar: %s", bj(got))
	}
}

func TestApplyRefusesAnInvalidCalendar(t *testing.T) {
	d := dbtest.New(t)
	cfg := workcal.Default()
	cfg.Periods = []string{"13:30-17:30", "08:30-12:00"}
	if _, err := workcal.Apply(context.Background(), d.Pool, cfg); err == nil || !strings.Contains(err.Error(), "periods[1]") {
		t.Errorf("periods out of order: %v", err)
	}
	if got := sqlAdd(t, d.Pool, at(t, "2026-03-13 11:00"), 120); !got.Equal(at(t, "2026-03-13 14:30")) {
		t.Errorf("a refused calendar changed the answers: %s", bj(got))
	}
}
