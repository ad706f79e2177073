package frontage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
)

// streetsSQL are the fixture's street segments:
//
//	F-NORTH 北街    37.1008 N, 116.00–116.02 E   (about 89 m north of 东西路)
//	F-EW    东西路  37.1000 N, 116.00–116.02 E
//	F-NS    南北路  116.03 E, 37.09–37.11 N
//
// Nothing else lies within kilometres.
const streetsSQL = `
INSERT INTO streets (code, name, geom) VALUES
 ('F-EW', '东西路', ST_Multi(ST_GeomFromText('LINESTRING(116.00 37.1, 116.02 37.1)', 4326))),
 ('F-NORTH', '北街', ST_Multi(ST_GeomFromText('LINESTRING(116.00 37.1008, 116.02 37.1008)', 4326))),
 ('F-NS', '南北路', ST_Multi(ST_GeomFromText('LINESTRING(116.03 37.09, 116.03 37.11)', 4326)));
`

// metresPerDegreeLat is the length of a degree of latitude at 37.1° N.
const metresPerDegreeLat = 110_979.5

// north is the latitude m metres north of 东西路.
func north(m float64) float64 { return 37.1 + m/metresPerDegreeLat }

// db is a fresh database holding the fixture streets.
func db(t *testing.T) *dbtest.DB {
	t.Helper()
	d := dbtest.New(t)
	if _, err := d.Pool.Exec(context.Background(), streetsSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return d
}

func importCSV(t *testing.T, d *dbtest.DB, doc string) (frontage.Result, error) {
	t.Helper()
	return frontage.ImportCSV(context.Background(), d.Pool, strings.NewReader(doc), frontage.Options{})
}

func mustImportCSV(t *testing.T, d *dbtest.DB, doc string) frontage.Result {
	t.Helper()
	res, err := importCSV(t, d, doc)
	if err != nil {
		t.Fatalf("import CSV: %v", err)
	}
	return res
}

func importGeoJSON(t *testing.T, d *dbtest.DB, doc string) (frontage.Result, error) {
	t.Helper()
	return frontage.ImportGeoJSON(context.Background(), d.Pool, strings.NewReader(doc), frontage.Options{})
}

func mustImportGeoJSON(t *testing.T, d *dbtest.DB, doc string) frontage.Result {
	t.Helper()
	res, err := importGeoJSON(t, d, doc)
	if err != nil {
		t.Fatalf("import GeoJSON: %v", err)
	}
	return res
}

func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + `]}`
}

// pointFeature is a unit Feature at lon, lat with the given properties
// (raw JSON members, without braces).
func pointFeature(lon, lat float64, props string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{%s},"geometry":{"type":"Point","coordinates":[%v,%v]}}`, props, lon, lat)
}

// rectFeature is a unit Feature whose footprint is a rectangle.
func rectFeature(x0, y0, x1, y1 float64, props string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{%s},"geometry":{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}}`,
		props, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

func count(t *testing.T, d *dbtest.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// want is an expected rejection: where ("line 3", "feature 2", "file")
// and a part of its reason.
type want struct {
	where  string
	reason string
}

// wantRejected checks that err rejects exactly the listed rows, in order.
func wantRejected(t *testing.T, err error, wants ...want) []frontage.Rejection {
	t.Helper()
	var re *frontage.RejectedError
	if !errors.As(err, &re) {
		t.Fatalf("want a *RejectedError, got %v", err)
	}
	got := re.Rejections
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Where() == wants[i].where && strings.Contains(got[i].Reason, wants[i].reason)
	}
	if !ok {
		var b strings.Builder
		for _, r := range got {
			fmt.Fprintf(&b, "\n  %s", r)
		}
		t.Fatalf("rejections:%s\nwant %+v", b.String(), wants)
	}
	return got
}
