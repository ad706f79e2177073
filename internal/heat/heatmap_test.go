package heat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
)

// q builds a query string from name, value pairs.
func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

// scatter inserts n problems over the fixture city's south-west quarter
// in the 120 days before today: five categories, two sources, a tenth of
// them open (half of those overdue), a few void or merged (never counted)
// and a few rebounds. Points cluster on a few spots so that cells hold
// several problems.
func scatter(t *testing.T, e *apitest.Env, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	cats := []string{"T-LITTER", "T-BUILD", "T-ROAD", "T-DOG", "T-LIGHT"}
	spots := [][2]float64{{116.03, 37.03}, {116.05, 37.06}, {116.08, 37.02}, {116.012, 37.088}}
	insert(t, e, prob{Lon: 116.19, Lat: 37.19, At: today().AddDate(0, 0, -200)}) // the origin of rebounds
	past := today().AddDate(0, 0, -1)
	var ps []prob
	for i := range n {
		sp := spots[rng.IntN(len(spots))]
		p := prob{
			Lon: sp[0] + rng.NormFloat64()*0.004, Lat: sp[1] + rng.NormFloat64()*0.004,
			Cat: cats[rng.IntN(len(cats))],
			At:  today().Add(-time.Duration(rng.Int64N(int64(120 * 24 * time.Hour)))),
		}
		switch {
		case i%10 == 0:
			p.Status, p.Due = "dispatched", &past
			if i%20 == 0 {
				future := today().AddDate(0, 0, 30)
				p.Due = &future
			}
		case i%10 == 1:
			p.Status = "in_progress"
		case i%37 == 2:
			p.Status = "void"
		case i%41 == 3:
			p.Status = "merged"
		}
		if i%13 == 4 {
			p.Rebound = true
		}
		if i%3 == 0 {
			p.Source = "patrol"
		}
		ps = append(ps, p)
	}
	insert(t, e, ps...)
}

// direct is the count of the heatmap's cells straight from problems.
type direct struct {
	Count, Weeks, Rebounds, Open, Overdue, RecurringWeeks int
	Top                                                   []string
}

