package stats_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/stats"
)

// twoMonths: September and October 2026 in the four grids, all patrol
// finds but one hotline report.
//
//	September: 001 one case open and overdue; 002 and 004 one case closed on time.
//	October:   001 and 003 two cases closed on time; 002 one closed on time,
//	           one open and overdue and a hotline report closed on time;
//	           004 nothing.
func twoMonths(t *testing.T, e *env) {
	t.Helper()
	onTime := func(grid string, month time.Month, src string) {
		p := e.report(t, grid, "T-DOG", src)
		e.place(t, p, bj(month, 10, 9, 0), bj(month, 12, 9, 0), bj(month, 11, 9, 0))
	}
	overdue := func(grid string, month time.Month) {
		p := e.report(t, grid, "T-DOG", "patrol")
		e.place(t, p, bj(month, 10, 9, 0), bj(month, 12, 9, 0), time.Time{})
	}
	overdue(grid1, 9)
	onTime(grid2, 9, "patrol")
	onTime(grid4, 9, "patrol")
	onTime(grid1, 10, "patrol")
	onTime(grid1, 10, "patrol")
	onTime(grid3, 10, "patrol")
	onTime(grid3, 10, "patrol")
	onTime(grid2, 10, "patrol")
	overdue(grid2, 10)
	onTime(grid2, 10, "hotline")
}

