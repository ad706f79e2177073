package ogc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConformanceListsTheImplementedClasses(t *testing.T) {
	e := setup(t, 0)
	r := e.Do(t, "GET", "/ogc/conformance", "", "")
	var doc struct{ ConformsTo []string }
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for _, want := range []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
		"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
		"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	} {
		if !slices.Contains(doc.ConformsTo, want) {
			t.Errorf("conformance lacks %s", want)
		}
	}
	for _, not := range []string{"cql2-json", "temporal-functions", "arithmetic", "oas3\""} {
		if strings.Contains(string(r.Body), not) {
			t.Errorf("conformance claims %s, which is not implemented", not)
		}
	}
}

func TestLandingPageLinksTheOpenAPIDocumentAndTheData(t *testing.T) {
	e := setup(t, 0)
	r := e.Do(t, "GET", "/ogc", "", "")
	var doc struct {
		Links []struct{ Href, Rel, Type string }
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	rels := map[string]string{}
	var descs []string
	for _, l := range doc.Links {
		rels[l.Rel] = l.Href
		if l.Rel == "service-desc" {
			descs = append(descs, l.Href)
		}
	}
	// first this API's own document (GDAL takes the first), then the whole one
	if !slices.Equal(descs, []string{e.Srv.URL + "/ogc/api", e.Srv.URL + "/api"}) || rels["conformance"] != e.Srv.URL+"/ogc/conformance" || rels["data"] != e.Srv.URL+"/ogc/collections" {
		t.Fatalf("links %v", rels)
	}
}

func TestCollectionsListEveryLayerWithItsExtentFromTheData(t *testing.T) {
	e := setup(t, 20)
	r := e.Do(t, "GET", "/ogc/collections", "", "")
	var doc struct {
		Collections []struct {
			ID     string
			Extent struct {
				Spatial  struct{ Bbox [][]float64 }
				Temporal *struct{ Interval [][]*string }
			}
		}
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var ids []string
	for _, c := range doc.Collections {
		ids = append(ids, c.ID)
		if c.ID == "grids" {
			if b := c.Extent.Spatial.Bbox[0]; b[0] != 116.0 || b[1] != 37.0 || b[2] != 116.2 || b[3] != 37.2 {
				t.Errorf("grids extent %v", b)
			}
		}
		if c.ID == "problems" && (c.Extent.Temporal == nil || c.Extent.Temporal.Interval[0][0] == nil) {
			t.Errorf("problems has no temporal extent")
		}
	}
	want := []string{"districts", "subdistricts", "communities", "grids", "streets", "frontages", "problems", "heat"}
	if !slices.Equal(ids, want) {
		t.Fatalf("collections %v, want %v", ids, want)
	}
	if r := e.Do(t, "GET", "/ogc/collections/grids", "", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"rel":"items"`) {
		t.Fatalf("collection: %d %s", r.Status, r.Body)
	}
}

func TestEveryCollectionPagedThroughNextLinksIsItsSQLRows(t *testing.T) {
	e := setup(t, 45)
	cases := map[string]string{
		"districts": "SELECT code FROM areas WHERE level = 'district' ORDER BY code",
		"grids":     "SELECT code FROM areas WHERE level = 'grid' ORDER BY code",
		"streets":   "SELECT code FROM streets ORDER BY code",
		"frontages": "SELECT id::text AS k FROM frontages ORDER BY id",
		"problems":  "SELECT id::text AS k FROM problems ORDER BY id",
		"heat": `SELECT DISTINCT ((h3_15 & ~(15::bigint << 52)) | (9::bigint << 52) | ((1::bigint << 18) - 1))::text FROM problems
		         WHERE reported_at >= now() - interval '90 days' AND status NOT IN ('void', 'merged') ORDER BY 1`,
	}
	for id, sql := range cases {
		want := sqlIDs(t, e, sql)
		if id == "heat" {
			want = sorted(want) // bigint order of positive ids of equal length is their text order
		}
		got := walk(t, e, "/ogc/collections/"+id+"/items?limit=4")
		if !slices.Equal(got, want) {
			t.Errorf("%s through next links: %v\nSQL: %v", id, got, want)
		}
	}
}

func TestPrevLinkLeadsBackToThePreviousPage(t *testing.T) {
	e := setup(t, 60) // 15 hotline problems: three pages of 5
	p1 := items(t, e, "/ogc/collections/problems/items?limit=5&source=hotline")
	if p1.link("prev") != "" {
		t.Fatalf("the first page has a prev link")
	}
	p2 := items(t, e, p1.link("next"))
	back := items(t, e, p2.link("prev"))
	if !slices.Equal(back.ids(), p1.ids()) || back.link("prev") != "" || back.link("next") == "" {
		t.Fatalf("prev of page 2 = %v (prev %q), page 1 = %v", back.ids(), back.link("prev"), p1.ids())
	}
	p3 := items(t, e, p2.link("next"))
	if back2 := items(t, e, p3.link("prev")); !slices.Equal(back2.ids(), p2.ids()) || back2.link("prev") == "" {
		t.Fatalf("prev of page 3 = %v, page 2 = %v", back2.ids(), p2.ids())
	}
	if !strings.Contains(p2.link("next"), "source=hotline") || !strings.Contains(p2.link("next"), "limit=5") {
		t.Fatalf("next link lost the filters: %s", p2.link("next"))
	}
}

func TestNextLinksStayStableWhileNewReportsArrive(t *testing.T) {
	e := setup(t, 20)
	before := sqlIDs(t, e, "SELECT id::text AS k FROM problems ORDER BY id")
	p1 := items(t, e, "/ogc/collections/problems/items?limit=8")
	insertProblems(t, e, 20, 5) // new reports while the client pages
	var got []string
	got = append(got, p1.ids()...)
	got = append(got, walk(t, e, p1.link("next"))...)
	after := sqlIDs(t, e, "SELECT id::text AS k FROM problems ORDER BY id")
	if !slices.Equal(got, after) || !slices.Equal(got[:len(before)], before) {
		t.Fatalf("walk with arrivals: %v\nbefore %v\nafter %v", got, before, after)
	}
}

func TestLimitDefaultsTo100AndNumberMatchedIsSentWhereCheap(t *testing.T) {
	e := setup(t, 130)
	f := items(t, e, "/ogc/collections/problems/items")
	if f.NumberReturned != 100 || len(f.Features) != 100 || f.link("next") == "" {
		t.Fatalf("default page: %d returned, %d features, next %q", f.NumberReturned, len(f.Features), f.link("next"))
	}
	if f.NumberMatched != nil {
		t.Fatalf("problems: numberMatched %d sent although counting them is not cheap", *f.NumberMatched)
	}
	g := items(t, e, "/ogc/collections/grids/items?limit=3")
	if g.NumberMatched == nil || *g.NumberMatched != 4 || g.NumberReturned != 3 {
		t.Fatalf("grids: matched %v returned %d", g.NumberMatched, g.NumberReturned)
	}
	r := e.Do(t, "GET", "/ogc/collections/grids/items", "", "")
	if r.Header.Get("Content-Crs") != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("headers %v", r.Header)
	}
}

func TestBBoxDatetimeAndPropertyFiltersSelectWhatSQLSelects(t *testing.T) {
	e := setup(t, 80)
	cases := []struct{ query, sql string }{
		{"bbox=116.0,37.0,116.05,37.06", "ST_Intersects(geom, ST_MakeEnvelope(116.0, 37.0, 116.05, 37.06, 4326))"},
		{"status=closed&category=T-ROAD", "status = 'closed' AND category_code = 'T-ROAD'"},
		{"datetime=" + q(ago(10)+"/.."), "reported_at >= now() - interval '10 days'"},
		{"datetime=" + q("../"+ago(30)), "reported_at <= now() - interval '30 days'"},
		{"datetime=" + q(ago(30)+"/"+ago(10)), "reported_at BETWEEN now() - interval '30 days' AND now() - interval '10 days'"},
	}
	for _, tc := range cases {
		got := walk(t, e, "/ogc/collections/problems/items?limit=13&"+tc.query)
		want := sqlIDs(t, e, "SELECT id::text AS k FROM problems WHERE "+tc.sql+" ORDER BY id")
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: got %v, SQL %v", tc.query, got, want)
		}
	}
}

func TestASingleFeatureAndUnknownOnesAre404(t *testing.T) {
	e := setup(t, 3)
	id := sqlIDs(t, e, "SELECT min(id)::text FROM problems")[0]
	r := e.Do(t, "GET", "/ogc/collections/problems/items/"+id, "", "")
	var f struct {
		ID         int64
		Properties map[string]any
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &f) != nil || fmt.Sprint(f.ID) != id || f.Properties["status"] == nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "GET", "/ogc/collections/grids/items/371402001001002", "", ""); r.Status != 200 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{
		"/ogc/collections/nope", "/ogc/collections/nope/items", "/ogc/collections/nope/queryables",
		"/ogc/collections/problems/items/99999999", "/ogc/collections/problems/items/abc",
		"/ogc/collections/grids/items/371402", "/ogc/collections/districts/items/371402001001002",
	} {
		r := e.Do(t, "GET", path, "", "")
		if r.Status != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}
}

func TestProblemsCarryPublicFieldsOnly(t *testing.T) {
	e := setup(t, 5)
	for _, path := range []string{"/ogc/collections/problems/items", "/ogc/collections/problems/items?f=html",
		"/ogc/collections/problems/items/" + sqlIDs(t, e, "SELECT min(id)::text FROM problems")[0]} {
		r := e.Do(t, "GET", path, "", "")
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		for _, secret := range []string{"13912345678", "张三", "reporter", "phone"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("%s serves %q", path, secret)
			}
		}
	}
	r := e.Do(t, "GET", "/ogc/collections/frontages/items", "", "")
	if strings.Contains(string(r.Body), "13800000004") || strings.Contains(string(r.Body), "contact") {
		t.Errorf("frontages serve contact details: %s", r.Body)
	}
}

func TestQueryablesAreAJSONSchemaOfTheAllowList(t *testing.T) {
	e := setup(t, 0)
	r := e.Do(t, "GET", "/ogc/collections/problems/queryables", "", "")
	var doc struct {
		Schema     string `json:"$schema"`
		Type       string
		Properties map[string]map[string]any
	}
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/schema+json" || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
	}
	if doc.Type != "object" || doc.Properties["reported_at"]["format"] != "date-time" || doc.Properties["status"]["type"] != "string" ||
		doc.Properties["geometry"]["format"] != "geometry-point" {
		t.Fatalf("queryables %s", r.Body)
	}
	if _, leaked := doc.Properties["reporter_phone"]; leaked {
		t.Fatal("reporter_phone is queryable")
	}
}

func TestHTMLViewsRender(t *testing.T) {
	e := setup(t, 3)
	for _, path := range []string{"/ogc?f=html", "/ogc/conformance?f=html", "/ogc/collections?f=html",
		"/ogc/collections/problems?f=html", "/ogc/collections/problems/items?f=html&limit=2",
		"/ogc/collections/grids/items/371402001001001?f=html", "/ogc/collections/grids/queryables?f=html"} {
		r := e.Do(t, "GET", path, "", "")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), "<table") && !strings.Contains(string(r.Body), "<ul") {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	r := e.Do(t, "GET", "/ogc/collections/problems/items?f=html&limit=2", "", "")
	if !strings.Contains(string(r.Body), "next page") || !strings.Contains(string(r.Body), "f=html") {
		t.Errorf("HTML items page has no next link: %s", r.Body)
	}
}

// TestPropertiesAreTheRowsValues compares a problem's properties with
// PostgreSQL's own JSON of the same row.
func TestPropertiesAreTheRowsValues(t *testing.T) {
	e := setup(t, 12)
	f := items(t, e, "/ogc/collections/problems/items?limit=12")
	for _, feat := range f.Features {
		var pgJSON []byte
		err := e.D.Pool.QueryRow(context.Background(), `SELECT json_build_object('number', number, 'category', category_code,
			'status', status, 'source', source, 'address', address, 'description', description, 'reported_at', reported_at,
			'due_at', due_at, 'closed_at', closed_at, 'grid', grid_code, 'community', community_code, 'subdistrict', subdistrict_code,
			'district', district_code, 'street', street_code, 'recurs_of', recurs_of, 'rebound_of', rebound_of)
			FROM problems WHERE id = $1`, string(feat.ID)).Scan(&pgJSON)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		json.Unmarshal(pgJSON, &want)
		if len(want) != len(feat.Properties) {
			t.Fatalf("feature %s: %d properties, SQL %d", feat.ID, len(feat.Properties), len(want))
		}
		for k, w := range want {
			g := feat.Properties[k]
			if ws, ok := w.(string); ok && strings.HasSuffix(k, "_at") {
				wt, _ := time.Parse(time.RFC3339Nano, ws)
				gt, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(g))
				if !wt.Equal(gt) {
					t.Errorf("feature %s %s: %v, SQL %v", feat.ID, k, g, w)
				}
				continue
			}
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("feature %s %s: %v, SQL %v", feat.ID, k, g, w)
			}
		}
	}
}
