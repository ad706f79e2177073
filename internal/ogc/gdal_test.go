package ogc_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
)

// gdal is the fixture behind a server that records the URLs GDAL asks
// for, so a test can tell a filter GDAL sent from one it applied itself.
type gdal struct {
	*apitest.Env
	URL  string
	mu   sync.Mutex
	seen []string
}

func gdalSetup(t *testing.T, n int) *gdal {
	t.Helper()
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("GDAL not installed (apt-get install gdal-bin; make test installs it)")
	}
	g := &gdal{Env: setup(t, n)}
	inner := g.Srv.Config.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.seen = append(g.seen, r.URL.RequestURI())
		g.mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

func (g *gdal) asked(substr string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range g.seen {
		if strings.Contains(u, substr) {
			return true
		}
	}
	return false
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestOgr2ogrCopiesEveryCollectionWithTheSQLCounts copies the whole
// service into a GeoPackage with GDAL's OAPIF driver (which pages by the
// next links) and compares each layer's feature count with SQL.
func TestOgr2ogrCopiesEveryCollectionWithTheSQLCounts(t *testing.T) {
	g := gdalSetup(t, 250)
	out := filepath.Join(t.TempDir(), "copy.gpkg")
	run(t, "ogr2ogr", "-f", "GPKG", out, "OAPIF:"+g.URL+"/ogc")
	info := run(t, "ogrinfo", "-ro", "-so", "-al", out)
	counts := map[string]int{}
	layer := regexp.MustCompile(`(?m)^Layer name: (\S+)$`)
	count := regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)
	names, ns := layer.FindAllStringSubmatch(info, -1), count.FindAllStringSubmatch(info, -1)
	if len(names) != len(ns) {
		t.Fatalf("ogrinfo output:\n%s", info)
	}
	for i := range names {
		n, _ := strconv.Atoi(ns[i][1])
		counts[names[i][1]] = n
	}
	want := map[string]string{
		"districts":    "SELECT count(*) FROM areas WHERE level = 'district'",
		"subdistricts": "SELECT count(*) FROM areas WHERE level = 'subdistrict'",
		"communities":  "SELECT count(*) FROM areas WHERE level = 'community'",
		"grids":        "SELECT count(*) FROM areas WHERE level = 'grid'",
		"streets":      "SELECT count(*) FROM streets",
		"frontages":    "SELECT count(*) FROM frontages",
		"problems":     "SELECT count(*) FROM problems",
		"heat": `SELECT count(DISTINCT (h3_15 & ~(15::bigint << 52)) | (9::bigint << 52) | ((1::bigint << 18) - 1)) FROM problems
		         WHERE reported_at >= now() - interval '90 days' AND status NOT IN ('void', 'merged')`,
	}
	for layer, sql := range want {
		var n int
		if err := g.D.Pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got, ok := counts[layer]; !ok || got != n || n == 0 {
			t.Errorf("layer %s: %d features in the GeoPackage (present %v), %d in SQL", layer, got, ok, n)
		}
	}
	if !g.asked("after=") {
		t.Errorf("GDAL never followed a next link: %v", g.seen)
	}

}

// TestOgrinfoSpatAndWhereReturnWhatSQLReturns: -spat becomes bbox and
// -where becomes a CQL2 filter (GDAL translates it once the conformance
// document and queryables say so); the features are SQL's.
func TestOgrinfoSpatAndWhereReturnWhatSQLReturns(t *testing.T) {
	g := gdalSetup(t, 120)
	numbers := func(out string) []string {
		var ns []string
		for _, m := range regexp.MustCompile(`(?m)^\s+number \(String\) = (\S+)$`).FindAllStringSubmatch(out, -1) {
			ns = append(ns, m[1])
		}
		slices.Sort(ns)
		return ns
	}
	src := "OAPIF:" + g.URL + "/ogc"
	cases := []struct {
		name string
		args []string
		sql  string
		sent string
	}{
		{"spat", []string{"-spat", "116.0", "37.0", "116.05", "37.06"},
			"ST_Intersects(geom, ST_MakeEnvelope(116.0, 37.0, 116.05, 37.06, 4326))", "bbox="},
		{"where", []string{"-where", "category = 'T-ROAD' AND status = 'closed'"},
			"category_code = 'T-ROAD' AND status = 'closed'", "filter="},
		{"where-or-like", []string{"-where", "source = 'patrol' OR address LIKE '东风路1%'"},
			"source = 'patrol' OR address LIKE '东风路1%'", "filter="},
		{"spat+where", []string{"-spat", "116.0", "37.0", "116.1", "37.1", "-where", "street IS NOT NULL"},
			"ST_Intersects(geom, ST_MakeEnvelope(116.0, 37.0, 116.1, 37.1, 4326)) AND street_code IS NOT NULL", "filter="},
	}
	for _, tc := range cases {
		g.mu.Lock()
		g.seen = nil
		g.mu.Unlock()
		args := append([]string{"-ro", "-al", "-q", src, "problems"}, tc.args...)
		got := numbers(run(t, "ogrinfo", args...))
		want := sqlIDs(t, g.Env, "SELECT number FROM problems WHERE "+tc.sql+" ORDER BY number")
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: ogrinfo %v\nSQL %v", tc.name, got, want)
		}
		if !g.asked(tc.sent) {
			t.Errorf("%s: GDAL did not send %s to the server: %v", tc.name, tc.sent, g.seen)
		}
	}
}
