package workcal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is a working-hours calendar. See the package documentation for
// the meaning of each field and the JSON form.
type Config struct {
	Zone     string         // IANA time zone, "Asia/Shanghai"
	Periods  []string       // working periods of an open day, "08:30-12:00", in order
	Weekdays []time.Weekday // open days of the week
	Holidays []Date         // closed even on an open weekday
	Workdays []Date         // make-up working days (调休上班), open even on a weekend
	From, To int            // first and last year covered
}

// Default is Monday-Friday 08:30-12:00 and 13:30-17:30 in Asia/Shanghai,
// 2015-2035, with China's public holidays and make-up working days for
// 2024-2026: the calendar migration 007 installs.
func Default() Config {
	holidays, workdays := defaultHolidays()
	return Config{
		Zone:     "Asia/Shanghai",
		Periods:  []string{"08:30-12:00", "13:30-17:30"},
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Holidays: holidays,
		Workdays: workdays,
		From:     2015,
		To:       2035,
	}
}

// Load reads a calendar file (JSON, see the package documentation) over
// Default(): members the file leaves out keep their default values. The
// result is validated.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("calendar file: %w", err)
	}
	cfg := Default()
	if err := json.Unmarshal(b, &cfg); err != nil {
		return Config{}, fmt.Errorf("calendar file %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("calendar file %s: %w", path, err)
	}
	return cfg, nil
}

// fileConfig is the JSON form; nil members were absent.
type fileConfig struct {
	Zone     *string  `json:"zone,omitempty"`
	Periods  []string `json:"periods,omitempty"`
	Weekdays []string `json:"weekdays,omitempty"`
	Holidays []string `json:"holidays,omitempty"`
	Workdays []string `json:"workdays,omitempty"`
	From     *int     `json:"from,omitempty"`
	To       *int     `json:"to,omitempty"`
}

// UnmarshalJSON sets the members present in b and keeps the others;
// unknown members are an error.
func (c *Config) UnmarshalJSON(b []byte) error {
	var f fileConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return err
	}
	if f.Zone != nil {
		c.Zone = *f.Zone
	}
	if f.Periods != nil {
		c.Periods = f.Periods
	}
	if f.Weekdays != nil {
		c.Weekdays = c.Weekdays[:0:0]
		for i, s := range f.Weekdays {
			w, ok := parseWeekday(s)
			if !ok {
				return fmt.Errorf("weekdays[%d]: %q is not a day of the week", i, s)
			}
			c.Weekdays = append(c.Weekdays, w)
		}
	}
	var err error
	if f.Holidays != nil {
		if c.Holidays, err = parseDateList("holidays", f.Holidays); err != nil {
			return err
		}
	}
	if f.Workdays != nil {
		if c.Workdays, err = parseDateList("workdays", f.Workdays); err != nil {
			return err
		}
	}
	if f.From != nil {
		c.From = *f.From
	}
	if f.To != nil {
		c.To = *f.To
	}
	return nil
}

// MarshalJSON writes the file form, runs of consecutive dates as ranges.
func (c Config) MarshalJSON() ([]byte, error) {
	f := fileConfig{Zone: &c.Zone, Periods: c.Periods, From: &c.From, To: &c.To,
		Weekdays: []string{}, Holidays: dateRanges(c.Holidays), Workdays: dateRanges(c.Workdays)}
	for _, w := range c.Weekdays {
		f.Weekdays = append(f.Weekdays, w.String()[:3])
	}
	return json.Marshal(f)
}

func parseWeekday(s string) (time.Weekday, bool) {
	for w := time.Sunday; w <= time.Saturday; w++ {
		if strings.EqualFold(s, w.String()) || strings.EqualFold(s, w.String()[:3]) {
			return w, true
		}
	}
	return 0, false
}

// parseDateList expands "YYYY-MM-DD" and "YYYY-MM-DD/YYYY-MM-DD" entries.
func parseDateList(field string, items []string) ([]Date, error) {
	var out []Date
	for i, s := range items {
		a, b, isRange := strings.Cut(s, "/")
		from, err := ParseDate(a)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		to := from
		if isRange {
			if to, err = ParseDate(b); err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
			}
			if to.Before(from) || from.AddDays(366).Before(to) {
				return nil, fmt.Errorf("%s[%d]: range %q must run forward and span at most a year", field, i, s)
			}
		}
		for d := from; !to.Before(d); d = d.AddDays(1) {
			out = append(out, d)
		}
	}
	return out, nil
}

