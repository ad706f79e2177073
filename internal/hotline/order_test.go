package hotline_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// The order of the file does not matter: the same rows in reporting
// order and partly reversed give the same problems, events and
// recurrences, with ids in reporting order (rows reported at the same
// instant in file order); and so does importing them in two files, the
// second linking to what the first stored.
func TestImportsAgreeWhateverTheOrderOrTheFiles(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	var gen bytes.Buffer
	if _, err := problemgen.Generate(ctx, &gen, problemgen.Options{Count: 3000, Months: 2, Seed: 5, Until: until}); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(gen.String(), "\n")
	head, body := lines[0], slices.DeleteFunc(lines[1:], func(s string) bool { return s == "" })
	sorted := head + strings.Join(body, "")
	shuffled := slices.Clone(body)
	slices.Reverse(shuffled[len(shuffled)/2:]) // the second half backwards
	unsorted := head + strings.Join(shuffled, "")

	type outcome struct {
		res  hotline.Result
		rows []string
	}
	// Each run loads the sample city into its own database, where the
	// duties' ids depend on the plan of the sample's INSERT … JOIN: chains
	// are compared without them (the link's target, holder and since say
	// which duty it is).
	run := func(csv string, before ...string) outcome {
		d := dbtest.New(t)
		if err := sample.Load(ctx, d.Pool, nil); err != nil {
			t.Fatal(err)
		}
		for _, b := range before {
			mustImport(t, d, b, hotline.Options{Now: func() time.Time { return until }})
		}
		res := mustImport(t, d, csv, hotline.Options{Now: func() time.Time { return until }})
		o := outcome{res: res}
		rows, err := d.Pool.Query(ctx, `SELECT concat_ws('|', right(p.number, 7)::int - p.id, p.source_ref, p.status, p.grid_code, p.community_code, p.street_code,
				p.street_distance_m, p.frontage_id, p.assignee_person_id, p.assignee_department, p.assignee_role, p.due_at, p.closed_at,
				q.source_ref, p.h3_15, (SELECT jsonb_agg(l - 'duty_id' ORDER BY n) FROM jsonb_array_elements(problem_chain(p.chain_links, p.street_distance_m)) WITH ORDINALITY x(l, n))::text,
				e.to_status, (e.data - 'line')::text)
			FROM problems p LEFT JOIN problems q ON q.id = p.recurs_of JOIN problem_events e ON e.problem_id = p.id
			ORDER BY p.source_ref`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			o.rows = append(o.rows, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT count(*) FROM (SELECT reported_at < lag(reported_at) OVER (ORDER BY id) AS back FROM problems) x WHERE back`); n != 0 {
			t.Errorf("%d ids out of reporting order", n)
		}
		return o
	}
	a, b := run(sorted), run(unsorted)
	// The first half imported before: the second import skips it and
	// links to it as to the file's own rows.
	c := run(sorted, head+strings.Join(body[:len(body)/2], ""))
	if c.res.AlreadyImported != len(body)/2 || c.res.Imported != len(body)-len(body)/2 {
		t.Errorf("after the first half: %+v", c.res)
	}
	if len(c.rows) != len(a.rows) {
		t.Fatalf("imported in two files: %d problems, in one %d", len(c.rows), len(a.rows))
	}
	for i := range a.rows {
		if a.rows[i] != c.rows[i] {
			t.Errorf("imported in two files, problem %d:\n one file  %.300s\n two files %.300s", i, a.rows[i], c.rows[i])
			break
		}
	}
	if a.res.Imported != 3000 || a.res.Recurrences == 0 || a.res.Closed == 0 || a.res.Dispatched == 0 {
		t.Fatalf("sorted: %+v", a.res)
	}
	if a.res.Imported != b.res.Imported || a.res.Recurrences != b.res.Recurrences || a.res.Closed != b.res.Closed || a.res.Unmapped != b.res.Unmapped {
		t.Errorf("in order %+v\nreversed %+v", a.res, b.res)
	}
	if len(a.rows) != len(b.rows) {
		t.Fatalf("%d and %d problems", len(a.rows), len(b.rows))
	}
	diffs := 0
	for i := range a.rows {
		if a.rows[i] != b.rows[i] {
			if diffs++; diffs <= 3 {
				t.Errorf("problem %d:\n in order %s\n reversed %s", i, a.rows[i], b.rows[i])
			}
		}
	}
	if diffs > 0 {
		t.Errorf("%d of %d problems differ", diffs, len(a.rows))
	}
	t.Logf("%d problems, %d recurrences", len(a.rows), a.res.Recurrences)
}
