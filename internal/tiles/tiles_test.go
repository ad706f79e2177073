package tiles_test

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TestProblemPointsAreTheProblemsOfTheTile decodes a street-zoom tile over
// the crowded shop and finds in it every problem SQL places inside the
// tile, each once, where it is, with its status; points from the buffer
// lie within 64 pixels of the edge.
func TestProblemPointsAreTheProblemsOfTheTile(t *testing.T) {
	e := setup(t)
	tl := at(116.0503, 37.1003, 16)
	ls, _ := e.tile(t, "problems", tl, "")
	l := ls["problems"]
	if l == nil {
		t.Fatalf("no problems layer in %v", ls)
	}
	b := tl.Bound()
	want := e.ints(t, `SELECT id FROM problems WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) ORDER BY id`,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	if len(want) < 50 {
		t.Fatalf("fixture: only %d problems in %v", len(want), tl)
	}
	pos := map[int64]orb.Point{}
	status := map[int64]string{}
	for _, f := range l.Features {
		id, ok := num(f.Properties["id"])
		if !ok {
			t.Fatalf("feature without id: %v", f.Properties)
		}
		if _, dup := pos[int64(id)]; dup {
			t.Errorf("problem %d twice", int64(id))
		}
		pos[int64(id)] = f.Geometry.(orb.Point)
		status[int64(id)], _ = f.Properties["status"].(string)
	}
	pad := (b.Max[0] - b.Min[0]) * 64 / 4096 * 1.01
	for _, id := range want {
		if _, ok := pos[id]; !ok {
			t.Errorf("problem %d is in the tile's bounds but not in the tile", id)
		}
	}
	for id, p := range pos {
		var lon, lat float64
		var st string
		if err := e.D.Pool.QueryRow(t.Context(), `SELECT ST_X(geom), ST_Y(geom), status::text FROM problems WHERE id = $1`, id).Scan(&lon, &lat, &st); err != nil {
			t.Fatalf("problem %d of the tile: %v", id, err)
		}
		px := (b.Max[0] - b.Min[0]) / 4096
		if math.Abs(p[0]-lon) > px || math.Abs(p[1]-lat) > px {
			t.Errorf("problem %d drawn at %v, stored at %v, %v", id, p, lon, lat)
		}
		if lon < b.Min[0]-pad || lon > b.Max[0]+pad || lat < b.Min[1]-pad || lat > b.Max[1]+pad {
			t.Errorf("problem %d at %v, %v is beyond the tile's buffer", id, lon, lat)
		}
		if status[id] != st {
			t.Errorf("problem %d: status %q in the tile, %q stored", id, status[id], st)
		}
	}
}

// TestProblemCellsCountEveryProblem checks that below street zoom no
// problem is lost: the cells' counts add up to the problems SQL finds in
// the tile, for the whole city and for filters, from the rollup (no time
// in the filter) and from the problems (from).
func TestProblemCellsCountEveryProblem(t *testing.T) {
	e := setup(t)
	for _, c := range []struct {
		name, query, where string
		z                  maptile.Zoom
	}{
		{"whole city z10", "", "", 10},
		{"z12", "", "", 12},
		{"z14 open", "?status=reported,dispatched,in_progress", " AND status IN ('reported', 'dispatched', 'in_progress')", 14},
		{"z14 from July", "?from=2026-07-01T00:00:00%2B08:00", " AND reported_at >= '2026-07-01 00:00+08'", 14},
		{"z13 dispatched hotline", "?status=dispatched&source=hotline", " AND status = 'dispatched' AND source = 'hotline'", 13},
		{"z11 from June 10", "?from=2026-06-10T00:00:00%2B08:00&category=T-DOG,T-ROAD", " AND reported_at >= '2026-06-10 00:00+08' AND category_code IN ('T-DOG', 'T-ROAD')", 11},
	} {
		tl := at(116.0503, 37.1003, c.z)
		ls, _ := e.tile(t, "problems", tl, c.query)
		b := tl.Bound()
		want := e.ints(t, `SELECT count(*) FROM problems WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`+c.where,
			b.Min[0], b.Min[1], b.Max[0], b.Max[1])[0]
		var got, cells int64
		if l := ls["problems"]; l != nil {
			for _, f := range l.Features {
				n, _ := num(f.Properties["count"])
				got += int64(n)
				cells++
				if f.Properties["cell"] != true {
					t.Errorf("%s: a feature that is not a cell: %v", c.name, f.Properties)
				}
				if _, ok := f.Properties["id"]; ok != (n == 1) {
					t.Errorf("%s: cell of %v problems with id %v", c.name, n, f.Properties["id"])
				}
			}
		}
		if got != want || want == 0 {
			t.Errorf("%s: cells count %d problems, SQL %d", c.name, got, want)
		}
		if cells >= got && got > 100 {
			t.Errorf("%s: %d cells for %d problems: nothing aggregated", c.name, cells, got)
		}
	}
}

// TestHeatCellsCountEveryProblem: heat squares add up to the problems of
// the tile, and each is a square polygon.
func TestHeatCellsCountEveryProblem(t *testing.T) {
	e := setup(t)
	tl := at(116.0503, 37.1003, 12)
	ls, _ := e.tile(t, "heat", tl, "?status=reported")
	b := tl.Bound()
	want := e.ints(t, `SELECT count(*) FROM problems WHERE status = 'reported' AND geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1])[0]
	var got int64
	for _, f := range ls["heat"].Features {
		n, _ := num(f.Properties["count"])
		got += int64(n)
		p, ok := f.Geometry.(orb.Polygon)
		if !ok || len(p) != 1 || len(p[0]) != 5 {
			t.Errorf("heat cell geometry %T %v, want one square", f.Geometry, f.Geometry)
		}
	}
	if got != want || want == 0 {
		t.Errorf("heat counts %d problems, SQL %d", got, want)
	}
}

// TestAreaAndStreetTilesHoldWhatTheyTouch compares the codes in area,
// street and frontage tiles with SQL.
func TestAreaAndStreetTilesHoldWhatTheyTouch(t *testing.T) {
	e := setup(t)
	tl := at(116.05, 37.15, 12) // the north-west grid, away from the others' edges at zoom 12?
	codes := func(layer, name string) []string {
		ls, _ := e.tile(t, layer, tl, "")
		var out []string
		if l := ls[name]; l != nil {
			for _, f := range l.Features {
				out = append(out, f.Properties["code"].(string))
			}
		}
		slices.Sort(out)
		return out
	}
	b := tl.Bound()
	want := func(sql string) []string {
		rows, err := e.D.Pool.Query(t.Context(), sql, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	env := `ST_MakeEnvelope($1, $2, $3, $4, 4326)`
	if got, w := codes("grids", "grids"), want(`SELECT code FROM areas WHERE level = 'grid' AND ST_Intersects(geom, `+env+`) ORDER BY code`); !slices.Equal(got, w) || len(w) == 0 {
		t.Errorf("grids: tile %v, SQL %v", got, w)
	}
	if got, w := codes("districts", "districts"), want(`SELECT code FROM areas WHERE level = 'district' AND ST_Intersects(geom, `+env+`) ORDER BY code`); !slices.Equal(got, w) || len(w) == 0 {
		t.Errorf("districts: tile %v, SQL %v", got, w)
	}
	if got, w := codes("streets", "streets"), want(`SELECT code FROM streets WHERE ST_Intersects(geom, `+env+`) ORDER BY code`); !slices.Equal(got, w) || len(w) == 0 {
		t.Errorf("streets: tile %v, SQL %v", got, w)
	}
	ls, _ := e.tile(t, "frontages", at(116.05, 37.1001, 16), "")
	if ls["frontages"] == nil || len(ls["frontages"].Features) != 1 || ls["frontages"].Features[0].Properties["name"] != "老王烧烤" {
		t.Errorf("frontage tile: %v", ls["frontages"])
	}
	if ls["frontage_zones"] == nil || len(ls["frontage_zones"].Features) != 1 {
		t.Errorf("frontage zone tile: %v", ls["frontage_zones"])
	}
}
