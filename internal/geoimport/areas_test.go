package geoimport

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func TestImportAreasLoadsTheHierarchyAndPromotesPolygonsToMultiPolygons(t *testing.T) {
	d := dbtest.New(t)
	withExtra := `{"type":"Feature","properties":{"code":"320102001001","name":"梅园社区","level":"community","parent":"320102001","population":5120,"tags":["old town"]},"geometry":{"type":"MultiPolygon","coordinates":[[[[118,32],[118.1,32],[118.1,32.1],[118,32.1],[118,32]]]]}}`
	res := mustImportAreas(t, d, fc(cityF, districtF, subdistrictF, withExtra, grid1F, grid2F))
	if res.Read != 6 || res.Inserted != 6 || res.Updated != 0 || res.Unchanged != 0 || len(res.Rejections) != 0 {
		t.Fatalf("result %+v, want 6 read and inserted", res)
	}
	rows, err := d.Pool.Query(context.Background(), `
		SELECT code, level::text, coalesce(parent_code, ''), GeometryType(geom), ST_SRID(geom), properties::text
		FROM areas ORDER BY areas.level, code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var code, level, parent, typ, props string
		var srid int
		if err := rows.Scan(&code, &level, &parent, &typ, &srid, &props); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %d %s", code, level, parent, typ, srid, props))
	}
	want := []string{
		"320100 city  MULTIPOLYGON 4326 {}",
		"320102 district 320100 MULTIPOLYGON 4326 {}",
		"320102001 subdistrict 320102 MULTIPOLYGON 4326 {}",
		`320102001001 community 320102001 MULTIPOLYGON 4326 {"tags": ["old town"], "population": 5120}`,
		"320102001001001 grid 320102001001 MULTIPOLYGON 4326 {}",
		"320102001001002 grid 320102001001 MULTIPOLYGON 4326 {}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("areas:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReimportingTheSameAreasFileChangesNothing(t *testing.T) {
	d := dbtest.New(t)
	doc := fc(city()...)
	mustImportAreas(t, d, doc)
	var before time.Time
	if err := d.Pool.QueryRow(context.Background(), "SELECT max(updated_at) FROM areas").Scan(&before); err != nil {
		t.Fatal(err)
	}
	res := mustImportAreas(t, d, doc)
	if res.Read != 6 || res.Inserted != 0 || res.Updated != 0 || res.Unchanged != 6 {
		t.Errorf("second import %+v, want 6 unchanged", res)
	}
	var after time.Time
	if err := d.Pool.QueryRow(context.Background(), "SELECT max(updated_at) FROM areas").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) {
		t.Errorf("updated_at moved from %v to %v on an identical import", before, after)
	}
	if n := count(t, d, "areas"); n != 6 {
		t.Errorf("%d areas after re-import, want 6", n)
	}
}

func TestReimportUpdatesOnlyChangedAreasAndLeavesOthersAlone(t *testing.T) {
	d := dbtest.New(t)
	mustImportAreas(t, d, fc(city()...))
	renamed := area(grid2Code, "第二网格（新）", "grid", communityCode, rect(118.05, 32, 118.1, 32.1))
	// grid 1 is not in the second file: it stays.
	res := mustImportAreas(t, d, fc(cityF, districtF, subdistrictF, communityF, renamed))
	if res.Inserted != 0 || res.Updated != 1 || res.Unchanged != 4 {
		t.Errorf("result %+v, want 1 updated, 4 unchanged", res)
	}
	var name string
	if err := d.Pool.QueryRow(context.Background(), "SELECT name FROM areas WHERE code = $1", grid2Code).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "第二网格（新）" {
		t.Errorf("grid 2 is named %q after the update", name)
	}
	if n := count(t, d, "areas"); n != 6 {
		t.Errorf("%d areas, want 6: rows not in the file must stay", n)
	}
}

func TestImportAreasAcceptsChildrenOfAParentAlreadyInTheDatabase(t *testing.T) {
	d := dbtest.New(t)
	mustImportAreas(t, d, fc(cityF, districtF, subdistrictF, communityF))
	res := mustImportAreas(t, d, fc(grid1F, grid2F))
	if res.Inserted != 2 {
		t.Fatalf("result %+v, want 2 inserted", res)
	}
	// The database's community is the parent whose cover is checked.
	outside := area(grid3Code, "越界网格", "grid", communityCode, rect(118.1, 32, 118.2, 32.1))
	_, err := importAreas(t, d, fc(outside))
	wantRejected(t, err, want{0, grid3Code, "not covered by its parent 320102001001"})
}

func TestOneBadAreaRejectsTheWholeFileAndWritesNothing(t *testing.T) {
	d := dbtest.New(t)
	bad := area(grid3Code, "坏网格", "grid", communityCode, `{"type":"Point","coordinates":[118.01,32.01]}`)
	_, err := importAreas(t, d, fc(append(city(), bad)...))
	wantRejected(t, err, want{6, grid3Code, reasonType})
	if n := count(t, d, "areas"); n != 0 {
		t.Errorf("%d areas written by a rejected file, want 0", n)
	}

	// Over existing data: the good features' changes are not applied either.
	mustImportAreas(t, d, fc(city()...))
	renamed := area(cityCode, "改名市", "city", "", rect(118, 32, 119, 33))
	_, err = importAreas(t, d, fc(renamed, bad))
	wantRejected(t, err, want{1, grid3Code, reasonType})
	var name string
	if err := d.Pool.QueryRow(context.Background(), "SELECT name FROM areas WHERE code = $1", cityCode).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "示例市" || count(t, d, "areas") != 6 {
		t.Errorf("a rejected file changed the database: city named %q, %d areas", name, count(t, d, "areas"))
	}
}

func TestImportAreasListsEveryRejectionInFileOrder(t *testing.T) {
	d := dbtest.New(t)
	bowtie := `{"type":"Polygon","coordinates":[[[118,32],[118.05,32.1],[118.05,32],[118,32.1],[118,32]]]}`
	doc := fc(
		cityF, // 0
		area("320103", "", "district", cityCode, rect(118.5, 32, 119, 32.5)), // 1: missing name (Go)
		districtF, // 2
		area("320104", "秦淮区", "district", cityCode, bowtie),                                 // 3: invalid (SQL)
		area("320105", "建邺区", "district", cityCode, rect(118.5, 32.5, 119.5, 33)),           // 4: outside the city (SQL)
		area("320106", "鼓楼区", "district", cityCode, `{"type":"Point","coordinates":[0,0]}`), // 5: wrong type (Go)
	)
	_, err := importAreas(t, d, doc)
	wantRejected(t, err,
		want{1, "320103", "missing name"},
		want{3, "320104", "invalid geometry: Self-intersection"},
		want{4, "320105", "not covered by its parent 320100"},
		want{5, "320106", reasonType},
	)
}

// TestImportAreasRejects pins down each rejection reason; every subtest
// also checks that nothing was written.
func TestImportAreasRejects(t *testing.T) {
	bowtie := `{"type":"Polygon","coordinates":[[[118,32],[118.05,32.1],[118.05,32],[118,32.1],[118,32]]]}`
	gridAt := func(code, geom string) string { return area(code, "网格", "grid", communityCode, geom) }
	parents := []string{cityF, districtF, subdistrictF, communityF}
	withParents := func(fs ...string) string { return fc(append(append([]string{}, parents...), fs...)...) }
	cases := []struct {
		name  string
		doc   string
		wants []want
	}{
		{"invalid geometry with PostGIS's reason", withParents(gridAt(grid1Code, bowtie)),
			[]want{{4, grid1Code, "invalid geometry: Self-intersection["}}},
		{"an unclosed ring", withParents(gridAt(grid1Code, `{"type":"Polygon","coordinates":[[[118,32],[118.05,32],[118.05,32.1],[118,32.1]]]}`)),
			[]want{{4, grid1Code, "invalid geometry: ring coordinates[0] is not closed"}}},
		{"a Point among areas", withParents(gridAt(grid1Code, `{"type":"Point","coordinates":[118.01,32.01]}`)),
			[]want{{4, grid1Code, "wrong geometry type: Point (want Polygon or MultiPolygon)"}}},
		{"a LineString among areas", withParents(gridAt(grid1Code, line(118, 32, 118.05, 32.05))),
			[]want{{4, grid1Code, "wrong geometry type: LineString"}}},
		{"a null geometry", withParents(gridAt(grid1Code, "null")),
			[]want{{4, grid1Code, "wrong geometry type: no geometry"}}},
		{"longitude out of range", fc(area(cityCode, "市", "city", "", rect(179, 32, 200, 33))),
			[]want{{0, cityCode, "coordinates out of range: coordinates[0][1] longitude 200 is outside [-180, 180]"}}},
		{"latitude out of range", fc(area(cityCode, "市", "city", "", rect(118, 89, 119, 95))),
			[]want{{0, cityCode, "latitude 95 is outside [-90, 90]"}}},
		{"a NaN string as a coordinate", fc(area(cityCode, "市", "city", "", `{"type":"Polygon","coordinates":[[[118,32],["NaN",32],[119,33],[118,32]]]}`)),
			[]want{{0, cityCode, `coordinates not numbers: coordinates[0][1][0] is "NaN"`}}},
		{"a null coordinate", fc(area(cityCode, "市", "city", "", `{"type":"Polygon","coordinates":[[[118,32],[119,null],[119,33],[118,32]]]}`)),
			[]want{{0, cityCode, "coordinates[0][1][1] is null, not a number"}}},
		{"an infinite coordinate", fc(area(cityCode, "市", "city", "", `{"type":"Polygon","coordinates":[[[118,32],[1e999,32],[119,33],[118,32]]]}`)),
			[]want{{0, cityCode, "is 1e999, not a finite number"}}},
		{"a missing code", fc(`{"type":"Feature","properties":{"name":"市","level":"city"},"geometry":` + rect(118, 32, 119, 33) + `}`),
			[]want{{0, "", "missing code"}}},
		{"a code duplicated within the file", withParents(gridAt(grid1Code, rect(118, 32, 118.05, 32.1)), gridAt(grid1Code, rect(118.05, 32, 118.1, 32.1))),
			[]want{{5, grid1Code, "duplicate code 320102001001001: feature 4 has it too"}}},
		{"a city code not ending in 00", fc(area("320101", "市", "city", "", rect(118, 32, 119, 33))),
			[]want{{0, "320101", `code "320101" does not match the city code format ^[0-9]{4}00$`}}},
		{"a grid code of the wrong length", withParents(gridAt("32010200100100", rect(118, 32, 118.05, 32.1))),
			[]want{{4, "32010200100100", "does not match the grid code format ^[0-9]{15}$"}}},
		{"an unknown level", fc(area("320100", "市", "town", "", rect(118, 32, 119, 33))),
			[]want{{0, "320100", `unknown level "town"`}}},
		{"a missing name", fc(`{"type":"Feature","properties":{"code":"320100","level":"city"},"geometry":` + rect(118, 32, 119, 33) + `}`),
			[]want{{0, "320100", "missing name"}}},
		{"a blank name", fc(area(cityCode, "  ", "city", "", rect(118, 32, 119, 33))),
			[]want{{0, cityCode, "missing name"}}},
		{"a missing parent below district", fc(area(subdistrictCode, "街道", "subdistrict", "", rect(118, 32, 118.25, 32.25))),
			[]want{{0, subdistrictCode, "missing parent: a subdistrict needs the code of its district"}}},
		{"a parent in neither the file nor the database", fc(area(subdistrictCode, "街道", "subdistrict", "320109", rect(118, 32, 118.25, 32.25))),
			[]want{{0, subdistrictCode, "parent 320109 does not exist (neither in the file nor in the database)"}}},
		{"a parent at the wrong level", fc(cityF, districtF, area("320102001001", "社区", "community", districtCode, rect(118, 32, 118.1, 32.1))),
			[]want{{2, "320102001001", "parent 320102 is a district, but a community's parent must be a subdistrict"}}},
		{"a parent whose code is not a prefix", fc(cityF, districtF, area("320103001", "街道", "subdistrict", districtCode, rect(118, 32, 118.25, 32.25))),
			[]want{{2, "320103001", "code 320103001 does not start with its parent's code 320102"}}},
		{"a district outside its city's prefix", fc(cityF, area("320202", "区", "district", cityCode, rect(118, 32, 118.5, 32.5))),
			[]want{{1, "320202", "does not share the first 4 digits of its city 320100"}}},
		{"a child sticking out of its parent", fc(cityF, area(districtCode, "区", "district", cityCode, rect(118.9, 32, 119.1, 32.5))),
			[]want{{1, districtCode, "not covered by its parent 320100"}}},
		// A triangle 1e-4° (about 10 m) deep beyond the community's east edge: ~50 m².
		{"a grid sticking out of its community by 50 m²", withParents(gridAt(grid1Code,
			`{"type":"Polygon","coordinates":[[[118.05,32],[118.1,32],[118.1,32.05],[118.1001,32.05005],[118.1,32.0501],[118.1,32.1],[118.05,32.1],[118.05,32]]]}`)),
			[]want{{4, grid1Code, "not covered by its parent 320102001001"}}},
		{"grids of one community overlapping each other", withParents(gridAt(grid1Code, rect(118, 32, 118.06, 32.1)), gridAt(grid2Code, rect(118.05, 32, 118.1, 32.1))),
			[]want{{5, grid2Code, "grid 320102001001002 overlaps grid 320102001001001 (feature 4) by"}}},
		{"a grid inside another grid", withParents(gridAt(grid1Code, rect(118, 32, 118.1, 32.1)), gridAt(grid2Code, rect(118.02, 32.02, 118.03, 32.03))),
			[]want{{5, grid2Code, "overlaps grid 320102001001001"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := dbtest.New(t)
			_, err := importAreas(t, d, c.doc)
			wantRejected(t, err, c.wants...)
			if n := count(t, d, "areas"); n != 0 {
				t.Errorf("%d areas written by a rejected file", n)
			}
		})
	}
}

func TestImportAreasToleratesSliversUnderTheThresholds(t *testing.T) {
	d := dbtest.New(t)
	// A triangle 1e-5° (0.94 m) deep beyond the community's east edge over
	// 1e-5° (1.1 m) of it: about 0.52 m² outside, under 1 m².
	sliver := area(grid2Code, "第二网格", "grid", communityCode,
		`{"type":"Polygon","coordinates":[[[118.05,32],[118.1,32],[118.1,32.05],[118.10001,32.050005],[118.1,32.05001],[118.1,32.1],[118.05,32.1],[118.05,32]]]}`)
	// Grid 1 reaches 2e-6° (0.19 m) into grid 2 along 2e-5° (2.2 m) of
	// their edge: about 0.42 m² of overlap, under 0.5 m².
	nudged := area(grid1Code, "第一网格", "grid", communityCode,
		`{"type":"Polygon","coordinates":[[[118,32],[118.05,32],[118.05,32.05],[118.050002,32.05],[118.050002,32.05002],[118.05,32.05002],[118.05,32.1],[118,32.1],[118,32]]]}`)
	res := mustImportAreas(t, d, fc(cityF, districtF, subdistrictF, communityF, nudged, sliver))
	if res.Inserted != 6 {
		t.Errorf("result %+v, want 6 inserted", res)
	}
}

func TestImportAreasRejectsAGridOverlappingOneAlreadyInTheDatabase(t *testing.T) {
	d := dbtest.New(t)
	mustImportAreas(t, d, fc(city()...))
	over := area(grid3Code, "第三网格", "grid", communityCode, rect(118.04, 32.0, 118.06, 32.02))
	_, err := importAreas(t, d, fc(over))
	wantRejected(t, err,
		want{0, grid3Code, "grid 320102001001003 overlaps grid 320102001001001 (already in the database) by"},
		want{0, grid3Code, "grid 320102001001003 overlaps grid 320102001001002 (already in the database) by"})

	// A file that also replaces grid 1, moving it out of the way, is fine.
	moved := area(grid1Code, "第一网格", "grid", communityCode, rect(118, 32.02, 118.05, 32.1))
	res := mustImportAreas(t, d, fc(moved, area(grid3Code, "第三网格", "grid", communityCode, rect(118, 32, 118.05, 32.02))))
	if n := count(t, d, "areas"); n != 7 {
		t.Errorf("%d areas, want 7", n)
	}
	if res.Inserted != 1 || res.Updated != 1 {
		t.Errorf("result %+v, want 1 inserted, 1 updated", res)
	}
}

func TestImportAreasRejectsAFileInAnotherCRS(t *testing.T) {
	d := dbtest.New(t)
	for _, crs := range []string{"EPSG:3857", "urn:ogc:def:crs:EPSG::4490"} {
		doc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"` + crs + `"}},"features":[` + cityF + `]}`
		_, err := importAreas(t, d, doc)
		wantRejected(t, err, want{-1, "", fmt.Sprintf("unsupported crs %q", crs)})
	}
	// After the features, and out-of-range positions are not listed: in
	// another CRS they mean nothing.
	doc := `{"type":"FeatureCollection","features":[` + area(cityCode, "市", "city", "", rect(13e6, 3.7e6, 13.1e6, 3.8e6)) +
		`],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}}`
	_, err := importAreas(t, d, doc)
	wantRejected(t, err, want{-1, "", "unsupported crs"})
	if n := count(t, d, "areas"); n != 0 {
		t.Errorf("%d areas written", n)
	}
}

