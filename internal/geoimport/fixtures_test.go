package geoimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// A small city near Nanjing whose children share their parents' edges:
//
//	city 320100            118.00–119.00 E, 32.00–33.00 N
//	district 320102        118.00–118.50,   32.00–32.50
//	subdistrict 320102001  118.00–118.25,   32.00–32.25
//	community 320102001001 118.00–118.10,   32.00–32.10
//	grids ...001 and ...002 split the community at 118.05 E.
const (
	cityCode        = "320100"
	districtCode    = "320102"
	subdistrictCode = "320102001"
	communityCode   = "320102001001"
	grid1Code       = "320102001001001"
	grid2Code       = "320102001001002"
	grid3Code       = "320102001001003"
)

func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + `]}`
}

// rect is a GeoJSON Polygon, counter-clockwise.
func rect(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`,
		x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

// area is an area Feature; parent "" is null, geom is raw GeoJSON.
func area(code, name, level, parent, geom string) string {
	p := "null"
	if parent != "" {
		p = fmt.Sprintf("%q", parent)
	}
	return fmt.Sprintf(`{"type":"Feature","properties":{"code":%q,"name":%q,"level":%q,"parent":%s},"geometry":%s}`,
		code, name, level, p, geom)
}

func street(code, name, geom string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"code":%q,"name":%q},"geometry":%s}`, code, name, geom)
}

func line(coords ...float64) string {
	var pts []string
	for i := 0; i+1 < len(coords); i += 2 {
		pts = append(pts, fmt.Sprintf("[%v,%v]", coords[i], coords[i+1]))
	}
	return `{"type":"LineString","coordinates":[` + strings.Join(pts, ",") + `]}`
}

var (
	cityF        = area(cityCode, "示例市", "city", "", rect(118, 32, 119, 33))
	districtF    = area(districtCode, "玄武区", "district", cityCode, rect(118, 32, 118.5, 32.5))
	subdistrictF = area(subdistrictCode, "梅园街道", "subdistrict", districtCode, rect(118, 32, 118.25, 32.25))
	communityF   = area(communityCode, "梅园社区", "community", subdistrictCode, rect(118, 32, 118.1, 32.1))
	grid1F       = area(grid1Code, "第一网格", "grid", communityCode, rect(118, 32, 118.05, 32.1))
	grid2F       = area(grid2Code, "第二网格", "grid", communityCode, rect(118.05, 32, 118.1, 32.1))
)

// city is the whole hierarchy down to two grids, parents first.
func city() []string {
	return []string{cityF, districtF, subdistrictF, communityF, grid1F, grid2F}
}

func importAreas(t *testing.T, d *dbtest.DB, doc string) (Result, error) {
	t.Helper()
	return ImportAreas(context.Background(), d.Pool, strings.NewReader(doc), Options{})
}

func mustImportAreas(t *testing.T, d *dbtest.DB, doc string) Result {
	t.Helper()
	res, err := importAreas(t, d, doc)
	if err != nil {
		t.Fatalf("import areas: %v", err)
	}
	return res
}

func count(t *testing.T, d *dbtest.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// want is an expected rejection: its index, code, and a part of its reason.
type want struct {
	index  int
	code   string
	reason string
}

// wantRejected checks that err rejects exactly the listed features, in
// order, and returns the rejections.
func wantRejected(t *testing.T, err error, wants ...want) []Rejection {
	t.Helper()
	var re *RejectedError
	if !errors.As(err, &re) {
		t.Fatalf("want a *RejectedError, got %v", err)
	}
	got := re.Rejections
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Index == wants[i].index && got[i].Code == wants[i].code && strings.Contains(got[i].Reason, wants[i].reason)
	}
	if !ok {
		var b strings.Builder
		for _, r := range got {
			fmt.Fprintf(&b, "\n  %d %q %s", r.Index, r.Code, r.Reason)
		}
		t.Fatalf("rejections:%s\nwant %+v", b.String(), wants)
	}
	return got
}
