package tiles_test

import (
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/tiles"
)

// rollupDiffSQL lists the keys where problem_cells and a recount from
// problems disagree (count or id sum; positions within 1e-6 degree).
const rollupDiffSQL = `WITH want AS (
	SELECT lv.z, tilez_x(p.geom, lv.z) AS x, tilez_y(p.geom, lv.z) AS y, p.category_code, p.status, p.source,
	       count(*) AS n, sum(ST_X(p.geom)) AS sum_lon, sum(ST_Y(p.geom)) AS sum_lat, sum(p.id) AS sum_id
	FROM problems p CROSS JOIN (VALUES (14), (17), (18)) lv(z) GROUP BY 1, 2, 3, 4, 5, 6
), got AS (
	SELECT z, x, y, category_code, status, source, sum(n) AS n, sum(sum_lon) AS sum_lon, sum(sum_lat) AS sum_lat, sum(sum_id) AS sum_id
	FROM problem_cells GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0
)
SELECT count(*) FROM want FULL JOIN got USING (z, x, y, category_code, status, source)
WHERE want.n IS DISTINCT FROM got.n OR want.sum_id IS DISTINCT FROM got.sum_id
   OR abs(want.sum_lon - got.sum_lon) > 1e-6 OR abs(want.sum_lat - got.sum_lat) > 1e-6`

// TestRollupFollowsEveryWrite pins the low-zoom rollup to the problems
// after inserts, status changes, moves, deletes and a multi-row update, and
// the cells of a rolled-up tile to SQL's counts after them.
func TestRollupFollowsEveryWrite(t *testing.T) {
	e := setup(t)
	check := func(when string) {
		t.Helper()
		if n := e.ints(t, rollupDiffSQL)[0]; n != 0 {
			t.Errorf("%s: %d keys of problem_cells disagree with the problems", when, n)
		}
	}
	check("after the fixture's inserts")
	for _, sql := range []string{
		`UPDATE problems SET status = 'closed', closed_at = now() WHERE id % 7 = 0 AND status <> 'closed'`,
		`UPDATE problems SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.01, ST_Y(geom)), 4326) WHERE id % 11 = 0`,
		`UPDATE problems SET description = 'unchanged for the rollup' WHERE id % 5 = 0`,
		`DELETE FROM problem_events WHERE problem_id IN (SELECT id FROM problems WHERE id % 13 = 0)`,
		`DELETE FROM problems WHERE id % 13 = 0`,
	} {
		if _, err := e.D.Pool.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		check(sql)
	}
	if _, err := tiles.Fold(t.Context(), e.D.Pool); err != nil {
		t.Fatal(err)
	}
	check("after a fold")
	if n := e.ints(t, `SELECT count(*) FROM (SELECT FROM problem_cells GROUP BY z, x, y, category_code, status, source HAVING count(*) > 1 OR sum(n) = 0) k`)[0]; n != 0 {
		t.Errorf("after a fold %d keys still have several rows or none left", n)
	}
	tl := at(116.0503, 37.1003, 10)
	ls, _ := e.tile(t, "problems", tl, "?status=closed")
	b := tl.Bound()
	want := e.ints(t, `SELECT count(*) FROM problems WHERE status = 'closed' AND geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1])[0]
	var got int64
	for _, f := range ls["problems"].Features {
		n, _ := num(f.Properties["count"])
		got += int64(n)
	}
	if got != want || want == 0 {
		t.Errorf("closed problems in the z10 tile: cells %d, SQL %d", got, want)
	}
}
