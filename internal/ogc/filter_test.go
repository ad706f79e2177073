package ogc_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestEachCQL2OperatorSelectsWhatSQLSelects runs every operator the
// conformance document claims through /items and compares the features
// with the same condition written by hand in SQL on the fixture.
func TestEachCQL2OperatorSelectsWhatSQLSelects(t *testing.T) {
	e := setup(t, 70)
	cases := []struct{ filter, sql string }{
		{"category = 'T-ROAD'", "category_code = 'T-ROAD'"},
		{"category <> 'T-ROAD'", "category_code <> 'T-ROAD'"},
		{"recurs_of IS NULL AND street = 'T-0001'", "street_code = 'T-0001'"},
		{"street IS NULL", "street_code IS NULL"},
		{"street IS NOT NULL", "street_code IS NOT NULL"},
		{"reported_at < TIMESTAMP('" + ago(30) + "')", "reported_at < now() - interval '30 days'"},
		{"reported_at <= TIMESTAMP('" + ago(30) + "')", "reported_at <= now() - interval '30 days'"},
		{"reported_at > TIMESTAMP('" + ago(20) + "')", "reported_at > now() - interval '20 days'"},
		{"reported_at >= '" + ago(20) + "'", "reported_at >= now() - interval '20 days'"},
		{"closed_at > reported_at", "closed_at > reported_at"},
		{"status = 'closed' AND source = 'patrol'", "status = 'closed' AND source = 'patrol'"},
		{"status = 'closed' OR source = 'patrol'", "status = 'closed' OR source = 'patrol'"},
		{"NOT (status = 'closed' OR source = 'patrol')", "NOT (status = 'closed' OR source = 'patrol')"},
		{"address LIKE '东风路1%'", "address LIKE '东风路1%'"},
		{"address NOT LIKE '东风路1%'", "address NOT LIKE '东风路1%'"},
		{"address LIKE '东风路_号'", "address LIKE '东风路_号'"},
		{`description LIKE '%50\%\_off'`, `description LIKE '%50\%\_off'`},
		{"status IN ('closed', 'reported')", "status IN ('closed', 'reported')"},
		{"status NOT IN ('closed', 'reported')", "status NOT IN ('closed', 'reported')"},
		{"reported_at BETWEEN TIMESTAMP('" + ago(40) + "') AND TIMESTAMP('" + ago(20) + "')",
			"reported_at BETWEEN now() - interval '40 days' AND now() - interval '20 days'"},
		{"S_INTERSECTS(geometry, BBOX(116.0, 37.0, 116.05, 37.06))", "ST_Intersects(geom, ST_MakeEnvelope(116.0, 37.0, 116.05, 37.06, 4326))"},
		{"S_INTERSECTS(geometry, POINT(116.02 37.02))", "ST_Intersects(geom, 'SRID=4326;POINT(116.02 37.02)'::geometry)"},
		{"S_WITHIN(geometry, POLYGON((116 37, 116.1 37, 116.1 37.1, 116 37)))", "ST_Within(geom, 'SRID=4326;POLYGON((116 37, 116.1 37, 116.1 37.1, 116 37))'::geometry)"},
		{"S_DISJOINT(geometry, BBOX(116, 37, 116.2, 37.2))", "NOT ST_Intersects(geom, ST_MakeEnvelope(116, 37, 116.2, 37.2, 4326))"},
		{"s_intersects(geometry, MULTIPOINT((116.02 37.02), (116.035 37.005)))", "ST_Intersects(geom, 'SRID=4326;MULTIPOINT(116.02 37.02, 116.035 37.005)'::geometry)"},
	}
	for _, tc := range cases {
		want := sqlIDs(t, e, "SELECT id::text AS k FROM problems WHERE "+tc.sql+" ORDER BY id")
		if len(want) == 0 {
			t.Errorf("%s: the fixture has no row for %s: the case proves nothing", tc.filter, tc.sql)
			continue
		}
		got := walk(t, e, "/ogc/collections/problems/items?limit=25&filter="+q(tc.filter))
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.filter, got, want)
		}
	}
	// the same filter on areas and streets
	if got := walk(t, e, "/ogc/collections/grids/items?filter="+q("S_INTERSECTS(geometry, POINT(116.15 37.15)) OR name = '第3网格'")); !slices.Equal(got, []string{"371402001001002", "371402001001003"}) {
		t.Errorf("grids: %v", got)
	}
	if got := walk(t, e, "/ogc/collections/streets/items?filter-lang=cql2-text&filter="+q("name LIKE '北%'")); !slices.Equal(got, []string{"T-0002"}) {
		t.Errorf("streets: %v", got)
	}
}

