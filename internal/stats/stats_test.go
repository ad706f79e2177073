package stats_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

const october = "month=2026-10"

func TestOnTimeClosureRateCountsAnOpenOverdueCaseAsAMiss(t *testing.T) {
	e := setup(t)
	a := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, a, bj(10, 10, 9, 0), bj(10, 12, 9, 0), bj(10, 11, 9, 0)) // closed on time
	b := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, b, bj(10, 10, 9, 0), bj(10, 12, 9, 0), bj(10, 14, 9, 0)) // closed late
	c := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, c, bj(10, 20, 9, 0), bj(10, 22, 9, 0), time.Time{}) // open and overdue at the end of October
	d := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, d, bj(10, 30, 9, 0), bj(11, 3, 9, 0), time.Time{}) // open, due in November: neither hit nor miss

	// Three that were open and overdue on 1 November and were dealt with
	// today: closed, voided, given an extension. October does not change.
	closedToday := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, closedToday, bj(10, 20, 9, 0), bj(10, 22, 9, 0), time.Time{})
	closedToday = e.step(t, closedToday, "resolve")
	e.step(t, closedToday, "close")
	voidedToday := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, voidedToday, bj(10, 21, 9, 0), bj(10, 23, 9, 0), time.Time{})
	e.step(t, voidedToday, "void", "note", "重复上报")
	extendedToday := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, extendedToday, bj(10, 21, 9, 0), bj(10, 23, 9, 0), time.Time{})
	e.step(t, extendedToday, "extend", "due_at", time.Now().AddDate(0, 0, 14).Format(time.RFC3339), "note", "需协调") // within the extension limit

	// Voided within October: not a problem of October at all.
	voided := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, voided, bj(10, 5, 9, 0), bj(10, 7, 9, 0), time.Time{})
	e.exec(t, `UPDATE problems SET status = 'void' WHERE id = $1`, voided.ID)
	e.exec(t, `INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, note)
		VALUES ($1, $2, 'test', 'void', 'dispatched', 'void', '误报')`, voided.ID, bj(10, 6, 9, 0))

	g := e.areaStats(t, "level=grid&"+october)[grid1]
	if g.Problems != 7 || g.Closed != 2 || g.ClosedOnTime != 1 || g.OpenOverdue != 4 {
		t.Fatalf("grid 001 in October: %d problems, %d closed, %d on time, %d open overdue; want 7, 2, 1, 4 (%+v)",
			g.Problems, g.Closed, g.ClosedOnTime, g.OpenOverdue, g)
	}
	// 1 / (2 + 4), not 1 / 2: the four open overdue cases are misses.
	if !near(g.OnTimeClosureRate, 1.0/6, 1e-4) {
		t.Fatalf("on-time closure rate %s, want 1/6", show(g.OnTimeClosureRate))
	}
	r := e.ranking(t, "level=grid&"+october)
	if len(r.Rows) == 0 || r.Rows[0].Code != grid1 || !near(r.Rows[0].OnTimeClosureRate, 1.0/6, 1e-4) {
		t.Fatalf("ranking row %+v, want grid 001 with rate 1/6", r.Rows)
	}
	// Today's closure counts today: in November's cohort nothing changes
	// either (it was reported in October), and the live period sees it.
	now := e.areaStats(t, "level=grid&from=2026-10-01&to="+time.Now().Add(time.Minute).UTC().Format(time.RFC3339))[grid1]
	if now.Problems != 6 || now.Closed != 3 || now.OpenOverdue != 2 {
		t.Fatalf("as of now: %d problems, %d closed, %d open overdue; want 6 (the voided one gone), 3 (closed today among them), 2",
			now.Problems, now.Closed, now.OpenOverdue)
	}
}