func TestRankingOrderAndMonthOverMonthChange(t *testing.T) {
	e := setup(t)
	twoMonths(t, e)
	r := e.ranking(t, "level=grid&"+october)
	if r.Month != "2026-10" || r.PreviousMonth != "2026-09" || r.Weights != stats.DefaultWeights() || r.NumberReturned != 4 {
		t.Fatalf("ranking header: %+v", r)
	}
	// October, default weights 40/20/15/15/10:
	//   001, 003: every term 1                                        → 100
	//   002: on time 2/3, no rebound 1, no rework 1, patrol 2/3, and the
	//        highest public density of the month (term 0)
	//        = 40·2/3 + 20 + 15 + 15·2/3 + 0                          → 71.67
	//   004: no problems, unranked.
	// September:
	//   002, 004 → 100 (tie: 002 first by code); 001: on time 0/(0+1),
	//   rebound and rework undefined (nothing closed or handled), patrol 1,
	//   density term 1 (nobody public) = (0 + 15 + 10) / 65               → 38.46
	type want struct {
		code                   string
		rank                   *int
		score                  *float64
		prevRank, rankChange   *int
		prevScore, scoreChange *float64
	}
	i := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	wants := []want{
		{grid1, i(1), f(100), i(3), i(2), f(38.46), f(61.54)},
		{grid3, i(2), f(100), nil, nil, nil, nil},
		{grid2, i(3), f(71.67), i(1), i(-2), f(100), f(-28.33)},
		{grid4, nil, nil, nil, nil, nil, nil},
	}
	eqi := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	eqf := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for n, w := range wants {
		g := r.Rows[n]
		if g.Code != w.code || !eqi(g.Rank, w.rank) || !eqf(g.Score, w.score) || !eqi(g.PreviousRank, w.prevRank) ||
			!eqi(g.RankChange, w.rankChange) || !eqf(g.PreviousScore, w.prevScore) || !eqf(g.ScoreChange, w.scoreChange) {
			t.Errorf("row %d: %s rank %v score %s previous %v (%s) change %v (%s); want %+v", n+1, g.Code, deref(g.Rank), show(g.Score),
				deref(g.PreviousRank), show(g.PreviousScore), deref(g.RankChange), show(g.ScoreChange), w)
		}
	}
	if g := r.Rows[2]; !near(g.Terms.OnTimeClosure, 0.6667, 1e-9) || !near(g.Terms.LowPublicDensity, 0, 1e-9) || g.Problems != 3 {
		t.Errorf("grid 002's terms %+v", g.Terms)
	}

	// The same ranking as a spreadsheet.
	s, h, body := e.call(t, "", "GET", "/api/v1/rankings?level=grid&"+october, nil, nil, "Accept", "text/csv")
	if s != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(string(body), "\uFEFF") {
		t.Fatalf("CSV: %d %q, BOM %v", s, h.Get("Content-Type"), strings.HasPrefix(string(body), "\uFEFF"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for n, name := range rows[0] {
		col[name] = n
	}
	for _, name := range []string{"排名 rank", "代码 code", "名称 name", "综合得分 score", "名次变化 rank_change", "问题数 problems", "按期结案率 on_time_closure_rate", "超期未结数 open_overdue"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("CSV header %q lacks %q", rows[0], name)
		}
	}
	for n, want := range [][]string{{"1", grid1, "第1网格", "100", "2", "2"}, {"2", grid3, "第3网格", "100", "", "2"},
		{"3", grid2, "第2网格", "71.67", "-2", "3"}, {"", grid4, "第4网格", "", "", "0"}} {
		row := rows[n+1]
		got := []string{row[col["排名 rank"]], row[col["代码 code"]], row[col["名称 name"]], row[col["综合得分 score"]], row[col["名次变化 rank_change"]], row[col["问题数 problems"]]}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("CSV row %d: %q, want %q", n+1, got, want)
		}
	}
	if row := rows[3]; row[col["按期结案率 on_time_closure_rate"]] != "0.6667" || row[col["超期未结数 open_overdue"]] != "1" {
		t.Errorf("CSV grid 002: rate %q open overdue %q", row[col["按期结案率 on_time_closure_rate"]], row[col["超期未结数 open_overdue"]])
	}
}

func TestRankingWeightsComeFromConfiguration(t *testing.T) {
	w := stats.Weights{PatrolShare: 1}
	e := setup(t, app.Options{Quiet: true, RankingWeights: &w})
	twoMonths(t, e)
	r := e.ranking(t, "level=grid&"+october)
	if r.Weights != w || r.Rows[2].Code != grid2 || !near(r.Rows[2].Score, 66.67, 1e-9) || !near(r.Rows[0].Score, 100, 1e-9) {
		t.Fatalf("patrol share only: weights %+v, rows %s %s, %s %s", r.Weights, r.Rows[0].Code, show(r.Rows[0].Score), r.Rows[2].Code, show(r.Rows[2].Score))
	}
	for _, bad := range []string{`{"on_time_closure": -1}`, `{"on_time": 40}`, `{}`, `{"patrol_share": 1} {}`, `[1]`} {
		if _, err := stats.ReadWeights(strings.NewReader(bad)); err == nil {
			t.Errorf("weights %s: accepted", bad)
		}
	}
	got, err := stats.ReadWeights(strings.NewReader(`{"on_time_closure": 50, "no_rebound": 50}`))
	if err != nil || got != (stats.Weights{OnTimeClosure: 50, NoRebound: 50}) {
		t.Fatalf("weights: %+v %v", got, err)
	}
	if d, err := stats.LoadWeights(""); err != nil || d != stats.DefaultWeights() {
		t.Fatalf("no file: %+v %v", d, err)
	}
}

func TestStreetAndPersonLevels(t *testing.T) {
	e := setup(t)
	// Two dirty-road reports 10 m north of 测试路 go to its chief 王芳; a
	// dog in grid 001 to its officer 张伟.
	for _, lon := range []float64{116.02, 116.07} {
		p := e.reportAt(t, lon, 37.1+10/111_320.0, "T-ROAD", "patrol")
		if p.Street == nil || *p.Street != "T-0001" || p.Assignee == nil || p.Assignee.Name != "王芳" {
			t.Fatalf("road report: street %v assignee %+v", p.Street, p.Assignee)
		}
		e.place(t, p, bj(10, 10, 9, 0), bj(10, 12, 9, 0), bj(10, 11, 9, 0))
	}
	dog := e.report(t, grid1, "T-DOG", "patrol")
	e.place(t, dog, bj(10, 10, 9, 0), bj(10, 12, 9, 0), time.Time{})

	r := e.ranking(t, "level=street&"+october)
	if len(r.Rows) != 1 || r.Rows[0].Code != "T-0001" || r.Rows[0].Name == nil || *r.Rows[0].Name != "测试路" ||
		r.Rows[0].Problems != 2 || !near(r.Rows[0].StreetKm, parallelKm(37.1, 0.1), 0.002) ||
		!near(r.Rows[0].ProblemsPerKm, 2/parallelKm(37.1, 0.1), 1e-3) || r.Rows[0].AreaKm2 != nil || *r.Rows[0].Rank != 1 {
		t.Fatalf("streets: %+v", r.Rows)
	}
	p := e.ranking(t, "level=person&"+october)
	names := map[string][]string{}
	for _, row := range p.Rows {
		names[*row.Name] = row.Roles
	}
	if len(p.Rows) != 2 || strings.Join(names["王芳"], ",") != "street_chief" || strings.Join(names["张伟"], ",") != "grid_officer" {
		t.Fatalf("people: %+v", names)
	}
	// 王芳 closed both on time, 张伟's case is overdue.
	if *p.Rows[0].Name != "王芳" || *p.Rows[1].Name != "张伟" || p.Rows[1].Terms.LowPublicDensity != nil {
		t.Fatalf("people in order: %s, %s; density term %v", *p.Rows[0].Name, *p.Rows[1].Name, p.Rows[1].Terms.LowPublicDensity)
	}
	officers := e.ranking(t, "level=person&role=grid_officer&"+october)
	if len(officers.Rows) != 1 || *officers.Rows[0].Name != "张伟" {
		t.Fatalf("grid officers: %+v", officers.Rows)
	}
	// Within a parent: grid 003 has none of them.
	if in3 := e.ranking(t, "level=person&parent="+grid3+"&"+october); len(in3.Rows) != 0 {
		t.Fatalf("people in grid 003: %+v", in3.Rows)
	}
}

func TestBadInputIsAProblemNamingTheField(t *testing.T) {
	e := setup(t)
	future := time.Now().AddDate(0, 2, 0).Format("2006-01")
	for _, tc := range []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/stats/areas?from=2026-10-10T00:00:00Z&to=2026-10-01T00:00:00Z", 400, "from"},
		{"/api/v1/stats/areas?from=2026-10-01&to=2026-10-01", 400, "from"},
		{"/api/v1/stats/areas?from=2026-10-01", 400, "to"},
		{"/api/v1/stats/areas?from=yesterday&to=2026-10-01", 400, "from"},
		{"/api/v1/stats/areas?from=2026-10-01T00:00:00&to=2026-11-01", 400, "from"},
		{"/api/v1/stats/areas?from=" + time.Now().AddDate(0, 0, 2).Format("2006-01-02") + "&to=" + time.Now().AddDate(0, 0, 3).Format("2006-01-02"), 400, "from"},
		{"/api/v1/stats/areas?month=2026-10&from=2026-10-01", 400, "month"},
		{"/api/v1/stats/areas?category=NOPE", 400, "category"},
		{"/api/v1/stats/areas?category=T-DOG,NOPE", 400, "category"},
		{"/api/v1/stats/areas?level=street", 400, "level"},
		{"/api/v1/stats/areas?level=city", 400, "level"},
		{"/api/v1/stats/areas?parent=371499", 404, "parent"},
		{"/api/v1/stats/areas?parent=12ab", 400, "parent"},
		{"/api/v1/stats/areas?level=subdistrict&parent=371402001001", 400, "parent"},
		{"/api/v1/stats/areas?levle=grid", 400, "levle"},
		{"/api/v1/rankings?month=" + future, 400, "month"},
		{"/api/v1/rankings?month=2026-13", 400, "month"},
		{"/api/v1/rankings?month=2026-1", 400, "month"},
		{"/api/v1/rankings?month=October", 400, "month"},
		{"/api/v1/rankings?level=galaxy", 400, "level"},
		{"/api/v1/rankings?level=grid&role=grid_officer", 400, "role"},
		{"/api/v1/rankings?level=person&role=mayor", 400, "role"},
		{"/api/v1/rankings?category=NOPE", 400, "category"},
		{"/api/v1/rankings?parent=999999999", 404, "parent"},
		{"/api/v1/rankings?from=2026-10-01", 400, "from"},
	} {
		var pb struct {
			Status int
			Errors []struct{ Field, Reason string }
		}
		s, h, b := e.call(t, "", "GET", tc.path, nil, &pb)
		if s != tc.status || h.Get("Content-Type") != "application/problem+json" || len(pb.Errors) == 0 || pb.Errors[0].Field != tc.field {
			t.Errorf("%s: %d %s, want %d naming %s", tc.path, s, b, tc.status, tc.field)
		}
	}
	// The current month is allowed (as of now), and so is no month at all.
	for _, path := range []string{"/api/v1/rankings?month=" + time.Now().In(cst).Format("2006-01"), "/api/v1/rankings",
		"/api/v1/stats/areas", "/api/v1/stats/areas?category=T-DOG,T-ROAD&level=community&parent=371402"} {
		if s, _, b := e.call(t, "", "GET", path, nil, nil); s != 200 {
			t.Errorf("%s: %d %s", path, s, b)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
