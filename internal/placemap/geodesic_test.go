package placemap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// lineDistance is the PostGIS geography distance from a point to a line
// through this package's edges (what Map does per street).
func lineDistance(l orb.LineString, lon, lat float64) float64 {
	q := newQuery(lon, lat)
	best := math.Inf(1)
	var at gpoint
	for _, e := range lineEdges(l) {
		if a, p := e.distance(&q); a < best {
			best, at = a, p
		}
	}
	return spheroidDistance(at, q.g)
}

func wktLine(l orb.LineString) string {
	var b strings.Builder
	b.WriteString("LINESTRING(")
	for i, p := range l {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%.17g %.17g", p[0], p[1])
	}
	b.WriteString(")")
	return b.String()
}

// TestGeodesicDistanceMatchesPostGIS compares the point-to-line distance
// with ST_Distance(line::geography, point::geography) on random short
// lines and points around them, including points on vertices and on the
// lines, and a few hand-picked values. Most agree to the bit; the rest to
// a step of PostGIS's 10 nm rounding, but for points within a micrometre
// of a vertex, where whether the foot of the perpendicular lies on the
// edge is decided by the last bits of libm's sine and cosine (Go's and
// glibc's differ there) — a few tenths of a micrometre.
func TestGeodesicDistanceMatchesPostGIS(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	var lines []orb.LineString
	var lons, lats []float64
	for len(lines) < 2000 {
		n := 2 + rng.IntN(5)
		x, y := 116.2+rng.Float64()*0.3, 37.3+rng.Float64()*0.3
		var l orb.LineString
		for range n {
			l = append(l, orb.Point{math.Round(x*1e7) / 1e7, math.Round(y*1e7) / 1e7})
			x += (rng.Float64() - 0.5) * 0.01
			y += (rng.Float64() - 0.5) * 0.01
		}
		var px, py float64
		switch k := rng.IntN(10); {
		case k == 0: // on a vertex
			v := l[rng.IntN(len(l))]
			px, py = v[0], v[1]
		case k == 2: // a hair off a vertex: PostGIS's 5e-14 rad equality
			v := l[rng.IntN(len(l))]
			px, py = v[0]+(rng.Float64()-0.5)*1e-11, v[1]+(rng.Float64()-0.5)*1e-11
		case k <= 4: // on an edge, as far as doubles allow
			i := rng.IntN(len(l) - 1)
			f := rng.Float64()
			px, py = l[i][0]+f*(l[i+1][0]-l[i][0]), l[i][1]+f*(l[i+1][1]-l[i][1])
		default:
			v := l[rng.IntN(len(l))]
			px, py = v[0]+(rng.Float64()-0.5)*0.004, v[1]+(rng.Float64()-0.5)*0.004
		}
		lines = append(lines, l)
		lons, lats = append(lons, px), append(lats, py)
	}
	// Axis-parallel and fixed cases.
	fixed := []struct {
		l        orb.LineString
		lon, lat float64
	}{
		{orb.LineString{{116.3, 37.45}, {116.31, 37.45}}, 116.305, 37.4504},
		{orb.LineString{{116.3, 37.45}, {116.3, 37.46}}, 116.3003, 37.455},
		{orb.LineString{{116.3, 37.45}, {116.31, 37.46}}, 116.29, 37.44},
		{orb.LineString{{116.3, 37.45}, {116.3, 37.45}}, 116.3001, 37.4501},
		// Points that PostGIS holds equal (5e-14 rad apart in both
		// coordinates) are 0 m apart; a hair further they are not.
		{orb.LineString{{116.3, 37.45}, {116.3, 37.45}}, 116.3 - 2.5e-12, 37.45},
		{orb.LineString{{116.3, 37.45}, {116.3, 37.45}}, 116.3 - 3.5e-12, 37.45},
		{orb.LineString{{116.3, 37.45}, {116.3, 37.45}}, 116.3 - 2.5e-12, 37.45 + 2.5e-12},
	}
	for _, f := range fixed {
		lines = append(lines, f.l)
		lons, lats = append(lons, f.lon), append(lats, f.lat)
	}
	wkts := make([]string, len(lines))
	for i, l := range lines {
		wkts[i] = wktLine(l)
	}
	rows, err := d.Pool.Query(ctx, `
		SELECT ST_Distance(ST_GeomFromText(w, 4326)::geography, ST_SetSRID(ST_MakePoint(x, y), 4326)::geography)
		FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(w, x, y, i) ORDER BY i`, wkts, lons, lats)
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		want = append(want, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	exact, worst := 0, 0.0
	if n := len(want); want[n-3] != 0 || want[n-2] == 0 || want[n-1] != 0 {
		t.Errorf("PostGIS's point equality moved: %v", want[n-3:])
	}
	for i, l := range lines {
		got := lineDistance(l, lons[i], lats[i])
		diff := math.Abs(got - want[i])
		worst = math.Max(worst, diff)
		if got == want[i] {
			exact++
		}
		if diff > 1e-6 {
			t.Errorf("%s to POINT(%.17g %.17g): %.10f m, PostGIS %.10f m", wkts[i], lons[i], lats[i], got, want[i])
		}
	}
	t.Logf("%d distances: %d bit-identical to PostGIS, largest difference %.3g m", len(lines), exact, worst)
}

// TestSpheroidDistanceIsSymmetric: PostGIS measures from the line's closest
// point to the query point or the other way round depending on its cache;
// either order must give the same metres.
func TestSpheroidDistanceIsSymmetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 100000 {
		a := toGeo(116.2+rng.Float64()*0.3, 37.3+rng.Float64()*0.3)
		b := toGeo(116.2+rng.Float64()*0.3, 37.3+rng.Float64()*0.3)
		if rng.IntN(2) == 0 {
			b = toGeo(a.lon*180/math.Pi+(rng.Float64()-0.5)*1e-3, a.lat*180/math.Pi+(rng.Float64()-0.5)*1e-3)
		}
		if x, y := spheroidDistance(a, b), spheroidDistance(b, a); x != y {
			t.Fatalf("%v→%v: %.12f m, back %.12f m", a, b, x, y)
		}
	}
}
