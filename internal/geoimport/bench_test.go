package geoimport

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// box is a densified rectangle: n positions per edge, as surveyed
// boundaries have, so that children meet their parents' edges between
// vertices and the coverage check has floating-point slivers to measure.
func box(x0, y0, x1, y1 float64, n int) string {
	var pts []string
	add := func(x, y float64) { pts = append(pts, fmt.Sprintf("[%.7f,%.7f]", x, y)) }
	for i := 0; i < n; i++ {
		add(x0+(x1-x0)*float64(i)/float64(n), y0)
	}
	for i := 0; i < n; i++ {
		add(x1, y0+(y1-y0)*float64(i)/float64(n))
	}
	for i := 0; i < n; i++ {
		add(x1-(x1-x0)*float64(i)/float64(n), y1)
	}
	for i := 0; i < n; i++ {
		add(x0, y1-(y1-y0)*float64(i)/float64(n))
	}
	add(x0, y0)
	return `{"type":"Polygon","coordinates":[[` + strings.Join(pts, ",") + `]]}`
}

// syntheticCity is 1 + 154 areas a district (3 subdistricts, 15
// communities, 135 grids) and 250 streets a district crossing it: with 2
// districts, 309 areas and 500 streets.
func syntheticCity(districts int) (areas, streets string) {
	w := 1 / float64(districts)
	var fs []string
	fs = append(fs, area("320100", "市", "city", "", box(118, 32, 119, 33, 40)))
	for d := range districts {
		dx := 118 + w*float64(d)
		dc := fmt.Sprintf("3201%02d", d+2)
		fs = append(fs, area(dc, "区", "district", "320100", box(dx, 32, dx+w, 33, 30)))
		for s := range 3 {
			sy := 32 + float64(s)/3
			sc := fmt.Sprintf("%s%03d", dc, s+1)
			fs = append(fs, area(sc, "街道", "subdistrict", dc, box(dx, sy, dx+w, sy+1.0/3, 25)))
			for c := range 5 {
				cx := dx + w/5*float64(c)
				cc := fmt.Sprintf("%s%03d", sc, c+1)
				fs = append(fs, area(cc, "社区", "community", sc, box(cx, sy, cx+w/5, sy+1.0/3, 20)))
				for g := range 9 {
					gx, gy := cx+w/15*float64(g%3), sy+1.0/9*float64(g/3)
					fs = append(fs, area(fmt.Sprintf("%s%03d", cc, g+1), "网格", "grid", cc, box(gx, gy, gx+w/15, gy+1.0/9, 10)))
				}
			}
		}
	}
	areas = fc(fs...)
	fs = fs[:0]
	n := 250 * districts
	for i := range n {
		y := 32 + float64(i)/float64(n)
		fs = append(fs, street(fmt.Sprintf("S%04d", i), "路", line(118, y, 118.3, y+0.001, 118.6, y, 119, y+0.002)))
	}
	return areas, fc(fs...)
}

func TestSyntheticCityImports(t *testing.T) {
	d := dbtest.New(t)
	areas, streets := syntheticCity(2)
	res := mustImportAreas(t, d, areas)
	if res.Inserted != 309 {
		t.Errorf("areas %+v, want 309 inserted", res)
	}
	sres, err := importStreets(t, d, streets)
	if err != nil || sres.Inserted != 500 {
		t.Errorf("streets %+v, %v; want 500 inserted", sres, err)
	}
}

// BenchmarkImportSyntheticCity times a first import of 309 areas and 500
// streets into an empty database.
func BenchmarkImportSyntheticCity(b *testing.B) {
	areas, streets := syntheticCity(2)
	b.SetBytes(int64(len(areas) + len(streets)))
	for b.Loop() {
		b.StopTimer()
		d := dbtest.New(b)
		b.StartTimer()
		ctx := context.Background()
		if _, err := ImportAreas(ctx, d.Pool, strings.NewReader(areas), Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := ImportStreets(ctx, d.Pool, strings.NewReader(streets), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReimportSyntheticCity times importing the same files again.
func BenchmarkReimportSyntheticCity(b *testing.B) {
	areas, streets := syntheticCity(2)
	d := dbtest.New(b)
	ctx := context.Background()
	run := func() {
		if _, err := ImportAreas(ctx, d.Pool, strings.NewReader(areas), Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := ImportStreets(ctx, d.Pool, strings.NewReader(streets), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	run()
	for b.Loop() {
		run()
	}
}