func TestTimeToCloseIsInWorkingHoursWithMeanAndP90(t *testing.T) {
	e := setup(t)
	// Dispatched Monday 12 October 08:30; the calendar works 08:30-12:00
	// and 13:30-17:30. Closures after 1..10 working hours:
	closes := []time.Time{
		bj(10, 12, 9, 30), bj(10, 12, 10, 30), bj(10, 12, 11, 30), // 1, 2, 3
		bj(10, 12, 14, 0), bj(10, 12, 15, 0), bj(10, 12, 16, 0), bj(10, 12, 17, 0), // 3.5+0.5 .. 3.5+3.5
		bj(10, 13, 9, 0), bj(10, 13, 10, 0), bj(10, 13, 11, 0), // 7.5+0.5 .. 7.5+2.5
	}
	for _, c := range closes {
		p := e.report(t, grid3, "T-DOG", "patrol")
		e.place(t, p, bj(10, 12, 8, 30), bj(10, 20, 17, 0), c)
	}
	g := e.areaStats(t, "level=grid&"+october)[grid3]
	// mean of 1..10 = 5.5; percentile_cont(0.9) = 9 + 0.1 × (10 − 9) = 9.1.
	// On the wall clock the last three would be 24.5-26.5 hours.
	if !near(g.MeanHoursToClose, 5.5, 1e-6) || !near(g.P90HoursToClose, 9.1, 1e-6) {
		t.Fatalf("mean %s, p90 %s working hours; want 5.5 and 9.1", show(g.MeanHoursToClose), show(g.P90HoursToClose))
	}
	// Across the week-end and the make-up working Saturday of 10 October:
	// Friday 9th 17:00 → Saturday 10th 09:00 is 0.5 + 0.5 hours; Monday
	// 12th 17:00 → Tuesday 13th 08:45 is 0.5 + 0.25.
	for _, pair := range [][2]time.Time{{bj(10, 9, 17, 0), bj(10, 10, 9, 0)}, {bj(10, 12, 17, 0), bj(10, 13, 8, 45)}} {
		p := e.report(t, grid1, "T-DOG", "patrol")
		e.place(t, p, pair[0], bj(10, 20, 17, 0), pair[1])
	}
	// The statement looks working minutes up in a per-minute table for
	// periods up to 400 days and asks the calendar per problem beyond;
	// both give the same answer.
	for _, period := range []string{october, "from=2026-10-01&to=2026-11-01", "from=2025-10-01&to=2027-01-01"} {
		grids := e.areaStats(t, "level=grid&"+period)
		g3, g1 := grids[grid3], grids[grid1]
		if !near(g3.MeanHoursToClose, 5.5, 1e-6) || !near(g3.P90HoursToClose, 9.1, 1e-6) || !near(g1.MeanHoursToClose, 0.875, 0.0051) {
			t.Errorf("%s: mean %s, p90 %s; %s; want 5.5, 9.1; 0.875 (0.88 rounded)", period, show(g3.MeanHoursToClose), show(g3.P90HoursToClose), show(g1.MeanHoursToClose))
		}
	}
	if e4 := e.areaStats(t, "level=grid&"+october)[grid4]; e4.MeanHoursToClose != nil || e4.P90HoursToClose != nil || e4.OnTimeClosureRate != nil {
		t.Fatalf("a grid with no closed case has null times and rates: %+v", e4)
	}
}

// WGS84.
const (
	wgsA  = 6378137.0
	wgsF  = 1 / 298.257223563
	wgsE2 = wgsF * (2 - wgsF)
)

// parallelKm is the length of dLon degrees along latitude lat.
func parallelKm(lat, dLon float64) float64 {
	phi := lat * math.Pi / 180
	n := wgsA / math.Sqrt(1-wgsE2*math.Sin(phi)*math.Sin(phi))
	return dLon * math.Pi / 180 * n * math.Cos(phi) / 1000
}

