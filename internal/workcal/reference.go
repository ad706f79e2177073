package workcal

import (
	"fmt"
	"math"
	"time"
)

// tolerance is how close (in minutes, 60 µs) a due time may come to the
// end of a period and still end there rather than at the next opening, so
// that rounding never moves a 17:30 deadline to the next morning. The SQL
// functions use the same.
const tolerance = 1e-6

// Add is the first instant at which minutes working minutes have passed
// since t on cfg's calendar (t itself when minutes is 0): the Go reference
// of SQL's work_add, computed day by day.
func Add(cfg Config, t time.Time, minutes float64) (time.Time, error) {
	cal, err := cfg.compile()
	if err != nil {
		return time.Time{}, err
	}
	return cal.add(t, minutes)
}

// Between is the working minutes from a to b on cfg's calendar, negative
// when b is before a: the Go reference of SQL's work_minutes_between.
func Between(cfg Config, a, b time.Time) (float64, error) {
	cal, err := cfg.compile()
	if err != nil {
		return 0, err
	}
	if b.Before(a) {
		m, err := cal.worked(b, a)
		return -m, err
	}
	return cal.worked(a, b)
}

// day is t's local date, which must lie in the calendar.
func (c *calendar) day(t time.Time) (Date, error) {
	d := DateOf(t.In(c.loc))
	if d.Before(c.first) || c.last.Before(d) {
		return d, fmt.Errorf("workcal: the calendar has no day %s (instant %s): it covers %s to %s in %s",
			d, t.Format(time.RFC3339), c.first, c.last, c.zone)
	}
	return d, nil
}

// span is period p of day d as instants.
func (c *calendar) span(d Date, p period) (start, end time.Time) {
	return time.Date(d.Year, d.Month, d.Day, 0, p.start, 0, 0, c.loc),
		time.Date(d.Year, d.Month, d.Day, 0, p.end, 0, 0, c.loc)
}

func (c *calendar) add(t time.Time, minutes float64) (time.Time, error) {
	if !(minutes >= 0) || math.IsInf(minutes, 1) {
		return time.Time{}, fmt.Errorf("workcal: minutes must be a finite number >= 0, got %v", minutes)
	}
	d, err := c.day(t)
	if err != nil {
		return time.Time{}, err
	}
	if minutes == 0 {
		return t, nil
	}
	tol := math.Min(tolerance, minutes/2)
	remaining := minutes
	for ; !c.last.Before(d); d = d.AddDays(1) {
		if !c.open(d) {
			continue
		}
		for _, p := range c.periods {
			start, end := c.span(d, p)
			if !end.After(t) {
				continue
			}
			from := start
			if t.After(start) {
				from = t
			}
			avail := end.Sub(from).Minutes()
			if remaining <= avail+tol {
				return from.Add(time.Duration(math.Round(remaining * float64(time.Minute)))), nil
			}
			remaining -= avail
		}
	}
	return time.Time{}, fmt.Errorf("workcal: the calendar ends on %s: %v working minutes after %s fall beyond it",
		c.last, minutes, t.Format(time.RFC3339))
}

// worked is the working minutes in [a, b], a <= b.
func (c *calendar) worked(a, b time.Time) (float64, error) {
	da, err := c.day(a)
	if err != nil {
		return 0, err
	}
	db, err := c.day(b)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for d := da; !db.Before(d); d = d.AddDays(1) {
		if !c.open(d) {
			continue
		}
		for _, p := range c.periods {
			start, end := c.span(d, p)
			if start.Before(a) {
				start = a
			}
			if end.After(b) {
				end = b
			}
			if end.After(start) {
				sum += end.Sub(start)
			}
		}
	}
	return sum.Minutes(), nil
}
