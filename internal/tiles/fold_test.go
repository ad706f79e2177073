package tiles_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/tiles"
)

// TestFoldKeepsEveryETag changes problems in a few tiles, folds the
// version rows, and finds each tile's ETag as it was before the fold and
// one row per zoom-14 tile left.
func TestFoldKeepsEveryETag(t *testing.T) {
	e := setup(t)
	for i := 0; i < 3; i++ {
		if _, err := e.D.Pool.Exec(t.Context(), `UPDATE problems SET version = version + 1 WHERE id IN (SELECT id FROM problems ORDER BY id LIMIT 5)`); err != nil {
			t.Fatal(err)
		}
	}
	ps := []string{path("problems", at(116.05, 37.1, 15), ""), path("problems", at(116.05, 37.1, 10), ""),
		path("heat", at(116.05, 37.1, 12), ""), path("problems", at(116.19, 37.01, 14), "")}
	tags := func() []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			r := e.get(t, p)
			r.Body.Close()
			out[i] = r.Header.Get("ETag")
		}
		return out
	}
	before := tags()
	packed, err := tiles.Fold(t.Context(), e.D.Pool)
	if err != nil || packed == 0 {
		t.Fatalf("fold: %d tiles, %v; want some packed", packed, err)
	}
	after := tags()
	for i := range ps {
		if before[i] != after[i] {
			t.Errorf("%s: ETag %s before the fold, %s after", ps[i], before[i], after[i])
		}
	}
	if many := e.ints(t, `SELECT count(*) FROM (SELECT 1 FROM problem_tile_versions GROUP BY x, y HAVING count(*) > 1) m`)[0]; many != 0 {
		t.Errorf("%d tiles still have several version rows after the fold", many)
	}
}

// TestAWriterInATileDoesNotWaitForAnotherOne holds a transaction that
// changed a problem open (as a bulk import between its COPY and its
// commit does) and changes another problem of the same zoom-14 tile
// beside it: the second write must not wait for the first to commit.
func TestAWriterInATileDoesNotWaitForAnotherOne(t *testing.T) {
	e := setup(t)
	ids := e.ints(t, `SELECT a.id FROM problems a JOIN problems b ON a.id < b.id
		AND tile14_x(a.geom) = tile14_x(b.geom) AND tile14_y(a.geom) = tile14_y(b.geom)
		ORDER BY a.id LIMIT 1`)
	if len(ids) == 0 {
		t.Fatal("fixture: no zoom-14 tile holds two problems")
	}
	other := e.ints(t, `SELECT b.id FROM problems a JOIN problems b ON a.id <> b.id
		AND tile14_x(a.geom) = tile14_x(b.geom) AND tile14_y(a.geom) = tile14_y(b.geom) WHERE a.id = $1 LIMIT 1`, ids[0])[0]
	ctx := context.Background()
	tx, err := e.D.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `UPDATE problems SET version = version + 1 WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	conn, err := e.D.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET lock_timeout = '2s'`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `RESET lock_timeout`)
	start := time.Now()
	if _, err := conn.Exec(ctx, `UPDATE problems SET version = version + 1 WHERE id = $1`, other); err != nil {
		t.Fatalf("the second writer in the tile: %v after %v (it waited for the first)", err, time.Since(start))
	}
}
