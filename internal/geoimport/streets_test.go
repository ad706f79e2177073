package geoimport

import (
	"context"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func importStreets(t *testing.T, d *dbtest.DB, doc string) (Result, error) {
	t.Helper()
	return ImportStreets(context.Background(), d.Pool, strings.NewReader(doc), Options{})
}

var (
	zhongshanF = street("ZS-001", "中山路", line(118.01, 32.01, 118.02, 32.02, 118.03, 32.02))
	beijingF   = street("BJ-001", "北京东路", `{"type":"MultiLineString","coordinates":[[[118.0,32.05],[118.05,32.05]],[[118.05,32.05],[118.08,32.06]]]}`)
)

func TestImportStreetsPromotesLineStringsAndKeepsExtraProperties(t *testing.T) {
	d := dbtest.New(t)
	withProps := `{"type":"Feature","properties":{"code":"HZ-7","name":"汉中路","lanes":4},"geometry":` + line(118.0, 32.0, 118.01, 32.0) + `}`
	res, err := importStreets(t, d, fc(zhongshanF, beijingF, withProps))
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 3 || res.Inserted != 3 {
		t.Fatalf("result %+v, want 3 inserted", res)
	}
	var types, props string
	if err := d.Pool.QueryRow(context.Background(),
		`SELECT string_agg(DISTINCT GeometryType(geom), ','), (SELECT properties::text FROM streets WHERE code = 'HZ-7') FROM streets`).Scan(&types, &props); err != nil {
		t.Fatal(err)
	}
	if types != "MULTILINESTRING" || props != `{"lanes": 4}` {
		t.Errorf("geometry types %q, properties %s", types, props)
	}
}

func TestReimportingTheSameStreetsFileChangesNothing(t *testing.T) {
	d := dbtest.New(t)
	doc := fc(zhongshanF, beijingF)
	if _, err := importStreets(t, d, doc); err != nil {
		t.Fatal(err)
	}
	res, err := importStreets(t, d, doc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Updated != 0 || res.Unchanged != 2 {
		t.Errorf("second import %+v, want 2 unchanged", res)
	}
	moved := street("ZS-001", "中山路", line(118.01, 32.01, 118.02, 32.03))
	if res, err = importStreets(t, d, fc(moved)); err != nil || res.Updated != 1 {
		t.Errorf("moving a street: %+v, %v; want 1 updated", res, err)
	}
	if n := count(t, d, "streets"); n != 2 {
		t.Errorf("%d streets, want 2", n)
	}
}

func TestImportStreetsRejects(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		wants []want
	}{
		{"a Polygon among streets", fc(zhongshanF, street("X1", "某路", rect(118, 32, 118.1, 32.1))),
			[]want{{1, "X1", "wrong geometry type: Polygon (want LineString or MultiLineString)"}}},
		{"a line of two equal positions, with PostGIS's reason", fc(street("X1", "某路", line(118, 32, 118, 32))),
			[]want{{0, "X1", "invalid geometry: Too few points"}}},
		{"a line of one position", fc(street("X1", "某路", line(118, 32))),
			[]want{{0, "X1", "invalid geometry: line coordinates has 1 position; a line needs at least 2"}}},
		{"a latitude out of range", fc(street("X1", "某路", line(118, 32, 118, -91))),
			[]want{{0, "X1", "coordinates out of range: coordinates[1] latitude -91"}}},
		{"a code not matching the street format", fc(street("-bad code", "某路", line(118, 32, 118.1, 32))),
			[]want{{0, "-bad code", "does not match the street code format"}}},
		{"a duplicated code and a missing name", fc(zhongshanF, street("ZS-001", "", line(118, 32, 118.1, 32))),
			[]want{{1, "ZS-001", "duplicate code ZS-001: feature 0 has it too"}, {1, "ZS-001", "missing name"}}},
		{"a missing code", fc(`{"type":"Feature","properties":{"name":"某路"},"geometry":` + line(118, 32, 118.1, 32) + `}`),
			[]want{{0, "", "missing code"}}},
		{"a code that is not a string", fc(`{"type":"Feature","properties":{"code":42,"name":"某路"},"geometry":` + line(118, 32, 118.1, 32) + `}`),
			[]want{{0, "", "code must be a string, not 42"}}},
		{"a feature that is not a Feature", fc(zhongshanF, `{"type":"Point","coordinates":[1,2]}`),
			[]want{{1, "", "not a GeoJSON Feature"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := dbtest.New(t)
			_, err := importStreets(t, d, c.doc)
			wantRejected(t, err, c.wants...)
			if n := count(t, d, "streets"); n != 0 {
				t.Errorf("%d streets written by a rejected file", n)
			}
		})
	}
}
