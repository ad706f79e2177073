package frontage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCSVImportReadsTheColumnsInAnyOrderStripsTheBOMAndKeepsExtraColumns(t *testing.T) {
	d := db(t)
	doc := "\ufefflat,lon,名称,联系人,电话,licence,width_m,备注\n" +
		fmt.Sprintf("%.9f,116.01,鑫源五金,张伟,13912345678,91371402MA3C0FFEE1,18,二十四小时营业\n", north(15)) +
		",,,,,,,\n" + // an empty record, as spreadsheets leave them, is skipped
		fmt.Sprintf("%.9f,116.011,便民药店,,,,,\n", north(-12))
	res := mustImportCSV(t, d, doc)
	if res.Read != 2 || res.Inserted != 2 || res.Updated != 0 || res.Unchanged != 0 || res.OwnersCreated != 1 || res.PeopleCreated != 1 {
		t.Fatalf("result %+v, want 2 read and inserted, 1 owner", res)
	}
	var name, licence, contact, phone, props string
	var width float64
	err := d.Pool.QueryRow(context.Background(), `
		SELECT name, licence, contact, phone, width_m, properties::text FROM frontages WHERE name = '鑫源五金'`).
		Scan(&name, &licence, &contact, &phone, &width, &props)
	if err != nil {
		t.Fatal(err)
	}
	if licence != "91371402MA3C0FFEE1" || contact != "张伟" || phone != "13912345678" || width != 18 || props != `{"备注": "二十四小时营业"}` {
		t.Errorf("unit: %s %s %s %s %v %s", name, licence, contact, phone, width, props)
	}
	if err := d.Pool.QueryRow(context.Background(), `SELECT width_m FROM frontages WHERE name = '便民药店'`).Scan(&width); err != nil {
		t.Fatal(err)
	}
	if width != 12 {
		t.Errorf("a unit without width_m is %v m wide, want the default 12", width)
	}
}

func TestCSVRejectsEveryBadRowWithItsLineNumberAndWritesNothing(t *testing.T) {
	d := db(t)
	lat15 := fmt.Sprintf("%.9f", north(15))
	doc := strings.Join([]string{
		"name,contact,lon,lat,licence,phone,width_m",         // 1
		",李娜,116.01," + lat15 + ",,,",                        // 2 missing name
		"好又多超市,,," + lat15 + ",,,",                           // 3 missing lon
		"顺达汽修,,116.01,,,,",                                   // 4 missing lat
		"老李面馆,,116.0l," + lat15 + ",,,",                      // 5 not a number
		"华联超市,,37.1,116.01,,,",                               // 6 swapped
		"远方商店,,200,95,,,",                                    // 7 both out of range, not swappable
		"金利烟酒,,116.01," + lat15 + ",91371402MA3000001X,,",    // 8
		"金利烟酒二店,,116.012," + lat15 + ",91371402MA3000001X,,", // 9 duplicate licence
		"荒野小店,,116.5,37.5,,,",                                // 10 no street within 60 m
		"宏发建材,王强,116.01," + lat15 + ",,打电话,",                 // 11 bad phone
		"永兴家电,,116.01," + lat15 + ",,,0",                     // 12 width 0
		"多一列,,116.01," + lat15 + ",,,,extra",                 // 13 wrong column count
		"路中间,,116.013,37.1,,,",                               // 14 on the centre line
		`"断引号,,116.01,` + lat15 + `,,,`,                      // 15 broken quoting runs to the end
		"末行,,116.01," + lat15 + ",,,",                        // 16
	}, "\n") + "\n"
	_, err := importCSV(t, d, doc)
	wantRejected(t, err,
		want{"line 2", "missing name"},
		want{"line 3", "missing lon"},
		want{"line 4", "missing lat"},
		want{"line 5", `lon "116.0l" is not a number`},
		want{"line 6", "lat is outside [-90, 90]; looks swapped: lon and lat reversed?"},
		want{"line 7", "lon 200 is outside [-180, 180]"},
		want{"line 7", "lat 95 is outside [-90, 90]"},
		want{"line 9", "duplicate licence 91371402MA3000001X: line 8 has it too"},
		want{"line 10", "no street segment within 60 m"},
		want{"line 11", `phone "打电话" is not a phone number`},
		want{"line 12", "width_m 0 is not in (0, 500]"},
		want{"line 13", "wrong number of fields: 8 where the header has 7"},
		want{"line 14", "lies on the centre line of 东西路 (F-EW)"},
		want{"line 15", `broken quoting: extraneous or missing " in quoted-field at line 16, column 32 (a quoted field that opens on line 15 runs on to there)`},
	)
	for _, table := range []string{"frontages", "people", "duties"} {
		if n := count(t, d, table); n != 0 {
			t.Errorf("%d rows in %s after a rejected file, want 0", n, table)
		}
	}
}

