package heat

import (
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// beijing is the city's clock: days, ISO weeks and months are Beijing's
// (Asia/Shanghai has had no daylight saving time since 1991).
var beijing = time.FixedZone("CST", 8*3600)

// DefaultDays is the length of the window when from and to are absent.
const DefaultDays = 90

// epoch is day 0 of the day numbers used here: a Monday, so that the ISO
// week of day d is d / 7 (floored).
var epoch = time.Date(2000, 1, 3, 0, 0, 0, 0, beijing)

// dayNum is the number of the Beijing day of t, counted from epoch.
func dayNum(t time.Time) int32 {
	t = t.In(beijing)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	e := time.Date(epoch.Year(), epoch.Month(), epoch.Day(), 0, 0, 0, 0, time.UTC)
	return int32(d.Sub(e) / (24 * time.Hour))
}

// dayStart is Beijing midnight starting day number d.
func dayStart(d int32) time.Time { return epoch.AddDate(0, 0, int(d)) }

// week is the ISO week of day number d, counted from epoch's.
func week(d int32) int32 {
	if d < 0 {
		return -((-d + 6) / 7)
	}
	return d / 7
}

// midnight is the Beijing midnight at or before t.
func midnight(t time.Time) time.Time { return dayStart(dayNum(t)) }

// Window is a half-open interval of time [From, To).
type Window struct{ From, To time.Time }

// Days returns the whole Beijing days inside w, [d0, d1) as day numbers,
// and whether there is any.
func (w Window) Days() (d0, d1 int32, ok bool) {
	start := midnight(w.From)
	if start.Before(w.From) {
		start = start.AddDate(0, 0, 1)
	}
	d0, d1 = dayNum(start), dayNum(w.To)
	return d0, d1, d0 < d1
}

// parseWindow reads from and to. Each is an RFC 3339 time with its zone, a
// Beijing day (2026-09-11: from its first instant, to its last) or a month
// (2026-09, likewise). Absent, to is the end of today and from DefaultDays
// days before to. A value that starts after today, or from not before to,
// is refused naming the parameter.
func parseWindow(c echo.Context, now time.Time) (Window, error) {
	endOfToday := dayStart(dayNum(now) + 1)
	var w Window
	var hasFrom, hasTo bool
	for _, name := range []string{"from", "to"} {
		raw := strings.TrimSpace(c.QueryParam(name))
		if raw == "" {
			continue
		}
		start, end, err := parseInstantOrPeriod(raw)
		if err != nil {
			return w, httpx.Invalid(name, err.Error())
		}
		if !start.Before(endOfToday) {
			return w, httpx.Invalid(name, fmt.Sprintf("%s lies in the future (today is %s in Beijing)", raw, now.In(beijing).Format("2006-01-02")))
		}
		if name == "from" {
			w.From, hasFrom = start, true
		} else {
			w.To, hasTo = end, true
		}
	}
	if !hasTo {
		w.To = endOfToday
	}
	if !hasFrom {
		w.From = w.To.AddDate(0, 0, -DefaultDays)
	}
	if !w.From.Before(w.To) {
		return w, httpx.Invalid("from", fmt.Sprintf("from (%s) is not before to (%s)", w.From.In(beijing).Format(time.RFC3339), w.To.In(beijing).Format(time.RFC3339)))
	}
	return w, nil
}

// parseInstantOrPeriod reads an RFC 3339 time (a period of no length) or a
// Beijing day or month, and returns the period's first instant and the
// instant after its last (the same instant for a time).
func parseInstantOrPeriod(s string) (start, end time.Time, err error) {
	if t, err := time.ParseInLocation("2006-01-02", s, beijing); err == nil {
		return t, t.AddDate(0, 0, 1), nil
	}
	if t, err := time.ParseInLocation("2006-01", s, beijing); err == nil {
		return t, t.AddDate(0, 1, 0), nil
	}
	t, reason := httpx.ParseTime(s)
	if reason != "" {
		return t, t, fmt.Errorf("%q is neither a day (2026-09-11), a month (2026-09) nor an RFC 3339 time with its zone (2026-09-11T08:30:00+08:00)", s)
	}
	return t, t, nil
}
