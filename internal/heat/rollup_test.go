package heat_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/heat"
)

// rollupDiff lists the differences between the rollup as readers see it
// (heat_day and the deltas not folded yet: the heat_entries view) and the
// rollup recomputed from problems, and heat_day rows empty or unsorted.
const rollupDiff = `
WITH want AS (
	SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(h3_15, 6) AS area, (h3_15 >> 15) & 4095 AS off,
		category_code, source, count(*)::int AS n, count(rebound_of)::int AS rebounds
	FROM problems WHERE status NOT IN ('void', 'merged') GROUP BY 1, 2, 3, 4, 5
), have AS (
	SELECT h.day, h.area, h.k >> 13 AS off, hk.category_code, hk.source, h.n, h.rb AS rebounds
	FROM heat_entries h JOIN heat_keys hk ON hk.id = h.k & 8191
)
SELECT coalesce(w.day, h.day)::text || ' ' || h3_to_string(coalesce(w.area, h.area)) || ' +' || coalesce(w.off, h.off) || ' ' || coalesce(w.category_code, h.category_code)
	|| ': want ' || coalesce(w.n, 0) || '/' || coalesce(w.rebounds, 0) || ', have ' || coalesce(h.n, 0) || '/' || coalesce(h.rebounds, 0)
FROM want w FULL JOIN have h USING (day, area, off, category_code, source)
WHERE w.n IS DISTINCT FROM h.n OR w.rebounds IS DISTINCT FROM h.rebounds
UNION ALL
SELECT 'row ' || day || ' ' || h3_to_string(area) || ' empty or unsorted' FROM heat_day h
WHERE length(entries) = 0 OR (SELECT array_agg(k) FROM heat_unpack(entries)) <> (SELECT array_agg(k ORDER BY k) FROM heat_unpack(entries))`

func checkRollup(t *testing.T, e *apitest.Env, after string) {
	t.Helper()
	rows, err := e.D.Pool.Query(context.Background(), rollupDiff)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		t.Errorf("after %s: %s", after, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// checkFolded folds the pending deltas and checks heat_day alone against
// the recount: folding loses nothing and leaves nothing pending.
func checkFolded(t *testing.T, e *apitest.Env, after string) {
	t.Helper()
	if _, err := heat.Fold(context.Background(), e.D.Pool); err != nil {
		t.Fatalf("after %s: fold: %v", after, err)
	}
	var pending int
	if err := e.D.Pool.QueryRow(context.Background(), `SELECT count(*) FROM heat_delta`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("after %s and a fold: %d deltas pending", after, pending)
	}
	checkRollup(t, e, after+", folded")
}

// version is the data version the heat ETags are made of.
func version(t *testing.T, e *apitest.Env) string {
	var v string
	if err := e.D.Pool.QueryRow(context.Background(), `SELECT heat_state()`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The rollup follows every kind of write to problems, one statement at a
// time, before and after its deltas are folded, and each writing statement
// and each fold changes the data version.
func TestRollupFollowsEveryWriteToProblems(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	scatter(t, e, 400)
	checkRollup(t, e, "a 400-row INSERT")
	v := version(t, e)
	for i, step := range []struct{ what, sql string }{
		{"status changes", `UPDATE problems SET status = 'in_progress' WHERE status = 'dispatched'`},
		{"voiding", `UPDATE problems SET status = 'void' WHERE id % 7 = 0 AND status <> 'merged'`},
		{"un-voiding", `UPDATE problems SET status = 'closed' WHERE id % 14 = 0 AND status = 'void'`},
		{"a new category", `UPDATE problems SET category_code = 'T-DOG' WHERE id % 5 = 0`},
		{"a new day", `UPDATE problems SET reported_at = reported_at - interval '13 hours' WHERE id % 3 = 0`},
		{"a new place", `UPDATE problems SET h3_15 = (SELECT h3_15 FROM problems ORDER BY id LIMIT 1) WHERE id % 11 = 0`},
		{"rebound links", `UPDATE problems SET rebound_of = NULL WHERE id % 2 = 0`},
		{"merging", `UPDATE problems SET status = 'merged', merged_into = (SELECT min(id) FROM problems) WHERE id % 9 = 1 AND id > (SELECT min(id) FROM problems)`},
		{"a category code renamed (ON UPDATE CASCADE)", `UPDATE categories SET code = 'T-ROAD2' WHERE code = 'T-ROAD'`},
		{"deleting", `DELETE FROM problems WHERE id % 4 = 3 AND id NOT IN (SELECT rebound_of FROM problems WHERE rebound_of IS NOT NULL UNION SELECT merged_into FROM problems WHERE merged_into IS NOT NULL)`},
	} {
		if _, err := e.D.Pool.Exec(ctx, step.sql); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		checkRollup(t, e, step.what)
		nv := version(t, e)
		if nv == v {
			t.Errorf("%s: version stayed %s", step.what, v)
		}
		v = nv
		if i%2 == 1 { // every other step on deltas piled on deltas
			checkFolded(t, e, step.what)
			if nv := version(t, e); nv == v {
				t.Errorf("%s: the fold left the version at %s", step.what, v)
			} else {
				v = nv
			}
		}
	}
	checkFolded(t, e, "every step")
	v = version(t, e)
	// An UPDATE that matches nothing writes nothing.
	if _, err := e.D.Pool.Exec(ctx, `UPDATE problems SET status = 'closed' WHERE id < 0`); err != nil {
		t.Fatal(err)
	}
	if nv := version(t, e); nv != v {
		t.Errorf("an empty UPDATE changed the version to %s", nv)
	}
}

// Intake through the API (one problem per INSERT) keeps the rollup too.
func TestIntakeKeepsTheRollupCurrent(t *testing.T) {
	e := setup(t)
	for i := range 5 {
		r := e.Do(t, "POST", "/api/v1/problems", e.Dispatcher,
			fmt.Sprintf(`{"lon":116.05,"lat":%g,"category":"T-DOG","source":"patrol"}`, 37.05+float64(i)*0.0001))
		if r.Status != 201 {
			t.Fatalf("intake: %d %s", r.Status, r.Body)
		}
	}
	checkRollup(t, e, "intake")
	checkFolded(t, e, "intake")
	_, cells := heatmap(t, e, "res=9")
	var n int
	for _, c := range cells {
		n += c.Count
		if c.Open != c.Count {
			t.Errorf("%+v: intake leaves problems open", c)
		}
	}
	if n != 5 {
		t.Errorf("%d problems in the heatmap, want 5", n)
	}
}
