package heat_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

type spotProps struct {
	H3           string  `json:"h3"`
	Count        int     `json:"count"`
	Z            float64 `json:"z"`
	P            float64 `json:"p"`
	PFDR         float64 `json:"p_fdr"`
	Confidence   int     `json:"confidence"`
	Class        string  `json:"class"`
	Neighbours   int     `json:"neighbours"`
	Pattern      *string `json:"pattern"`
	PatternLabel string  `json:"pattern_label"`
	HotBins      int     `json:"hot_bins"`
	MKTau        float64 `json:"mk_tau"`
}

func hotspots(t *testing.T, e *apitest.Env, query string) (collection, map[string]spotProps) {
	t.Helper()
	r := get(t, e, "/api/v1/hotspots?"+query)
	if r.Status != 200 {
		t.Fatalf("hotspots?%s: %d %s", query, r.Status, r.Body)
	}
	var fc collection
	r.Decode(t, &fc)
	spots := map[string]spotProps{}
	for _, f := range fc.Features {
		var p spotProps
		if err := json.Unmarshal(f.Properties, &p); err != nil {
			t.Fatal(err)
		}
		if p.H3 != f.ID || len(f.Geometry.Coordinates) != 1 {
			t.Fatalf("feature %s: %+v", f.ID, p)
		}
		spots[p.H3] = p
	}
	return fc, spots
}

// plant inserts count problems at the centre of each cell, at time at.
func plant(t *testing.T, e *apitest.Env, counts map[hotspot.Cell]int, at func(hotspot.Cell, int) time.Time) {
	t.Helper()
	var ps []prob
	for c, n := range counts {
		lon, lat := centre(t, h3.Cell(c))
		for i := range n {
			ps = append(ps, prob{Lon: lon, Lat: lat, At: at(c, i)})
		}
	}
	insert(t, e, ps...)
}

func cellsOf(d []h3.Cell) []hotspot.Cell {
	out := make([]hotspot.Cell, len(d))
	for i := range d {
		out[i] = hotspot.Cell(d[i])
	}
	return out
}

// A cell with 14 problems and 4 in each neighbour, among scattered single
// problems: the hot spot map is Gi* over the cells with problems and their
// ring, as internal/hotspot computes it, and the cluster's centre is hot.
func TestAPlantedClusterComesOutHotWithTheHotspotPackagesClass(t *testing.T) {
	e := setup(t)
	centreCell := hotspot.Cell(cellAt(t, 116.05, 37.05, 9))
	counts := map[hotspot.Cell]int{centreCell: 14}
	for _, n := range hotspot.Neighbours(centreCell) {
		counts[n] = 4
	}
	d, _ := h3.Cell(centreCell).GridRing(8)
	for i, c := range d {
		if i%3 == 0 {
			counts[hotspot.Cell(c)] = 1
		}
	}
	day := today().AddDate(0, 0, -20)
	plant(t, e, counts, func(_ hotspot.Cell, i int) time.Time { return day.Add(time.Duration(i) * time.Hour) })

	fc, spots := hotspots(t, e, q("res", "9", "from", rfc(today().AddDate(0, 0, -30)), "to", rfc(today())))
	values := map[hotspot.Cell]float64{}
	for c, n := range counts {
		values[c] = float64(n)
	}
	want, err := hotspot.GiStar(values, nil)
	if err != nil {
		t.Fatal(err)
	}
	classes := hotspot.Classes(want, true)
	if len(spots) != len(want) || fc.Resolution != 9 {
		t.Fatalf("%d cells at res %d, want the study area of %d", len(spots), fc.Resolution, len(want))
	}
	for c, w := range want {
		s, ok := spots[h3.Cell(c).String()]
		if !ok {
			t.Fatalf("%s missing", h3.Cell(c))
		}
		if math.Abs(s.Z-w.Z) > 1e-9 || math.Abs(s.P-w.P) > 1e-12 || s.Neighbours != w.N ||
			s.Confidence != int(classes[c]) || s.Count != counts[c] {
			t.Errorf("%s: %+v, want %+v class %v count %d", h3.Cell(c), s, w, classes[c], counts[c])
		}
	}
	hot := spots[h3.Cell(centreCell).String()]
	if hot.Confidence <= 0 || hot.Class != map[int]string{1: "hot_90", 2: "hot_95", 3: "hot_99"}[hot.Confidence] || hot.Pattern != nil {
		t.Errorf("the centre: %+v, want a hot class and no trend", hot)
	}
	if hot.PFDR < hot.P || hot.PFDR > 0.05 {
		t.Errorf("the centre's FDR-adjusted p %v (p %v)", hot.PFDR, hot.P)
	}
	// level keeps the cells at least that significant.
	_, sig := hotspots(t, e, q("res", "9", "from", rfc(today().AddDate(0, 0, -30)), "to", rfc(today()), "level", "95"))
	for c, k := range classes {
		if _, ok := sig[h3.Cell(c).String()]; ok != (k >= 2 || k <= -2) {
			t.Errorf("level=95: %s with class %v kept: %v", h3.Cell(c), k, ok)
		}
	}
	if len(sig) == 0 {
		t.Error("level=95 keeps nothing")
	}
	// A repeat is a 304.
	r := get(t, e, "/api/v1/hotspots?res=9")
	if r2 := get(t, e, "/api/v1/hotspots?res=9", "If-None-Match", r.Header.Get("ETag")); r2.Status != 304 {
		t.Errorf("repeat: %d", r2.Status)
	}
}

