package placemap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func polysFromWKT(t *testing.T, s string) []polygon {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	polys, _, err := decodePolygons(b)
	if err != nil {
		t.Fatal(err)
	}
	return polys
}

const (
	squareWithHole = "POLYGON((0 0,10 0,10 10,0 10,0 0),(3 3,3 7,7 7,7 3,3 3))"
	triangle       = "POLYGON((0 0,4 4,8 0,0 0))"
	islandInHole   = "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,2 8,8 8,8 2,2 2)),((4 4,6 4,6 6,4 6,4 4)))"
	vNotch         = "POLYGON((0 0,5 5,10 0,10 10,0 10,0 0))"
	city           = "POLYGON((116.3001 37.4001,116.3057 37.4003,116.3061 37.4049,116.3004 37.4052,116.3001 37.4001),(116.302 37.402,116.302 37.403,116.303 37.403,116.303 37.402,116.302 37.402))"
)

// TestCoversBoundariesAndHoles pins ST_Covers's rule: a point on any edge
// or vertex, of the shell or of a hole, is covered; inside a hole is not.
// Every case is also asked of PostGIS.
func TestCoversBoundariesAndHoles(t *testing.T) {
	cases := []struct {
		wkt  string
		x, y float64
		want bool
		why  string
	}{
		{squareWithHole, 5, 1, true, "inside the shell"},
		{squareWithHole, 5, 5, false, "inside the hole"},
		{squareWithHole, 0, 0, true, "shell vertex"},
		{squareWithHole, 10, 5, true, "on a vertical shell edge"},
		{squareWithHole, 5, 10, true, "on a horizontal shell edge"},
		{squareWithHole, 3, 5, true, "on a vertical hole edge"},
		{squareWithHole, 5, 7, true, "on a horizontal hole edge"},
		{squareWithHole, 7, 3, true, "hole vertex"},
		{squareWithHole, 10.000000000000002, 5, false, "one ulp outside"},
		{squareWithHole, 11, 5, false, "outside"},
		{squareWithHole, -1, 0, false, "left of a vertex, on its horizontal"},
		{triangle, 2, 2, true, "on a diagonal edge"},
		{triangle, 6, 2, true, "on the other diagonal edge"},
		{triangle, 4, 4, true, "apex"},
		{triangle, 2, 2.0000000000000004, false, "a hair above a diagonal edge"},
		{triangle, 1, 4, false, "level with the apex, outside"},
		{islandInHole, 5, 5, true, "on the island inside the hole"},
		{islandInHole, 3, 5, false, "in the hole beside the island"},
		{islandInHole, 4, 5, true, "on the island's shell"},
		{islandInHole, 2, 5, true, "on the hole's edge"},
		{vNotch, 5, 5, true, "the notch's vertex"},
		{vNotch, 5, 4, false, "inside the notch"},
		{vNotch, 2, 5, true, "ray through the notch's vertex, left"},
		{vNotch, 8, 5, true, "ray through the notch's vertex, right"},
		{vNotch, 5, 6, true, "above the notch"},
		{vNotch, 2.5, 2.5, true, "on the notch's edge"},
		{city, 116.3057, 37.4003, true, "real vertex"},
		{city, 116.3025, 37.403, true, "on the hole's top edge"},
		{city, 116.3025, 37.4025, false, "in the hole"},
		{city, 116.3003, 37.4030, true, "inside"},
	}
	d := dbtest.New(t)
	ctx := context.Background()
	for _, c := range cases {
		got := covers(polysFromWKT(t, c.wkt), pt{c.x, c.y})
		var pg bool
		if err := d.Pool.QueryRow(ctx, `SELECT ST_Covers(ST_GeomFromText($1, 4326), ST_SetSRID(ST_MakePoint($2, $3), 4326))`,
			c.wkt, c.x, c.y).Scan(&pg); err != nil {
			t.Fatal(err)
		}
		if got != c.want || pg != c.want {
			t.Errorf("%s: POINT(%.17g %.17g) in %s: covers %v, PostGIS %v, want %v", c.why, c.x, c.y, c.wkt, got, pg, c.want)
		}
	}
}