// boxKm2 is the area of a longitude/latitude box on the ellipsoid.
func boxKm2(lat1, lat2, dLon float64) float64 {
	e := math.Sqrt(wgsE2)
	b := wgsA * (1 - wgsF)
	q := func(lat float64) float64 {
		s := math.Sin(lat * math.Pi / 180)
		return s/(1-wgsE2*s*s) + math.Log((1+e*s)/(1-e*s))/(2*e)
	}
	return b * b * dLon * math.Pi / 180 / 2 * (q(lat2) - q(lat1)) / 1e6
}

func TestRatesPerSquareKilometreAndPerKilometreOfStreetOnTheFixture(t *testing.T) {
	e := setup(t)
	for _, src := range []string{"patrol", "patrol", "patrol", "supervision", "citizen", "open311", "hotline", "api"} {
		// Open311 requests come through /open311/v2 (a service client's
		// token): here the source is set after a citizen report.
		as := src
		if src == "open311" {
			as = "citizen"
		}
		p := e.report(t, grid2, "T-LIGHT", as)
		e.place(t, p, bj(10, 15, 9, 0), bj(10, 20, 9, 0), time.Time{})
		if src == "open311" {
			e.exec(t, `UPDATE problems SET source = 'open311' WHERE id = $1`, p.ID)
		}
	}
	grids := e.areaStats(t, "level=grid&"+october)
	area := map[string]float64{grid1: boxKm2(37.1, 37.2, 0.1), grid2: boxKm2(37.1, 37.2, 0.1), grid3: boxKm2(37.0, 37.1, 0.1), grid4: boxKm2(37.0, 37.1, 0.1)}
	testRoad, northRing := parallelKm(37.1, 0.1), parallelKm(37.2, 0.1)
	// A street along a boundary counts half for each side: 测试路 is the
	// edge between 001 and 003, 北环路 the north edge of 001 and 002.
	street := map[string]float64{grid1: testRoad/2 + northRing/2, grid2: northRing / 2, grid3: testRoad / 2, grid4: 0}
	for code, want := range area {
		g := grids[code]
		if !near(g.AreaKm2, want, want*1e-3) || !near(g.StreetKm, street[code], 0.002) {
			t.Errorf("grid %s: %s km², %s km of street; want %.3f and %.3f", code, show(g.AreaKm2), show(g.StreetKm), want, street[code])
		}
	}
	g := grids[grid2]
	if g.Problems != 8 || !near(g.ProblemsPerKm2, 8/area[grid2], 1e-3) || !near(g.ProblemsPerKm, 8/street[grid2], 1e-3) ||
		!near(g.PublicPerKm2, 3/area[grid2], 1e-3) {
		t.Fatalf("grid 002: %d problems, %s per km², %s per km, %s public per km²; want 8, %.4f, %.4f, %.4f", g.Problems,
			show(g.ProblemsPerKm2), show(g.ProblemsPerKm), show(g.PublicPerKm2), 8/area[grid2], 8/street[grid2], 3/area[grid2])
	}
	if grids[grid4].ProblemsPerKm != nil || grids[grid4].ProblemsPerKm2 == nil {
		t.Fatalf("grid 004 has no street: per km %s must be null, per km² %s must be 0", show(grids[grid4].ProblemsPerKm), show(grids[grid4].ProblemsPerKm2))
	}
	// Patrol, supervision and inspection are found; citizen, open311 and hotline
	// are what the public had to report; api is neither.
	if g.FoundByPatrol != 4 || g.ReportedByPublic != 3 || g.OtherSource != 1 || !near(g.PatrolShare, 0.5, 1e-9) || !near(g.PublicShare, 0.375, 1e-9) {
		t.Fatalf("grid 002 sources: %d patrol, %d public, %d other, shares %s / %s; want 4, 3, 1, 0.5 / 0.375",
			g.FoundByPatrol, g.ReportedByPublic, g.OtherSource, show(g.PatrolShare), show(g.PublicShare))
	}
	// The community: 测试路 runs inside it (full length), 北环路 along its
	// edge (half of 0.2°); the grids' lengths add up to it.
	c := e.areaStats(t, "level=community&"+october)["371402001001"]
	want := testRoad + parallelKm(37.2, 0.2)/2
	if !near(c.StreetKm, want, 0.002) || c.Problems != 8 {
		t.Fatalf("community: %s km of street, %d problems; want %.3f and 8", show(c.StreetKm), c.Problems, want)
	}
	// The same as a spreadsheet.
	st, h, body := e.call(t, "", "GET", "/api/v1/stats/areas?level=grid&"+october, nil, nil, "Accept", "text/csv")
	lines := strings.Split(strings.TrimPrefix(string(body), "\uFEFF"), "\n")
	if st != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(lines[0], "代码 code,名称 name,上级 parent,问题数 problems,") ||
		len(lines) != 6 || !strings.HasPrefix(lines[2], grid2+",第2网格,371402001001,8,0,0,8,0,") {
		t.Fatalf("CSV: %d %q\n%s", st, h.Get("Content-Type"), body)
	}
	// A city parent keeps its districts.
	if d := e.areaStats(t, "level=district&parent=371400&"+october); len(d) != 1 || d["371402"].Problems != 8 {
		t.Fatalf("districts of the city: %+v", d)
	}
}