// TestInjectionStringsReturn400OrNoRows puts hostile text in every part
// of a filter and in every other parameter: each answer is a 400 or a
// page with no rows, and the tables are still there.
func TestInjectionStringsReturn400OrNoRows(t *testing.T) {
	e := setup(t, 10)
	payloads := []string{
		"'; DROP TABLE problems; --", "' OR '1'='1", "1; DELETE FROM problems", "x\") OR true --",
		"$1", "status)) OR ((true", "/* */ OR 1=1", "\\'; SELECT pg_sleep(5); --", "%' OR 'a' LIKE '%",
	}
	var filters []string
	for _, p := range payloads {
		lit := "'" + strings.ReplaceAll(p, "'", "''") + "'"
		filters = append(filters,
			p,          // the whole filter
			p+" = 'a'", // as a property name
			`"`+strings.ReplaceAll(p, `"`, "")+`" = 'a'`, // as a quoted property name
			"status = "+lit,                        // as a value
			"address LIKE "+lit,                    // as a pattern
			"status IN ("+lit+", "+lit+")",         // in a list
			"reported_at > TIMESTAMP("+lit+")",     // as a timestamp
			"S_INTERSECTS(geometry, POINT("+p+"))", // in a geometry
			"S_INTERSECTS("+p+", BBOX(0,0,1,1))",   // as a geometry property
			"status = 'closed' AND "+p,             // after a valid predicate
		)
	}
	check := func(path string, notFoundOK ...bool) {
		t.Helper()
		r := e.Do(t, "GET", path, "", "")
		switch r.Status {
		case 400:
			if r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: 400 without problem+json", path)
			}
		case 200:
			var f fc
			if json.Unmarshal(r.Body, &f) != nil || len(f.Features) != 0 {
				t.Errorf("%s: 200 with %d features", path, len(f.Features))
			}
		case 404:
			if len(notFoundOK) == 0 {
				t.Errorf("%s: 404", path)
			}
		default:
			t.Errorf("%s: status %d %s", path, r.Status, r.Body)
		}
	}
	for _, f := range filters {
		check("/ogc/collections/problems/items?filter=" + q(f))
	}
	for _, p := range payloads {
		for _, param := range []string{"status", "category", "street", "bbox", "datetime", "limit", "after", "before", "crs", "filter-lang", "recurs_of", q(p)} {
			check("/ogc/collections/problems/items?" + param + "=" + q(p))
		}
		check("/ogc/collections/grids/items?after=" + q(p))
		check("/ogc/collections/problems/items/"+q(p), true)
		check("/ogc/collections/grids/items/"+q(p), true)
		check("/ogc/collections/"+q(p)+"/items", true)
	}
	var n int
	if err := e.D.Pool.QueryRow(context.Background(), "SELECT count(*) FROM problems").Scan(&n); err != nil || n != 10 {
		t.Fatalf("problems after the injections: %d, %v", n, err)
	}
}