// TestCoversAndPlanarDistanceAgreeWithPostGIS asks PostGIS about many
// points, on and off vertices and edges (including rings long enough to be
// banded), for ST_Covers and for ST_Distance to points and (multi)polygons.
func TestCoversAndPlanarDistanceAgreeWithPostGIS(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	// A star with many vertices, so that its rings are banded.
	star := "POLYGON(("
	for i := 0; i <= 120; i++ {
		k := i % 120
		r := 0.01 + 0.004*float64(k%2)
		a := float64(k) / 120 * 6.283185307179586
		if i > 0 {
			star += ","
		}
		x, y := 116.3+r*math.Cos(a), 37.4+r*math.Sin(a)
		if i == 120 {
			x, y = 116.3+0.01, 37.4
		}
		star += fmt.Sprintf("%.7f %.7f", x, y)
	}
	star += "))"
	geoms := []string{squareWithHole, triangle, islandInHole, vNotch, city, star}
	var ws []string
	var xs, ys []float64
	for gi, g := range geoms {
		polys := polysFromWKT(t, g)
		box := emptyBox()
		var verts []pt
		for _, p := range polys {
			for _, r := range p {
				for _, q := range r.pts {
					box.add(q)
					verts = append(verts, q)
				}
			}
		}
		w, h := box.maxX-box.minX, box.maxY-box.minY
		for range 400 {
			var p pt
			switch rng.IntN(4) {
			case 0:
				p = verts[rng.IntN(len(verts))]
			case 1:
				i := rng.IntN(len(verts) - 1)
				a, b := verts[i], verts[i+1]
				p = pt{a.x + (b.x-a.x)/2, a.y + (b.y-a.y)/2}
			default:
				p = pt{box.minX - w/10 + rng.Float64()*w*1.2, box.minY - h/10 + rng.Float64()*h*1.2}
			}
			ws, xs, ys = append(ws, geoms[gi]), append(xs, p.x), append(ys, p.y)
		}
	}
	d := dbtest.New(t)
	rows, err := d.Pool.Query(context.Background(), `
		SELECT ST_Covers(g, p), ST_Distance(g, p), ST_Distance(ST_PointN(ST_ExteriorRing(ST_GeometryN(g, 1)), 2), p)
		FROM (SELECT ST_GeomFromText(w, 4326) AS g, ST_SetSRID(ST_MakePoint(x, y), 4326) AS p, i
		      FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(w, x, y, i)) s ORDER BY i`, ws, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	i, onRing := 0, 0
	for rows.Next() {
		var cov bool
		var dist, ptDistPG float64
		if err := rows.Scan(&cov, &dist, &ptDistPG); err != nil {
			t.Fatal(err)
		}
		polys := polysFromWKT(t, ws[i])
		p := pt{xs[i], ys[i]}
		if got := covers(polys, p); got != cov {
			t.Errorf("POINT(%.17g %.17g) in %s: covers %v, PostGIS %v", p.x, p.y, ws[i], got, cov)
		}
		for _, poly := range polys {
			for _, r := range poly {
				if r.locate(p) == boundary {
					onRing++
				}
			}
		}
		if got := planarDistance(nil, polys, p); got != dist {
			t.Errorf("POINT(%.17g %.17g) to %s: %.17g, PostGIS %.17g", p.x, p.y, ws[i], got, dist)
		}
		second := polys[0][0].pts[1]
		if got := planarDistance(&second, nil, p); got != ptDistPG {
			t.Errorf("POINT(%.17g %.17g) to POINT(%.17g %.17g): %.17g, PostGIS %.17g", p.x, p.y, second.x, second.y, got, ptDistPG)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if onRing < 300 {
		t.Errorf("only %d points on a ring", onRing)
	}
	t.Logf("%d points, %d on a ring", i, onRing)
}
