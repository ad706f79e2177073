package placemap_test

import (
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tidwall/geodesic"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/placemap"
	"github.com/gridkeeper/gridkeeper/internal/places"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// referenceSQL maps many points at once with resolveSQL's predicates and
// orderings (internal/duty/resolve.go): the hit area by level DESC, code;
// the grid link among the hit's chain; the street by ST_DWithin prefilter,
// geography distance within the radius, ORDER BY d, code; the frontage
// joined to its street, covering zone, ORDER BY planar distance, id.
const referenceSQL = `
WITH pt AS (
	SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g, r, rdeg
	FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS u(x, y, r, rdeg, i)
)
SELECT pt.i, hit.code, hit.level::text,
	(SELECT a.code FROM areas a WHERE a.code = ANY (ARRAY[left(hit.code, 6), left(hit.code, 9), left(hit.code, 12), hit.code])
		AND a.level <> 'city' AND a.level = 'grid'),
	street.code, street.name, street.d, round(street.d::numeric, 1)::float8, front.id,
	-- how often the tie-breakers decide: grids sharing the point, streets
	-- at the same distance, zones overlapping there
	(SELECT count(*) FROM areas a WHERE a.level = 'grid' AND ST_Covers(a.geom, pt.g)),
	(SELECT count(*) FROM streets s WHERE ST_DWithin(s.geom, pt.g, pt.rdeg) AND ST_Distance(s.geom::geography, pt.g::geography) = street.d),
	(SELECT count(*) FROM frontages f WHERE ST_Covers(f.zone, pt.g))
FROM pt
LEFT JOIN LATERAL (
	SELECT a.code, a.level FROM areas a WHERE ST_Covers(a.geom, pt.g) ORDER BY a.level DESC, a.code LIMIT 1) hit ON true
LEFT JOIN LATERAL (
	SELECT s.code, s.name, s.d FROM (
		SELECT s.code, s.name, ST_Distance(s.geom::geography, pt.g::geography) AS d
		FROM streets s WHERE ST_DWithin(s.geom, pt.g, pt.rdeg)) s
	WHERE s.d <= pt.r ORDER BY s.d, s.code LIMIT 1) street ON true
LEFT JOIN LATERAL (
	SELECT f.id FROM frontages f JOIN streets s ON s.code = f.street_code
	WHERE ST_Covers(f.zone, pt.g) ORDER BY ST_Distance(f.geom, pt.g), f.id LIMIT 1) front ON true
ORDER BY pt.i`

type probe struct {
	kind     string
	lon, lat float64
	radius   float64
}

// TestMapMatchesResolveSQLOnTheSampleCity maps thousands of points of
// every awkward kind with Map and with PostGIS and wants the same answer.
func TestMapMatchesResolveSQLOnTheSampleCity(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		t.Fatalf("load the sample city: %v", err)
	}
	// Load inside a transaction, as the importer does.
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	snap, err := placemap.Load(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}

	probes := sampleProbes(t, ctx, d.Pool)
	xs, ys, rs, rds := make([]float64, len(probes)), make([]float64, len(probes)), make([]float64, len(probes)), make([]float64, len(probes))
	for i, p := range probes {
		xs[i], ys[i], rs[i], rds[i] = p.lon, p.lat, p.radius, places.RadiusDegrees(p.radius, p.lat)
	}
	rows, err := tx.Query(ctx, referenceSQL, xs, ys, rs, rds)
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		hit, level, grid, street, name *string
		d, d1                          *float64
		front                          *int64
		grids, streets, zones          int
	}
	var refs []ref
	for rows.Next() {
		var i int64
		var r ref
		if err := rows.Scan(&i, &r.hit, &r.level, &r.grid, &r.street, &r.name, &r.d, &r.d1, &r.front, &r.grids, &r.streets, &r.zones); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(refs) != len(probes) {
		t.Fatalf("%d reference rows for %d points", len(refs), len(probes))
	}

	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	counts := map[string]int{}
	var withGrid, withStreet, withFront, exactM, failures, sharedGrid, tiedStreet, overlapZone int
	worst := 0.0
	seq := make([]placemap.Result, len(probes))
	for i, p := range probes {
		counts[p.kind]++
		got := snap.Map(p.lon, p.lat, p.radius)
		seq[i] = got
		r := refs[i]
		want := placemap.Result{Grid: str(r.grid), Hit: str(r.hit), HitLevel: str(r.level), Street: str(r.street), StreetName: str(r.name)}
		if r.d != nil {
			want.StreetM = *r.d
		}
		if r.front != nil {
			want.Frontage = *r.front
		}
		ok := got.Grid == want.Grid && got.Hit == want.Hit && got.HitLevel == want.HitLevel &&
			got.Street == want.Street && got.StreetName == want.StreetName && got.Frontage == want.Frontage &&
			math.Abs(got.StreetM-want.StreetM) <= 1e-6
		if r.d1 != nil && pgRound1(got.StreetM) != *r.d1 {
			ok = false
		}
		if !ok {
			failures++
			if failures <= 20 {
				t.Errorf("%s POINT(%.17g %.17g) r=%g:\n Map %+v\n SQL %+v (round %v)", p.kind, p.lon, p.lat, p.radius, got, want, deref(r.d1))
			}
			continue
		}
		if want.Grid != "" {
			withGrid++
		}
		if want.Street != "" {
			withStreet++
			worst = math.Max(worst, math.Abs(got.StreetM-want.StreetM))
			if got.StreetM == want.StreetM {
				exactM++
			}
		}
		if want.Frontage != 0 {
			withFront++
		}
		if r.grids > 1 {
			sharedGrid++
		}
		if r.streets > 1 {
			tiedStreet++
		}
		if r.zones > 1 {
			overlapZone++
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d points mapped differently", failures, len(probes))
	}

	// And through resolveSQL itself (duty.Resolve, as intake calls it) for
	// every eighth point: the frontage, street (with its rounded metres),
	// grid and deepest non-city area links name what Map found.
	resolved := 0
	for i := 0; i < len(probes); i += 8 {
		p, got := probes[i], seq[i]
		ch, err := duty.Resolve(ctx, tx, p.lon, p.lat, "E01-10", time.Now(), p.radius)
		if err != nil {
			t.Fatal(err)
		}
		var front, street, grid, deepest string
		var metres *float64
		for _, l := range ch.Links {
			switch l.Role {
			case "frontage_owner":
				front = l.Target.Key
			case "street_chief":
				street, metres = l.Target.Key, l.DistanceM
			case "grid_officer":
				grid = l.Target.Key
			}
			if l.Target.Kind == "area" && len(l.Target.Key) > len(deepest) {
				deepest = l.Target.Key
			}
		}
		want := got.Hit
		if got.HitLevel == "city" {
			want = ""
		}
		if front != strconv.FormatInt(got.Frontage, 10) && !(front == "" && got.Frontage == 0) ||
			street != got.Street || grid != got.Grid || deepest != want ||
			(metres == nil) != (got.Street == "") || metres != nil && *metres != pgRound1(got.StreetM) {
			t.Errorf("%s POINT(%.17g %.17g): Map %+v, Resolve frontage %q street %q (%v m) grid %q deepest %q",
				p.kind, p.lon, p.lat, got, front, street, deref(metres), grid, deepest)
		}
		resolved++
	}
	t.Logf("%d points also resolved through duty.Resolve", resolved)

	// The importer maps from several goroutines at once: same answers.
	var wg sync.WaitGroup
	var mismatches atomic.Int64
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(probes); i += 2 {
				p := probes[i]
				if snap.Map(p.lon, p.lat, p.radius) != seq[i] {
					mismatches.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := mismatches.Load(); n > 0 {
		t.Errorf("%d points mapped differently from concurrent goroutines", n)
	}
	t.Logf("%d points checked: %v", len(probes), counts)
	t.Logf("in a grid %d, with a street %d (metres bit-identical %d, largest difference %.2g m), in a frontage zone %d",
		withGrid, withStreet, exactM, worst, withFront)
	t.Logf("tie-breakers: on %d points several grids meet, %d have several streets at the same distance, %d lie in overlapping zones",
		sharedGrid, tiedStreet, overlapZone)
	if len(probes) < 3000 || withStreet < 1000 || withFront < 500 || withGrid < 1500 {
		t.Errorf("too few interesting points: %d points, %d with a street, %d in a zone, %d in a grid", len(probes), withStreet, withFront, withGrid)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// pgRound1 is PostgreSQL's round(d::numeric, 1)::float8: float8 to numeric
// keeps 15 significant digits, round goes half away from zero.
func pgRound1(d float64) float64 {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(d, 'e', 14, 64))
	if !ok {
		return math.NaN()
	}
	r.Mul(r, big.NewRat(10, 1))
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	n := new(big.Int).Quo(r.Num(), r.Denom())
	s := n.String()
	for len(s) < 2 {
		s = "0" + s
	}
	s = s[:len(s)-1] + "." + s[len(s)-1:]
	if neg {
		s = "-" + s
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// sampleProbes draws the points to check from the sample city itself.
func sampleProbes(t *testing.T, ctx context.Context, db interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) []probe {
	t.Helper()
	rng := rand.New(rand.NewPCG(2026, 10))
	var probes []probe
	add := func(kind string, lon, lat, r float64) { probes = append(probes, probe{kind, lon, lat, r}) }
	query := func(sql string, fn func(x, y float64, path []int32)) {
		rows, err := db.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var x, y float64
			var path []int32
			if err := rows.Scan(&x, &y, &path); err != nil {
				t.Fatal(err)
			}
			fn(x, y, path)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}

	// 1. Uniform in the city's bounding box grown by a tenth on every side.
	var minX, minY, maxX, maxY float64
	query(`SELECT ST_XMin(e), ST_YMin(e), ARRAY[]::int[] FROM (SELECT ST_Extent(geom)::geometry e FROM areas) s`,
		func(x, y float64, _ []int32) { minX, minY = x, y })
	query(`SELECT ST_XMax(e), ST_YMax(e), ARRAY[]::int[] FROM (SELECT ST_Extent(geom)::geometry e FROM areas) s`,
		func(x, y float64, _ []int32) { maxX, maxY = x, y })
	w, h := maxX-minX, maxY-minY
	for range 1500 {
		add("random", minX-w/10+rng.Float64()*w*1.2, minY-h/10+rng.Float64()*h*1.2, 50)
	}

	// 2. 0–60 m from street segments (anywhere along, or at a vertex),
	// with radii of 50 m and some others.
	type seg struct{ a, b [2]float64 }
	var segs []seg
	var last [2]float64
	var lastPart [2]int32
	query(`SELECT ST_X(dp.geom), ST_Y(dp.geom), ARRAY[s.id, dp.path[1]]::int[]
		FROM (SELECT row_number() OVER (ORDER BY code)::int AS id, geom FROM streets) s, ST_DumpPoints(s.geom) dp
		ORDER BY s.id, dp.path`, func(x, y float64, path []int32) {
		part := [2]int32{path[0], path[1]}
		if part == lastPart {
			segs = append(segs, seg{last, [2]float64{x, y}})
		}
		last, lastPart = [2]float64{x, y}, part
	})
	// Exactly on street vertices, first those several streets share
	// (distance 0 to each: the lowest code wins).
	shared := map[[2]float64]int{}
	for _, s := range segs {
		shared[s.a]++
		shared[s.b]++
	}
	onVertex := 0
	for _, s := range segs {
		if shared[s.a] > 2 && onVertex < 300 {
			add("street-vertex-shared", s.a[0], s.a[1], 50)
			shared[s.a] = 0
			onVertex++
		}
	}
	for range 100 {
		s := segs[rng.IntN(len(segs))]
		add("street-vertex", s.b[0], s.b[1], 50)
	}
	radii := []float64{50, 50, 50, 30, 60, 10, 200, 1000}
	for range 1200 {
		s := segs[rng.IntN(len(segs))]
		f := rng.Float64()
		kind := "near-street"
		if rng.IntN(4) == 0 {
			f, kind = float64(rng.IntN(2)), "near-street-vertex"
		}
		lon, lat := s.a[0]+f*(s.b[0]-s.a[0]), s.a[1]+f*(s.b[1]-s.a[1])
		var plat, plon float64
		geodesic.WGS84.Direct(lat, lon, rng.Float64()*360-180, rng.Float64()*60, &plat, &plon, nil)
		add(kind, plon, plat, radii[rng.IntN(len(radii))])
	}

	// 3. Inside frontage zones, and on their vertices.
	query(`SELECT ST_X(g), ST_Y(g), ARRAY[]::int[] FROM (
		SELECT (ST_Dump(ST_GeneratePoints(zone, 2, 7))).geom AS g FROM frontages WHERE zone IS NOT NULL AND id % 5 = 0 ORDER BY id) s`,
		func(x, y float64, _ []int32) { add("frontage-zone", x, y, 50) })
	// Where zones overlap, the nearest unit wins, then the lowest id.
	query(`SELECT ST_X(g), ST_Y(g), ARRAY[]::int[] FROM (
		SELECT ST_PointOnSurface(i) AS g FROM (
			SELECT a.id, b.id AS bid, ST_Intersection(a.zone, b.zone) AS i
			FROM frontages a JOIN frontages b ON a.id < b.id AND ST_Intersects(a.zone, b.zone)) x
		WHERE GeometryType(i) IN ('POLYGON', 'MULTIPOLYGON') AND ST_Area(i) > 1e-12 ORDER BY id, bid LIMIT 400) s`,
		func(x, y float64, _ []int32) { add("frontage-overlap", x, y, 50) })
	query(`SELECT ST_X(dp.geom), ST_Y(dp.geom), ARRAY[]::int[] FROM frontages f, ST_DumpPoints(f.zone) dp
		WHERE f.id % 37 = 0 ORDER BY f.id, dp.path`,
		func(x, y float64, _ []int32) { add("frontage-zone-vertex", x, y, 50) })

	// 4. Exactly on grid vertices (shared by neighbours), on other areas'
	// vertices, and at the midpoints of grid edges (axis-parallel ones lie
	// exactly on the shared edge; the sample city has none, so every
	// midpoint is within a rounding of it).
	var gridPts [][3]float64 // x, y, ring id
	query(`SELECT ST_X(dp.geom), ST_Y(dp.geom), ARRAY[a.id, dp.path[1], dp.path[2]]::int[]
		FROM areas a, ST_DumpPoints(a.geom) dp WHERE a.level = 'grid' ORDER BY a.id, dp.path`,
		func(x, y float64, path []int32) {
			gridPts = append(gridPts, [3]float64{x, y, float64(path[0]*1000 + path[1]*100 + path[2])})
		})
	seen := map[[2]float64]bool{}
	for _, p := range gridPts {
		if k := [2]float64{p[0], p[1]}; !seen[k] {
			seen[k] = true
			add("grid-vertex", p[0], p[1], 50)
		}
	}
	axis := 0
	for i := 1; i < len(gridPts); i++ {
		a, b := gridPts[i-1], gridPts[i]
		if a[2] != b[2] || rng.IntN(3) != 0 && a[0] != b[0] && a[1] != b[1] {
			continue
		}
		kind := "grid-edge-midpoint"
		if a[0] == b[0] || a[1] == b[1] {
			kind, axis = "grid-edge-axis-midpoint", axis+1
		}
		add(kind, a[0]+(b[0]-a[0])/2, a[1]+(b[1]-a[1])/2, 50)
	}
	query(`SELECT ST_X(dp.geom), ST_Y(dp.geom), ARRAY[]::int[] FROM areas a, ST_DumpPoints(a.geom) dp
		WHERE a.level <> 'grid' AND (dp.path[3] % 4 = 0) ORDER BY a.code, dp.path`,
		func(x, y float64, _ []int32) { add("area-vertex", x, y, 50) })
	return probes
}