func dateRanges(dates []Date) []string {
	ds := sortedDates(dates)
	out := []string{}
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j].AddDays(1) == ds[j+1] {
			j++
		}
		if i == j {
			out = append(out, ds[i].String())
		} else {
			out = append(out, ds[i].String()+"/"+ds[j].String())
		}
		i = j + 1
	}
	return out
}

func sortedDates(dates []Date) []Date {
	ds := slices.Clone(dates)
	slices.SortFunc(ds, func(a, b Date) int {
		switch {
		case a.Before(b):
			return -1
		case b.Before(a):
			return 1
		}
		return 0
	})
	return slices.Compact(ds)
}

// Validate reports the first thing wrong with c, naming the field.
func (c Config) Validate() error {
	_, err := c.compile()
	return err
}

// period is a working period in minutes since local midnight, [start, end).
type period struct{ start, end int }

// calendar is a validated, normalised Config.
type calendar struct {
	zone        string
	loc         *time.Location
	periods     []period
	weekdays    [7]bool
	holidays    []Date // sorted, unique
	workdays    []Date
	holiday     map[Date]bool
	workday     map[Date]bool
	first, last Date
}

func (c Config) compile() (*calendar, error) {
	cal := &calendar{zone: c.Zone, holiday: map[Date]bool{}, workday: map[Date]bool{}}
	if c.Zone == "" || c.Zone == "Local" {
		return nil, errors.New("workcal: zone: want an IANA time zone such as Asia/Shanghai")
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return nil, fmt.Errorf("workcal: zone %q: %w", c.Zone, err)
	}
	cal.loc = loc
	if len(c.Periods) == 0 || len(c.Periods) > 24 {
		return nil, errors.New("workcal: periods: want 1 to 24 periods such as \"08:30-12:00\"")
	}
	for i, s := range c.Periods {
		p, err := parsePeriod(s)
		if err != nil {
			return nil, fmt.Errorf("workcal: periods[%d]: %w", i, err)
		}
		if i > 0 && p.start < cal.periods[i-1].end {
			return nil, fmt.Errorf("workcal: periods[%d] %q: starts before the previous period ends (periods go in order)", i, s)
		}
		cal.periods = append(cal.periods, p)
	}
	for i, w := range c.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			return nil, fmt.Errorf("workcal: weekdays[%d]: %d is not a day of the week", i, w)
		}
		cal.weekdays[w] = true
	}
	if c.From < 1900 || c.To > 2200 || c.From > c.To || c.To-c.From >= 200 {
		return nil, fmt.Errorf("workcal: from %d to %d: want years between 1900 and 2200, from <= to, at most 200 years", c.From, c.To)
	}
	cal.first, cal.last = Date{c.From, time.January, 1}, Date{c.To, time.December, 31}
	check := func(field string, ds []Date) ([]Date, error) {
		for i, d := range ds {
			if DateOf(d.In(time.UTC)) != d {
				return nil, fmt.Errorf("workcal: %s[%d]: %d-%d-%d is not a date", field, i, d.Year, d.Month, d.Day)
			}
			if d.Year < c.From || d.Year > c.To {
				return nil, fmt.Errorf("workcal: %s[%d]: %s is outside the years %d-%d", field, i, d, c.From, c.To)
			}
		}
		return sortedDates(ds), nil
	}
	if cal.holidays, err = check("holidays", c.Holidays); err != nil {
		return nil, err
	}
	if cal.workdays, err = check("workdays", c.Workdays); err != nil {
		return nil, err
	}
	for _, d := range cal.holidays {
		cal.holiday[d] = true
	}
	for _, d := range cal.workdays {
		if cal.holiday[d] {
			return nil, fmt.Errorf("workcal: %s is both a holiday and a make-up working day", d)
		}
		cal.workday[d] = true
	}
	return cal, nil
}

// parsePeriod parses "HH:MM-HH:MM" into minutes; "24:00" may end a period.
func parsePeriod(s string) (period, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return period{}, fmt.Errorf("%q: want HH:MM-HH:MM", s)
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err := errors.Join(err1, err2); err != nil {
		return period{}, fmt.Errorf("%q: %w", s, err)
	}
	if start >= end {
		return period{}, fmt.Errorf("%q: the start is not before the end", s)
	}
	if start == 24*60 {
		return period{}, fmt.Errorf("%q: a period cannot start at 24:00", s)
	}
	return period{start, end}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, fmt.Errorf("%q is not a time between 00:00 and 24:00", s)
	}
	return hh*60 + mm, nil
}

// open reports whether d is a working day.
func (c *calendar) open(d Date) bool {
	return c.workday[d] || (c.weekdays[d.Weekday()] && !c.holiday[d])
}