func TestImportAreasAcceptsCRS84Names(t *testing.T) {
	for _, crs := range []string{"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"} {
		t.Run(crs, func(t *testing.T) {
			d := dbtest.New(t)
			doc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"` + crs + `"}},"features":[` + cityF + `]}`
			if res := mustImportAreas(t, d, doc); res.Inserted != 1 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestImportAreasRejectsFilesThatAreNotFeatureCollections(t *testing.T) {
	d := dbtest.New(t)
	cases := []struct{ doc, reason string }{
		{cityF, "not a GeoJSON FeatureCollection (type \"Feature\")"},
		{`[1,2]`, "expected a GeoJSON FeatureCollection object"},
		{`{"features":[]}`, `no "type"`},
		{`{"type":"FeatureCollection","features":{}}`, `"features" as an array`},
	}
	for _, c := range cases {
		_, err := importAreas(t, d, c.doc)
		wantRejected(t, err, want{-1, "", c.reason})
	}
}

func TestImportAreasStopsAtBrokenJSONAndWritesNothing(t *testing.T) {
	d := dbtest.New(t)
	broken := `{"type":"Feature","properties":{"code":"320102","name":"区","level":"district","parent":"320100"},"geometry":{"type":"Polygon","coordinates":[[[118,32],[NaN,32],[118.5,32.5],[118,32]]]}}`
	_, err := importAreas(t, d, fc(cityF, broken, districtF))
	wantRejected(t, err, want{1, "", "invalid JSON at byte"})
	_, err = importAreas(t, d, fc(cityF)[:60])
	wantRejected(t, err, want{0, "", "file ends before the FeatureCollection does"})
	if n := count(t, d, "areas"); n != 0 {
		t.Errorf("%d areas written", n)
	}
}

func TestImportAreasOfAnEmptyCollectionWritesNothing(t *testing.T) {
	d := dbtest.New(t)
	res := mustImportAreas(t, d, `{"type":"FeatureCollection","features":[]}`)
	if res.Read != 0 || res.Inserted != 0 || len(res.Rejections) != 0 {
		t.Errorf("result %+v", res)
	}
}