// directCounts groups problems by their parent at res with plain SQL:
// what the heatmap must show.
func directCounts(t *testing.T, e *apitest.Env, res int, from, to time.Time, cat, source string) map[string]direct {
	t.Helper()
	rows, err := e.D.Pool.Query(context.Background(), `
		WITH p AS (
			SELECT h3_to_string(h3_parent(h3_15, $1)) AS cell, category_code AS cat, rebound_of, status, due_at,
				date_trunc('week', reported_at AT TIME ZONE 'Asia/Shanghai') AS wk
			FROM problems
			WHERE reported_at >= $2 AND reported_at < $3 AND status NOT IN ('void', 'merged')
				AND ($4 = '' OR category_code = $4) AND ($5 = '' OR source = $5)
		), per_cat AS (
			SELECT cell, cat, count(*) AS n, count(DISTINCT wk) AS weeks FROM p GROUP BY cell, cat
		)
		SELECT cell, count(*), count(DISTINCT wk), count(rebound_of),
			count(*) FILTER (WHERE status NOT IN ('closed', 'void', 'merged')),
			count(*) FILTER (WHERE status IN ('dispatched', 'in_progress') AND due_at < now()),
			(SELECT max(weeks) FROM per_cat c WHERE c.cell = p.cell),
			(SELECT array_agg(cat ORDER BY n DESC, cat) FROM (SELECT cat, n FROM per_cat c WHERE c.cell = p.cell ORDER BY n DESC, cat LIMIT 3) s)
		FROM p GROUP BY cell`, res, from, to, cat, source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]direct{}
	for rows.Next() {
		var cell string
		var d direct
		if err := rows.Scan(&cell, &d.Count, &d.Weeks, &d.Rebounds, &d.Open, &d.Overdue, &d.RecurringWeeks, &d.Top); err != nil {
			t.Fatal(err)
		}
		out[cell] = d
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func compare(t *testing.T, what string, got map[string]cellProps, want map[string]direct, k int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d cells, want %d", what, len(got), len(want))
	}
	total := 0
	for cell, w := range want {
		g, ok := got[cell]
		total += w.Count
		if !ok {
			t.Errorf("%s: cell %s (%d problems) missing", what, cell, w.Count)
			continue
		}
		var top []string
		for _, c := range g.Top {
			top = append(top, c.Code)
		}
		gd := direct{g.Count, g.Weeks, g.Rebounds, g.Open, g.Overdue, g.RecurringWeeks, top}
		if fmt.Sprint(gd) != fmt.Sprint(w) {
			t.Errorf("%s: cell %s: got %+v, want %+v", what, cell, gd, w)
		}
		if g.Recurring != (w.RecurringWeeks >= k || w.Rebounds > 0) {
			t.Errorf("%s: cell %s: recurring %v with %d weeks and %d rebounds", what, cell, g.Recurring, w.RecurringWeeks, w.Rebounds)
		}
	}
	if total == 0 {
		t.Errorf("%s: no problems in the window: the fixture is wrong", what)
	}
}

func TestHeatmapCountsEqualADirectCount(t *testing.T) {
	e := setup(t)
	scatter(t, e, 1500)
	// Windows of whole days (the rollup alone), with partial days at
	// both ends (rollup and problems), and within one day.
	to := today()
	windows := []struct{ name, from, to string }{
		{"whole days", rfc(to.AddDate(0, 0, -90)), rfc(to)},
		{"partial days", rfc(to.AddDate(0, 0, -75).Add(13*time.Hour + 7*time.Minute)), rfc(to.AddDate(0, 0, -3).Add(9*time.Hour + 30*time.Minute))},
		{"one day", rfc(to.AddDate(0, 0, -10).Add(2 * time.Hour)), rfc(to.AddDate(0, 0, -10).Add(20 * time.Hour))},
	}
	for _, w := range windows {
		from, _ := time.Parse(time.RFC3339, w.from)
		until, _ := time.Parse(time.RFC3339, w.to)
		for _, res := range []int{7, 9, 10} {
			name := fmt.Sprintf("%s res %d", w.name, res)
			fc, got := heatmap(t, e, q("res", fmt.Sprint(res), "from", w.from, "to", w.to))
			if fc.Resolution != res || fc.NumberReturned != len(fc.Features) {
				t.Errorf("%s: resolution %d, numberReturned %d of %d", name, fc.Resolution, fc.NumberReturned, len(fc.Features))
			}
			compare(t, name, got, directCounts(t, e, res, from, until, "", ""), 3)
		}
	}
	from, until := to.AddDate(0, 0, -60), to
	_, got := heatmap(t, e, q("res", "9", "from", rfc(from), "to", rfc(until), "category", "T-ROAD", "source", "patrol", "k", "2"))
	compare(t, "T-ROAD from patrols, k=2", got, directCounts(t, e, 9, from, until, "T-ROAD", "patrol"), 2)

	// Open311 requests are a source the heatmap filters on like the others.
	if _, err := e.D.Pool.Exec(context.Background(), `UPDATE problems SET source = 'open311' WHERE id % 5 = 0`); err != nil {
		t.Fatal(err)
	}
	_, got = heatmap(t, e, q("res", "9", "from", rfc(from), "to", rfc(until), "source", "open311", "k", "2"))
	want := directCounts(t, e, 9, from, until, "", "open311")
	if len(want) == 0 {
		t.Fatal("the fixture has no open311 problems in the window")
	}
	compare(t, "from open311", got, want, 2)
}

// Inside a bbox the heatmap shows every cell that overlaps it, with all
// of the cell's problems: through the rollup (res 9) and from problems
// (res 12).
func TestHeatmapInABBoxShowsTheCellsThatOverlapIt(t *testing.T) {
	e := setup(t)
	scatter(t, e, 800)
	from, until := today().AddDate(0, 0, -100), today()
	bbox := "116.02,37.02,116.045,37.04"
	for _, res := range []int{9, 12} {
		_, got := heatmap(t, e, q("res", fmt.Sprint(res), "from", rfc(from), "to", rfc(until), "bbox", bbox))
		loop := h3.GeoLoop{{Lat: 37.02, Lng: 116.02}, {Lat: 37.02, Lng: 116.045}, {Lat: 37.04, Lng: 116.045}, {Lat: 37.04, Lng: 116.02}}
		cover, err := h3.PolygonToCellsExperimental(h3.GeoPolygon{GeoLoop: loop}, res, h3.ContainmentOverlapping)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, c := range cover {
			in[c.String()] = true
		}
		want := map[string]direct{}
		for cell, d := range directCounts(t, e, res, from, until, "", "") {
			if in[cell] {
				want[cell] = d
			}
		}
		compare(t, fmt.Sprintf("bbox res %d", res), got, want, 3)
	}
}

func TestRecurringAtKMinusOneAndKWeeks(t *testing.T) {
	e := setup(t)
	c := cellAt(t, 116.05, 37.05, 9)
	lon, lat := centre(t, c)
	// Mondays of the last weeks, and two problems of another category in
	// one week (weeks count per category).
	monday := today()
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	at := func(weeksAgo int) time.Time { return monday.AddDate(0, 0, -7*weeksAgo).Add(10 * time.Hour) }
	insert(t, e,
		prob{Lon: lon, Lat: lat, At: at(3)}, prob{Lon: lon, Lat: lat, At: at(5)}, prob{Lon: lon, Lat: lat, At: at(5).Add(time.Hour)},
		prob{Lon: lon, Lat: lat, Cat: "T-DOG", At: at(4)}, prob{Lon: lon, Lat: lat, Cat: "T-ROAD", At: at(6)})
	query := q("res", "9", "from", rfc(at(10)), "to", rfc(today()), "k", "3")
	_, cells := heatmap(t, e, query)
	p := cells[c.String()]
	if p.Count != 5 || p.Weeks != 4 || p.RecurringWeeks != 2 || p.Recurring {
		t.Fatalf("k-1 = 2 weeks of T-LITTER: %+v, want 5 problems in 4 weeks, recurring_weeks 2, not recurring", p)
	}
	// The recurring metric shows only recurring cells.
	if fc, _ := heatmap(t, e, query+"&metric=recurring"); len(fc.Features) != 0 {
		t.Errorf("metric=recurring shows %d cells before the cell recurs", len(fc.Features))
	}
	insert(t, e, prob{Lon: lon, Lat: lat, At: at(1)})
	_, cells = heatmap(t, e, query)
	p = cells[c.String()]
	if p.RecurringWeeks != 3 || !p.Recurring || p.Weeks != 5 {
		t.Fatalf("k = 3 weeks: %+v, want recurring with recurring_weeks 3 and 5 weeks", p)
	}
	fc, cells := heatmap(t, e, query+"&metric=recurring")
	if len(fc.Features) != 1 || cells[c.String()].Value != 3 {
		t.Errorf("metric=recurring: %+v", cells)
	}
	// k is a parameter: at 4 the cell is not recurring.
	if _, cells := heatmap(t, e, q("res", "9", "from", rfc(at(10)), "to", rfc(today()), "k", "4")); cells[c.String()].Recurring {
		t.Errorf("k=4: recurring with 3 weeks")
	}
	// A rebound makes a place recurring whatever k.
	other := cellAt(t, 116.15, 37.15, 9)
	olon, olat := centre(t, other)
	insert(t, e, prob{Lon: olon, Lat: olat, At: at(2), Rebound: true})
	_, cells = heatmap(t, e, q("res", "9", "from", rfc(at(10)), "to", rfc(today()), "k", "4"))
	if p := cells[other.String()]; !p.Recurring || p.Rebounds != 1 || p.RecurringWeeks != 1 {
		t.Errorf("a rebound: %+v, want recurring with 1 rebound", p)
	}
	fc, cells = heatmap(t, e, q("res", "9", "from", rfc(at(10)), "to", rfc(today()), "metric", "rebound"))
	if len(fc.Features) != 1 || cells[other.String()].Value != 1 {
		t.Errorf("metric=rebound: %+v", cells)
	}
}

func TestRepeatedRequestGets304UntilTheDataChanges(t *testing.T) {
	e := setup(t)
	c := cellAt(t, 116.05, 37.05, 9)
	lon, lat := centre(t, c)
	ids := insert(t, e, prob{Lon: lon, Lat: lat, At: today().AddDate(0, 0, -3), Status: "dispatched"})
	path := "/api/v1/heatmap?res=9"
	first := get(t, e, path)
	tag := first.Header.Get("ETag")
	if first.Status != 200 || tag == "" || first.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("first: %d, ETag %q, Cache-Control %q", first.Status, tag, first.Header.Get("Cache-Control"))
	}
	again := get(t, e, path, "If-None-Match", tag)
	if again.Status != 304 || len(again.Body) != 0 || again.Header.Get("ETag") != tag {
		t.Fatalf("repeat: %d %q, ETag %q", again.Status, again.Body, again.Header.Get("ETag"))
	}
	if r := get(t, e, path, "If-None-Match", `"other", W/`+tag); r.Status != 304 {
		t.Errorf("a list holding the weak form: %d", r.Status)
	}
	// Other parameters, another answer.
	if r := get(t, e, path+"&format=h3", "If-None-Match", tag); r.Status != 200 {
		t.Errorf("format=h3 with the GeoJSON's ETag: %d", r.Status)
	}
	// A status change (open → closed) changes the answer and the ETag.
	if _, err := e.D.Pool.Exec(context.Background(), `UPDATE problems SET status = 'closed' WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	r := get(t, e, path, "If-None-Match", tag)
	if r.Status != 200 || r.Header.Get("ETag") == tag {
		t.Fatalf("after closing: %d, ETag %q", r.Status, r.Header.Get("ETag"))
	}
	tag = r.Header.Get("ETag")
	insert(t, e, prob{Lon: lon, Lat: lat, At: today().AddDate(0, 0, -2)})
	if r := get(t, e, path, "If-None-Match", tag); r.Status != 200 {
		t.Errorf("after a new problem: %d", r.Status)
	}
	// A deadline passing changes the overdue count with no write: a
	// problem due in a moment is not overdue now and is after it.
	due := time.Now().Add(1500 * time.Millisecond)
	insert(t, e, prob{Lon: lon, Lat: lat, At: today().AddDate(0, 0, -1), Status: "dispatched", Due: &due})
	_, cells := heatmap(t, e, "res=9")
	before := get(t, e, path)
	if cells[c.String()].Overdue != 0 {
		t.Fatalf("overdue before the deadline: %+v", cells[c.String()])
	}
	time.Sleep(time.Until(due) + 200*time.Millisecond)
	r = get(t, e, path, "If-None-Match", before.Header.Get("ETag"))
	if r.Status != 200 {
		t.Fatalf("after the deadline: %d", r.Status)
	}
	_, cells = heatmap(t, e, "res=9")
	if cells[c.String()].Overdue != 1 {
		t.Errorf("overdue after the deadline: %+v", cells[c.String()])
	}
}

func TestHexagonsAreClosedCounterClockwiseLonLatRings(t *testing.T) {
	e := setup(t)
	scatter(t, e, 300)
	for _, res := range []int{5, 8, 10} {
		fc, _ := heatmap(t, e, q("res", fmt.Sprint(res)))
		if len(fc.Features) == 0 {
			t.Fatalf("res %d: no cells", res)
		}
		for _, f := range fc.Features {
			if f.Type != "Feature" || f.Geometry.Type != "Polygon" || len(f.Geometry.Coordinates) != 1 {
				t.Fatalf("res %d: %s is a %s with %d rings", res, f.ID, f.Geometry.Type, len(f.Geometry.Coordinates))
			}
			ring := f.Geometry.Coordinates[0]
			if len(ring) < 7 || ring[0] != ring[len(ring)-1] {
				t.Fatalf("res %d: %s: ring of %d points not closed: %v", res, f.ID, len(ring), ring)
			}
			var area float64
			for i := 0; i+1 < len(ring); i++ {
				area += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
				if ring[i][0] < 115 || ring[i][0] > 117 || ring[i][1] < 36 || ring[i][1] > 38 {
					t.Fatalf("%s: %v is not lon, lat near the city", f.ID, ring[i])
				}
			}
			if area <= 0 {
				t.Fatalf("res %d: %s runs clockwise", res, f.ID)
			}
			// The vertices are h3's, and the cell the id names.
			c := h3.CellFromString(f.ID)
			if c.Resolution() != res {
				t.Fatalf("%s has resolution %d", f.ID, c.Resolution())
			}
			b, _ := c.Boundary()
			for _, ll := range b {
				if !slices.ContainsFunc(ring, func(p [2]float64) bool { return near(p[0], ll.Lng) && near(p[1], ll.Lat) }) {
					t.Fatalf("%s: vertex %v missing from %v", f.ID, ll, ring)
				}
			}
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-7 && b-a < 1e-7 }

func TestFormatH3IsTheCompactFormDeckGLTakes(t *testing.T) {
	e := setup(t)
	scatter(t, e, 300)
	_, cells := heatmap(t, e, "res=9")
	r := get(t, e, "/api/v1/heatmap?res=9&format=h3")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q", r.Status, r.Header.Get("Content-Type"))
	}
	var got []map[string]any
	r.Decode(t, &got)
	if len(got) != len(cells) {
		t.Fatalf("%d cells, GeoJSON has %d", len(got), len(cells))
	}
	for _, g := range got {
		if len(g) != 2 {
			t.Fatalf("members %v, want h3 and count", g)
		}
		id, _ := g["h3"].(string)
		if c := h3.CellFromString(id); !c.IsValid() || c.String() != id || c.Resolution() != 9 {
			t.Fatalf("h3 %q is not a res-9 cell in h3's string form", id)
		}
		if n, _ := g["count"].(float64); int(n) != cells[id].Count {
			t.Fatalf("%s: count %v, GeoJSON says %d", id, g["count"], cells[id].Count)
		}
	}
	// Another metric adds its value.
	r = get(t, e, "/api/v1/heatmap?res=9&format=h3&metric=overdue")
	var ov []struct {
		H3           string
		Count, Value int
	}
	r.Decode(t, &ov)
	if len(ov) == 0 {
		t.Fatal("no overdue cells")
	}
	for _, o := range ov {
		if o.Value != cells[o.H3].Overdue || o.Value == 0 {
			t.Fatalf("%+v, GeoJSON says %+v", o, cells[o.H3])
		}
	}
}

func TestDefaultsAreTheLast90DaysAndAResolutionFromTheBBox(t *testing.T) {
	e := setup(t)
	c := cellAt(t, 116.05, 37.05, 9)
	lon, lat := centre(t, c)
	insert(t, e, prob{Lon: lon, Lat: lat, At: today().AddDate(0, 0, -89).Add(time.Minute)},
		prob{Lon: lon, Lat: lat, At: today().AddDate(0, 0, -91)})
	fc, _ := heatmap(t, e, "")
	if fc.From != rfc(today().AddDate(0, 0, -89)) || fc.To != rfc(today().AddDate(0, 0, 1)) {
		t.Errorf("window %s – %s, want the 90 days up to the end of today", fc.From, fc.To)
	}
	// The fixture city (0.2°, about 490 km²) at res 8: about 700 cells.
	if fc.Resolution != 8 {
		t.Errorf("resolution %d for the whole city, want 8", fc.Resolution)
	}
	var props cellProps
	if len(fc.Features) > 0 {
		json.Unmarshal(fc.Features[0].Properties, &props)
	}
	if len(fc.Features) != 1 || props.Count != 1 {
		t.Errorf("%d cells, first %+v: want the one problem of the last 90 days", len(fc.Features), props)
	}
	for bbox, want := range map[string]int{
		"116.0,37.0,116.2,37.2":         8,
		"116.04,37.04,116.06,37.06":     11,
		"116.049,37.049,116.051,37.051": 12,
		"110,30,120,40":                 5,
	} {
		if fc, _ := heatmap(t, e, "bbox="+bbox); fc.Resolution != want {
			t.Errorf("bbox %s: resolution %d, want %d", bbox, fc.Resolution, want)
		}
	}
}

func TestBadHeatmapRequestsAreRefusedNamingTheField(t *testing.T) {
	e := setup(t)
	future := today().AddDate(0, 2, 0)
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"res=4", 400, "res"},
		{"res=13", 400, "res"},
		{"res=nine", 400, "res"},
		{"res=12&bbox=-180,-90,180,90", 422, "res"},
		{"bbox=-180,-90,180,90", 422, "res"},
		{"res=12", 422, "res"}, // the whole city at res 12: about 1.6 million cells
		{"bbox=1,2,3", 400, "bbox"},
		{"bbox=10,0,5,1", 400, "bbox"},
		{q("from", rfc(today().AddDate(0, 0, -3)), "to", rfc(today().AddDate(0, 0, -5))), 400, "from"},
		{q("from", "2026-03-01", "to", "2026-03-01T00:00:00+08:00"), 400, "from"},
		{"to=" + future.Format("2006-01"), 400, "to"},
		{"from=" + future.Format("2006-01"), 400, "from"},
		{"from=" + future.Format("2006-01-02"), 400, "from"},
		{"from=yesterday", 400, "from"},
		{"to=2026-13", 400, "to"},
		{"from=2026-09-11T08:00:00", 400, "from"},
		{"category=NOPE", 400, "category"},
		{"source=fax", 400, "source"},
		{"metric=heat", 400, "metric"},
		{"k=0", 400, "k"},
		{"k=many", 400, "k"},
		{"format=csv", 400, "format"},
		{"level=grid", 400, "level"},
		{"resolution=9", 400, "resolution"},
	} {
		r := get(t, e, "/api/v1/heatmap?"+tc.query)
		r.WantProblem(t, tc.query, tc.status, tc.field)
		if tc.status == 422 {
			var p struct {
				Detail    string `json:"detail"`
				CellLimit int    `json:"cell_limit"`
				Errors    []struct{ Field string }
			}
			r.Decode(t, &p)
			if p.CellLimit != 50000 || len(p.Errors) != 2 || p.Errors[1].Field != "bbox" || !strings.Contains(p.Detail, "50000") {
				t.Errorf("%s: %s", tc.query, r.Body)
			}
		}
	}
}