func TestReworkAndReboundRatesFollowTheWorkflow(t *testing.T) {
	e := setup(t)
	period := fmt.Sprintf("level=grid&from=%s&to=%s", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	p1 := e.report(t, grid4, "T-DOG", "patrol") // reworked, then closed
	p1 = e.step(t, p1, "resolve")
	p1 = e.step(t, p1, "rework", "note", "还有狗粪")
	p1 = e.step(t, p1, "resolve")
	e.step(t, p1, "close")
	p2 := e.report(t, grid4, "T-DOG", "patrol") // closed, found back by the look-back
	p2 = e.step(t, e.step(t, p2, "resolve"), "close")
	p3 := e.report(t, grid4, "T-DOG", "patrol") // closed, reported again 30 m away
	p3 = e.step(t, e.step(t, p3, "resolve"), "close")
	p4 := e.report(t, grid4, "T-DOG", "patrol") // closed, held
	e.step(t, e.step(t, p4, "resolve"), "close")
	p5 := e.report(t, grid4, "T-DOG", "patrol") // reported fixed, not yet verified
	e.step(t, p5, "resolve")

	var due struct {
		Items []struct {
			ID        int64 `json:"id"`
			ProblemID int64 `json:"problem_id"`
		}
	}
	e.call(t, "", "GET", "/api/v1/rechecks?due_before=2099-01-01T00:00:00Z&area="+grid4, nil, &due)
	var recheck int64
	for _, r := range due.Items {
		if r.ProblemID == p2.ID {
			recheck = r.ID
		}
	}
	if s, _, b := e.call(t, "admin", "POST", fmt.Sprintf("/api/v1/rechecks/%d", recheck), map[string]any{"result": "rebounded", "note": "回头看提前核查"}, nil); s != 200 { // early: an admin with a reason
		t.Fatalf("rebound: %d %s", s, b)
	}
	again := e.reportAt(t, p3.Lon, p3.Lat+30/111_320.0, "T-DOG", "citizen")
	if again.RecursOf == nil || *again.RecursOf != p3.ID {
		t.Fatalf("the report 30 m away recurs_of %v, want %d", again.RecursOf, p3.ID)
	}
	g := e.areaStats(t, period)[grid4]
	// 5 + the rebound + the recurrence; 4 closed of which 2 came back;
	// 5 handled (4 closed + 1 resolved) of which 1 was reworked.
	if g.Problems != 7 || g.Closed != 4 || g.CameBack != 2 || !near(g.ReboundRate, 0.5, 1e-9) ||
		g.Handled != 5 || g.Reworked != 1 || !near(g.ReworkRate, 0.2, 1e-9) {
		t.Fatalf("grid 004: %+v; want 7 problems, 2 of 4 closed came back, 1 of 5 handled reworked", g)
	}
}