// Twelve weekly bins: a background of 0-2 problems a week, a cluster busy
// from the first week and growing, and one that appears in the last week.
// trend=true gives each cell the emerging class internal/hotspot gives
// the same cube: the growing cluster is an intensifying hot spot, the new
// one a new hot spot.
func TestTrendGivesTheEmergingClassOfEachCell(t *testing.T) {
	e := setup(t)
	c0 := cellAt(t, 116.05, 37.05, 9)
	study := cellsOf(must(c0.GridDisk(4)))
	var growing, fresh hotspot.Cell
	for _, c := range study {
		dist, _ := c0.GridDistance(h3.Cell(c))
		if dist == 2 && growing == 0 {
			growing = c
		}
	}
	for _, c := range study {
		dg, _ := h3.Cell(growing).GridDistance(h3.Cell(c))
		if dg >= 4 && fresh == 0 {
			if dc, _ := c0.GridDistance(h3.Cell(c)); dc == 2 {
				fresh = c
			}
		}
	}
	const weeks = 12
	to := today()
	from := to.AddDate(0, 0, -7*weeks)
	bins := make([]map[hotspot.Cell]float64, weeks)
	var ps []prob
	add := func(c hotspot.Cell, tb, n int) {
		if n == 0 {
			return
		}
		bins[tb][c] += float64(n)
		lon, lat := centre(t, h3.Cell(c))
		for i := range n {
			ps = append(ps, prob{Lon: lon, Lat: lat, At: from.AddDate(0, 0, 7*tb+i%7).Add(9 * time.Hour)})
		}
	}
	for tb := range bins {
		bins[tb] = map[hotspot.Cell]float64{}
		for i, c := range study {
			add(c, tb, (i*7+tb*3)%3)
		}
		for _, c := range append(hotspot.Neighbours(growing), growing) {
			add(c, tb, 10+2*tb)
		}
	}
	for _, c := range append(hotspot.Neighbours(fresh), fresh) {
		add(c, weeks-1, 20)
	}
	insert(t, e, ps...)
	cube, err := hotspot.NewCube(bins, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]hotspot.Trend{}
	for _, tr := range cube.Emerging(hotspot.DefaultTrendOptions) {
		want[h3.Cell(tr.Cell).String()] = tr
	}

	// to a few hours into today: the window snaps to whole days and bins.
	fc, spots := hotspots(t, e, q("res", "9", "from", rfc(from.Add(-3*time.Hour)), "to", rfc(to.Add(-time.Minute)), "trend", "true", "bins", "week"))
	if fc.From != rfc(from) || fc.To != rfc(to) {
		t.Errorf("analysed %s – %s, want %s – %s", fc.From, fc.To, rfc(from), rfc(to))
	}
	if len(spots) != len(want) {
		t.Fatalf("%d cells, want %d", len(spots), len(want))
	}
	patterns := map[string]int{}
	for id, w := range want {
		s := spots[id]
		if s.Pattern == nil || *s.Pattern != w.Pattern.Key() || s.PatternLabel != w.Pattern.String() || math.Abs(s.MKTau-w.MK.Tau) > 1e-12 {
			t.Errorf("%s: pattern %v %q tau %v, want %v tau %v", id, s.Pattern, s.PatternLabel, s.MKTau, w.Pattern, w.MK.Tau)
			continue
		}
		patterns[*s.Pattern]++
	}
	if p := spots[h3.Cell(growing).String()].Pattern; p == nil || *p != "intensifying_hot_spot" {
		t.Errorf("the growing cluster: %v", p)
	}
	if p := spots[h3.Cell(fresh).String()].Pattern; p == nil || *p != "new_hot_spot" {
		t.Errorf("the new cluster: %v", p)
	}
	t.Logf("patterns: %v", patterns)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestBadHotspotRequestsAreRefusedNamingTheField(t *testing.T) {
	e := setup(t)
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"res=3", 400, "res"},
		{"res=12&bbox=-180,-90,180,90", 422, "res"},
		{"bins=month", 400, "bins"},
		{"trend=maybe", 400, "trend"},
		{"level=80", 400, "level"},
		{"category=NOPE", 400, "category"},
		{q("trend", "true", "from", rfc(today().AddDate(0, 0, -10))), 400, "from"},
		{q("from", rfc(today()), "to", rfc(today().AddDate(0, 0, -1))), 400, "from"},
		{"to=" + today().AddDate(0, 1, 0).Format("2006-01"), 400, "to"},
		{"metric=count", 400, "metric"},
	} {
		get(t, e, "/api/v1/hotspots?"+tc.query).WantProblem(t, tc.query, tc.status, tc.field)
	}
}
