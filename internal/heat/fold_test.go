package heat_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/heat"
)

// A heatmap is the same exact answer whether the deltas are pending,
// folded, or pending on top of folded rows (negative ones included), and
// its ETag changes with each write and each fold.
func TestHeatmapIsExactAtAnyFoldLag(t *testing.T) {
	e := setup(t)
	scatter(t, e, 600)
	to := today()
	from := to.AddDate(0, 0, -90)
	query := q("res", "9", "from", rfc(from), "to", rfc(to))
	check := func(what string) string {
		t.Helper()
		_, got := heatmap(t, e, query)
		compare(t, what, got, directCounts(t, e, 9, from, to, "", ""), 3)
		return get(t, e, "/api/v1/heatmap?"+query).Header.Get("ETag")
	}
	tags := map[string]string{}
	seen := func(what, tag string) {
		t.Helper()
		if prev, ok := tags[tag]; ok {
			t.Errorf("%s: the ETag of %s again", what, prev)
		}
		tags[tag] = what
	}
	seen("pending", check("all pending"))
	if _, err := heat.Fold(context.Background(), e.D.Pool); err != nil {
		t.Fatal(err)
	}
	seen("folded", check("all folded"))
	for _, step := range []string{
		`UPDATE problems SET status = 'void' WHERE id % 5 = 0 AND status <> 'merged'`,
		`UPDATE problems SET reported_at = reported_at - interval '2 days' WHERE id % 7 = 0`,
		`UPDATE problems SET status = 'in_progress' WHERE status = 'dispatched' AND id % 2 = 0`,
	} {
		if _, err := e.D.Pool.Exec(context.Background(), step); err != nil {
			t.Fatal(err)
		}
		seen(step, check(step+", pending on folded rows"))
	}
	if _, err := heat.Fold(context.Background(), e.D.Pool); err != nil {
		t.Fatal(err)
	}
	seen("folded again", check("folded again"))
	checkRollup(t, e, "folded again")
}

// Writers and folds running at the same time lose nothing: concurrent
// single-row intakes-like inserts, updates and folds, then the rollup
// equals the recount, pending and folded.
func TestFoldsBesideWritersLoseNothing(t *testing.T) {
	e := setup(t)
	scatter(t, e, 200)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	stop := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := range 60 {
				var sql string
				switch i % 3 {
				case 0:
					sql = fmt.Sprintf(`INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, number)
						SELECT category_code, source, geom, h3_15, reported_at - interval '%d hours', 'closed', '' FROM problems ORDER BY id LIMIT 1 OFFSET %d`, w+1, i)
				case 1:
					sql = fmt.Sprintf(`UPDATE problems SET status = 'void' WHERE id = (SELECT min(id) + %d FROM problems) AND status NOT IN ('merged', 'void')`, w*60+i)
				default:
					sql = fmt.Sprintf(`UPDATE problems SET category_code = 'T-DOG' WHERE id = (SELECT min(id) + %d FROM problems)`, w*60+i+1)
				}
				if _, err := e.D.Pool.Exec(ctx, sql); err != nil {
					errs <- fmt.Errorf("writer %d step %d: %w", w, i, err)
					return
				}
			}
		})
	}
	folds := 0
	var fwg sync.WaitGroup
	fwg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := heat.Fold(ctx, e.D.Pool); err != nil {
				errs <- fmt.Errorf("fold: %w", err)
				return
			}
			folds++
			time.Sleep(5 * time.Millisecond)
		}
	})
	wg.Wait()
	close(stop)
	fwg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if folds < 2 {
		t.Errorf("only %d folds ran beside the writers", folds)
	}
	checkRollup(t, e, "writers beside folds")
	checkFolded(t, e, "writers beside folds")
}