// TestBadInputIsAClear4xxProblem: every client mistake is a 4xx
// problem+json naming the field, never a 500.
func TestBadInputIsAClear4xxProblem(t *testing.T) {
	e := setup(t, 3)
	cases := []struct {
		path   string
		status int
		field  string
		reason string
	}{
		{"/ogc/collections/problems/items?limit=0", 400, "limit", "outside 1–10000"},
		{"/ogc/collections/problems/items?limit=10001", 400, "limit", "outside"},
		{"/ogc/collections/problems/items?limit=ten", 400, "limit", "whole number"},
		{"/ogc/collections/problems/items?bbox=1,2,3", 400, "bbox", "four"},
		{"/ogc/collections/problems/items?bbox=116.2,37,116.0,37.2", 400, "bbox", "greater"},
		{"/ogc/collections/problems/items?bbox=a,b,c,d", 400, "bbox", "number"},
		{"/ogc/collections/problems/items?datetime=yesterday", 400, "datetime", "RFC 3339"},
		{"/ogc/collections/problems/items?datetime=2026-10-01", 400, "datetime", "time zone"},
		{"/ogc/collections/problems/items?datetime=../..", 400, "datetime", "at least one end"},
		{"/ogc/collections/problems/items?datetime=" + q("2026-10-02T00:00:00Z/2026-10-01T00:00:00Z"), 400, "datetime", "starts after"},
		{"/ogc/collections/problems/items?datetime=" + q("2026-10-01T00:00:00Z/a/b"), 400, "datetime", "one '/'"},
		{"/ogc/collections/grids/items?datetime=" + q("2026-10-01T00:00:00Z"), 400, "datetime", "no time property"},
		{"/ogc/collections/problems/items?filter=" + q("colour = 'red'"), 400, "filter", "at position 1: unknown queryable"},
		{"/ogc/collections/problems/items?filter=" + q("status = 'closed' AND"), 400, "filter", "at position 22"},
		{"/ogc/collections/problems/items?filter=" + q("status = "), 400, "filter", "at position 10"},
		{"/ogc/collections/problems/items?filter=" + q("reporter_phone = '1'"), 400, "filter", "unknown queryable"},
		{"/ogc/collections/problems/items?filter=x&filter-lang=cql2-json", 400, "filter-lang", "not supported"},
		{"/ogc/collections/problems/items?crs=" + q("http://www.opengis.net/def/crs/EPSG/0/3857"), 400, "crs", "not supported"},
		{"/ogc/collections/problems/items?bbox-crs=EPSG:4326&bbox=1,2,3,4", 400, "bbox-crs", "not supported"},
		{"/ogc/collections/problems/items/1?crs=EPSG:3857", 400, "crs", "not supported"},
		{"/ogc/collections/problems/items?colour=red", 400, "colour", "unknown query parameter"},
		{"/ogc/collections/problems/items?recurs_of=abc", 400, "recurs_of", "not a number"},
		{"/ogc/collections/problems/items?after=abc", 400, "after", "not a feature id"},
		{"/ogc/collections/problems/items?after=1&before=5", 400, "before", "not both"},
		{"/ogc/collections/problems/items?f=xml", 400, "f", "not one of"},
		{"/ogc/collections?f=xml", 400, "f", "not one of"},
		{"/ogc/collections/nope/items", 404, "collectionId", "unknown collection"},
		{"/ogc/collections/problems/items/424242", 404, "featureId", "unknown feature"},
	}
	for _, tc := range cases {
		r := e.Do(t, "GET", tc.path, "", "")
		var p struct {
			Status int
			Detail string
			Errors []struct{ Field, Reason string }
		}
		if r.Status != tc.status || r.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(r.Body, &p) != nil ||
			len(p.Errors) == 0 || p.Errors[0].Field != tc.field || !strings.Contains(p.Errors[0].Reason, tc.reason) {
			t.Errorf("%s: %d %s; want %d naming %s with %q", tc.path, r.Status, r.Body, tc.status, tc.field, tc.reason)
		}
	}
}

// TestInvalidGeometriesAndPatternsAreNeverA500: a self-intersecting
// polygon in every spatial function, and LIKE patterns PostgreSQL would
// refuse, are answered (200) or refused (400), never a 500.
func TestInvalidGeometriesAndPatternsAreNeverA500(t *testing.T) {
	e := setup(t, 10)
	bowtie := "POLYGON((116 37, 116.2 37.2, 116.2 37, 116 37.2, 116 37))"
	for _, fn := range []string{"S_INTERSECTS", "S_EQUALS", "S_DISJOINT", "S_TOUCHES", "S_WITHIN", "S_OVERLAPS", "S_CROSSES", "S_CONTAINS"} {
		for _, f := range []string{fn + "(geometry, " + bowtie + ")", fn + "(" + bowtie + ", geometry)"} {
			if r := e.Do(t, "GET", "/ogc/collections/grids/items?filter="+q(f), "", ""); r.Status != 200 {
				t.Errorf("%s: %d %s", f, r.Status, r.Body)
			}
		}
	}
	for _, f := range []string{`address LIKE 'x\'`, `address LIKE '\\\'`} {
		if r := e.Do(t, "GET", "/ogc/collections/problems/items?filter="+q(f), "", ""); r.Status != 400 {
			t.Errorf("%s: %d %s", f, r.Status, r.Body)
		}
	}
	if r := e.Do(t, "GET", "/ogc/collections/problems/items?filter="+q(`address LIKE '\\'`), "", ""); r.Status != 200 {
		t.Errorf("an escaped backslash: %d %s", r.Status, r.Body)
	}
}
