// Package workcal owns the working-hours calendar (工作时间) that problem
// deadlines run on: its configuration, the tables PostgreSQL computes
// deadlines from, and a pure-Go reference of the same arithmetic.
//
// # Model
//
// A calendar is a time zone, the working periods of an open day in local
// wall-clock time (default 08:30-12:00 and 13:30-17:30, 450 minutes), the
// open weekdays (default Monday to Friday), public holidays (closed even
// on an open weekday) and make-up working days (调休上班, open even on a
// weekend), over whole years From..To (default 2015..2035). A day is open
// when it is a make-up day, or an open weekday that is not a holiday.
//
// Let W(t) be the working minutes from the start of the calendar up to the
// instant t: the sum, over every period of every open day, of the part of
// the period before t. W only grows inside periods, so
//
//	due(t, m)      = the first instant u with W(u) = W(t) + m   (m > 0; due(t, 0) = t)
//	between(a, b)  = W(b) - W(a)
//
// A start outside working time therefore counts from the next opening, and
// a limit that ends exactly at the end of a period ends there (Friday 16:30
// + 60 minutes is Friday 17:30, not Monday 08:30). Periods are wall-clock
// times converted to instants in the zone, so on a daylight-saving switch
// day a period is as long as it really is (Asia/Shanghai has none).
//
// # In PostgreSQL
//
// Migration 007 keeps the configuration in work_config (one row) and
// derives two tables from it: work_days (each date, open or not, and the
// working minutes of all earlier days) and work_periods (each working
// period as instants [start_at, end_at) with cum_before, the working
// minutes of all earlier periods). With those,
//
//	W(t)       = p.cum_before + minutes(least(t, p.end_at) - p.start_at)
//	             for the last period p with p.start_at <= t
//	due(t, m)  = q.start_at + (W(t) + m - q.cum_before) minutes
//	             for the last period q with q.cum_before < W(t) + m
//
// each one index probe whatever the span. The SQL functions are
//
//	work_minutes_at(ts timestamptz) double precision
//	work_add(ts timestamptz, minutes double precision) timestamptz
//	work_minutes_between(a timestamptz, b timestamptz) double precision
//
// work_add and work_minutes_between inline into the calling statement as
// two calls of single-probe functions. For bulk statements the relation
// forms work_minutes_at_rel(ts) and work_add_rel(ts, minutes) return one
// row each (NULL for NULL) and inline into the statement as a LATERAL join,
// with no function call per row: about half the time of the scalars
// (BenchmarkWorkAdd: some 7 µs against 12-16 µs a row on one core).
// (SELECT due_at FROM work_add_rel(t.ts, t.minutes)) in a select list is as
// fast as the join.
//
// An instant outside the calendar's days, or a due time beyond its last
// day, raises SQLSTATE 22008 naming the date; negative, NaN or infinite
// minutes raise 22023. Example, the deadline of a batch of problems and
// their lights (green below 80 % of the limit used, yellow to 100 %, red
// past it):
//
//	SELECT p.id, d.due_at,
//	       CASE WHEN u.used < 0.8 THEN 'green' WHEN u.used <= 1 THEN 'yellow' ELSE 'red' END AS light
//	FROM problems p
//	CROSS JOIN LATERAL work_add_rel(p.dispatched_at, p.time_limit_hours * 60) d
//	CROSS JOIN LATERAL (SELECT work_minutes_between(p.dispatched_at, now()) / (p.time_limit_hours * 60) AS used) u
//
// # Configuration file
//
// Load reads a JSON object; every member is optional and an absent member
// keeps its value from Default() (so a file that only sets "periods" keeps
// the national holiday list):
//
//	{
//	  "zone":     "Asia/Shanghai",
//	  "periods":  ["08:30-12:00", "13:30-17:30"],
//	  "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
//	  "holidays": ["2026-01-01/2026-01-03", "2026-02-15/2026-02-23", "2026-04-06"],
//	  "workdays": ["2026-01-04", "2026-02-14", "2026-02-28"],
//	  "from": 2015,
//	  "to":   2035
//	}
//
// zone is an IANA name; periods are "HH:MM-HH:MM" in order, not
// overlapping, "24:00" allowed as an end ("00:00-24:00" with all seven
// weekdays is a 24/7 calendar); weekdays are English names or their
// three-letter forms; holidays and workdays are dates or inclusive
// "first/last" ranges inside the years from..to, and no date may be both.
//
// The holiday list is configuration and must be maintained every year: the
// State Council publishes the next year's arrangement
// (国务院办公厅关于部分节假日安排的通知) around November. Default() carries
// 2024-2026; add later years to the file given to the server (or to
// Default) and Apply them. Years without a list count weekdays only.
//
// # Applying
//
// Apply(ctx, db, cfg) writes cfg into work_config and rebuilds work_days
// and work_periods in one transaction, only when they differ from cfg, and
// reports whether it changed anything. A server calls it at start-up:
//
//	cfg, err := workcal.Load(path)   // or workcal.Default()
//	changed, err := workcal.Apply(ctx, pool, cfg)
//
// Add and Between compute the same answers in Go, day by day; the tests
// hold the SQL to them.
package workcal