func TestASwappedPairWithinRangeIsCaughtByTheStreetNearItsSwappedPosition(t *testing.T) {
	d := db(t)
	// A street at 37.1 E, 116.01 N would not exist; build one where the
	// swapped position of (37.1, 60.0) lands: (60.0, 37.1).
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO streets (code, name, geom) VALUES
		('F-FAR', '远街', ST_Multi(ST_GeomFromText('LINESTRING(59.99 37.1001, 60.01 37.1001)', 4326)))`); err != nil {
		t.Fatal(err)
	}
	_, err := importCSV(t, d, "name,contact,lon,lat\n倒置小店,,37.1,60.0\n")
	wantRejected(t, err, want{"line 2", "no street segment within 60 m; looks swapped: lon and lat reversed? (the swapped position is 11.1 m from 远街 F-FAR)"})
}

func TestCSVFileLevelProblemsRejectTheWholeFile(t *testing.T) {
	d := db(t)
	cases := []struct{ doc, reason string }{
		{"", "empty file"},
		{"name,lon,lat\n老王烧烤,116.01,37.1\n", "no column contact"},
		{"name,contact,经度,lon,lat\n", "both give lon"},
		{"name,contact,lon,lat\xff\n", "not UTF-8"},
	}
	for _, tc := range cases {
		_, err := importCSV(t, d, tc.doc)
		wantRejected(t, err, want{"file", tc.reason})
	}
}

func TestCSVRejectsTextThatIsNotUTF8(t *testing.T) {
	d := db(t)
	gbk := "\xc0\xcf\xcd\xf5\xc9\xd5\xbf\xbe" // 老王烧烤 in GBK
	_, err := importCSV(t, d, "name,contact,lon,lat\n"+gbk+",,116.01,37.1001\n")
	wantRejected(t, err, want{"line 2", "not UTF-8 text; save the file as UTF-8"})
}

func TestGeoJSONRejectsEveryBadFeatureWithPostGISReasons(t *testing.T) {
	d := db(t)
	bowtie := `{"type":"Feature","properties":{"name":"蝴蝶结"},"geometry":{"type":"Polygon","coordinates":[[[116.01,37.1001],[116.0102,37.1003],[116.0102,37.1001],[116.01,37.1003],[116.01,37.1001]]]}}`
	_, err := importGeoJSON(t, d, fc(
		pointFeature(116.01, north(15), `"name":"好邻居便利店","licence":"L1"`),
		bowtie,
		`{"type":"Feature","properties":{"name":"一条线"},"geometry":{"type":"LineString","coordinates":[[116.01,37.1001],[116.02,37.1001]]}}`,
		pointFeature(37.1, 116.01, `"name":"反了"`),
		pointFeature(116.011, north(15), `"licence":"L1","width_m":"宽"`),
		`{"type":"Feature","properties":{"name":"未闭合"},"geometry":{"type":"Polygon","coordinates":[[[116.01,37.1001],[116.0102,37.1001],[116.0102,37.1003],[116.01,37.1003]]]}}`,
		pointFeature(116.01, north(15), `"name":"错街","street":"NO-SUCH"`),
		pointFeature(116.01, north(15), `"name":"远街","street":"F-NS"`),
	))
	wantRejected(t, err,
		want{"feature 1", "invalid geometry: Self-intersection"},
		want{"feature 2", "wrong geometry type: LineString (want Point, Polygon or MultiPolygon)"},
		want{"feature 3", "looks swapped: lon and lat reversed?"},
		want{"feature 4", "missing name"},
		want{"feature 4", "duplicate licence L1: feature 0 has it too"},
		want{"feature 4", `width_m "宽" is not a number`},
		want{"feature 5", "ring coordinates[0] is not closed"},
		want{"feature 6", "unknown street NO-SUCH"},
		want{"feature 7", "street F-NS (南北路) is 1778 m away; a unit fronts a street within 60 m"},
	)
	if n := count(t, d, "frontages"); n != 0 {
		t.Errorf("%d units after a rejected file, want 0", n)
	}
}

func TestOneBadRowLeavesTheUnitsAlreadyImportedAsTheyWere(t *testing.T) {
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	mustImportCSV(t, d, "name,contact,lon,lat,licence\n老王烧烤,王建国,116.01,"+lat+",L-1\n")
	_, err := importCSV(t, d, "name,contact,lon,lat,licence\n老王烧烤（新）,王小明,116.011,"+lat+",L-1\n坏行,,abc,"+lat+",L-2\n")
	wantRejected(t, err, want{"line 3", `lon "abc" is not a number`})
	var name, contact string
	if err := d.Pool.QueryRow(context.Background(), `SELECT name, contact FROM frontages`).Scan(&name, &contact); err != nil {
		t.Fatal(err)
	}
	if name != "老王烧烤" || contact != "王建国" || count(t, d, "frontages") != 1 || count(t, d, "people") != 1 || count(t, d, "duties") != 1 {
		t.Errorf("after a rejected file: %s %s, %d units, %d people, %d duties; want the first import untouched",
			name, contact, count(t, d, "frontages"), count(t, d, "people"), count(t, d, "duties"))
	}
}

func TestReimportingTheSameFileInsertsAndUpdatesNothing(t *testing.T) {
	d := db(t)
	csvDoc := fmt.Sprintf("name,contact,lon,lat,licence,phone,width_m\n"+
		"鑫源五金,张伟,116.01,%[1]s,L-1,13912345678,15\n"+
		"无照小摊,李娜,116.0105,%[1]s,,15012345678,\n"+
		"空置门面,,116.011,%[1]s,,,\n", fmt.Sprintf("%.9f", north(15)))
	geoDoc := fc(rectFeature(116.0150, north(10), 116.0152, north(20), `"name":"德州扒鸡专卖店","contact":"赵敏","floor":2`))
	first := mustImportCSV(t, d, csvDoc)
	mustImportGeoJSON(t, d, geoDoc)
	if first.Inserted != 3 || first.OwnersCreated != 2 {
		t.Fatalf("first import %+v", first)
	}
	var before time.Time
	if err := d.Pool.QueryRow(context.Background(), `SELECT max(updated_at) FROM frontages`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	again := mustImportCSV(t, d, csvDoc)
	if again.Read != 3 || again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 3 || again.OwnersCreated != 0 || again.PeopleCreated != 0 || again.OwnersEnded != 0 {
		t.Errorf("second CSV import %+v, want 3 unchanged and nothing else", again)
	}
	geoAgain := mustImportGeoJSON(t, d, geoDoc)
	if geoAgain.Unchanged != 1 || geoAgain.Inserted+geoAgain.Updated+geoAgain.OwnersCreated+geoAgain.PeopleCreated != 0 {
		t.Errorf("second GeoJSON import %+v, want 1 unchanged and nothing else", geoAgain)
	}
	var after time.Time
	if err := d.Pool.QueryRow(context.Background(), `SELECT max(updated_at) FROM frontages`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) || count(t, d, "frontages") != 4 || count(t, d, "people") != 3 || count(t, d, "duties") != 3 {
		t.Errorf("after re-import: updated_at %v → %v, %d units, %d people, %d duties; want nothing moved",
			before, after, count(t, d, "frontages"), count(t, d, "people"), count(t, d, "duties"))
	}
}

func TestReimportUpdatesUnitsFoundByLicenceOrByNameAndLocation(t *testing.T) {
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	mustImportCSV(t, d, "name,contact,lon,lat,licence,width_m\n鑫源五金,,116.01,"+lat+",L-1,12\n无照小摊,,116.0105,"+lat+",,12\n")
	// The licensed shop moved and was renamed; the unlicensed one is wider.
	res := mustImportCSV(t, d, "name,contact,lon,lat,licence,width_m\n鑫源五金（新店）,,116.0101,"+lat+",L-1,12\n无照小摊,,116.0105,"+lat+",,20\n")
	if res.Inserted != 0 || res.Updated != 2 || res.Unchanged != 0 {
		t.Fatalf("result %+v, want 2 updated", res)
	}
	var name string
	var width, x float64
	if err := d.Pool.QueryRow(context.Background(), `SELECT name, ST_X(geom) FROM frontages WHERE licence = 'L-1'`).Scan(&name, &x); err != nil {
		t.Fatal(err)
	}
	if err := d.Pool.QueryRow(context.Background(), `SELECT width_m FROM frontages WHERE name = '无照小摊'`).Scan(&width); err != nil {
		t.Fatal(err)
	}
	if name != "鑫源五金（新店）" || x != 116.0101 || width != 20 || count(t, d, "frontages") != 2 {
		t.Errorf("L-1 is %s at %v, 无照小摊 %v m wide, %d units", name, x, width, count(t, d, "frontages"))
	}
}

func TestGeoJSONFileLevelProblemsRejectTheWholeFile(t *testing.T) {
	d := db(t)
	good := pointFeature(116.01, north(15), `"name":"好邻居便利店"`)
	cases := []struct{ doc, where, reason string }{
		{`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[` + good + `]}`, "file", "unsupported crs"},
		{`{"type":"Feature","features":[]}`, "file", "not a GeoJSON FeatureCollection"},
		{`{"type":"FeatureCollection","features":[` + good + `,{"type":`, "feature 1", "file ends before the FeatureCollection does"},
	}
	for _, tc := range cases {
		_, err := importGeoJSON(t, d, tc.doc)
		wantRejected(t, err, want{tc.where, tc.reason})
	}
}
