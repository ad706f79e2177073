package problem_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// mergeAnswer is one merge request's outcome.
type mergeAnswer struct {
	from, into int64
	status     int
	body       problemBody
	err        error
}

// mergeAll sends every merge at once (from[i] into into[i]), each at the
// problem's version, and returns the answers.
func (e *env) mergeAll(ps map[int64]problem.Problem, pairs [][2]int64) []mergeAnswer {
	out := make([]mergeAnswer, len(pairs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, pr := range pairs {
		wg.Go(func() {
			a := &out[i]
			a.from, a.into = pr[0], pr[1]
			b, _ := json.Marshal(map[string]any{"action": "merge", "merge_into": pr[1], "note": "crossed"})
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/problems/%d/actions", e.srv.URL, pr[0]), bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+e.tokens["dispatcher"])
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("If-Match", fmt.Sprintf(`"%d"`, ps[pr[0]].Version))
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				a.err = err
				return
			}
			defer resp.Body.Close()
			a.status = resp.StatusCode
			body, _ := io.ReadAll(resp.Body)
			if a.status != 200 {
				a.err = json.Unmarshal(body, &a.body)
			}
		})
	}
	close(start)
	wg.Wait()
	return out
}

// noMergeCycle fails the test when a merged problem leads, through
// merged_into, back to itself (a chain A into B into C is allowed: B may
// be merged after A was merged into it).
func (e *env) noMergeCycle(t *testing.T) {
	t.Helper()
	if n := e.count(t, `WITH RECURSIVE walk (start, at, steps) AS (
			SELECT id, merged_into, 1 FROM problems WHERE merged_into IS NOT NULL
			UNION ALL
			SELECT w.start, p.merged_into, w.steps + 1 FROM walk w JOIN problems p ON p.id = w.at
			WHERE p.merged_into IS NOT NULL AND w.at <> w.start AND w.steps < 100
		) SELECT count(*) FROM walk WHERE at = start`); n != 0 {
		t.Errorf("%d problems lead back to themselves through merged_into", n)
	}
}

// Crossed merges (A into B while B into A), many pairs at once: no 500 and
// no deadlock; per pair one merge wins and the other is a 409 naming the
// conflict in merge_into; no merge cycle is stored. A triangle (A into B,
// B into C, C into A at once) ends without a cycle too.
func TestCrossedMergesConflictInsteadOfDeadlocking(t *testing.T) {
	e := setup(t)
	ps := map[int64]problem.Problem{}
	var ids []int64
	for i := range 24 {
		p := e.report(t, map[string]any{"lon": 116.01 + float64(i%12)*0.003, "lat": 37.11 + float64(i/12)*0.003, "category": "T-DOG", "source": "citizen"})
		ps[p.ID] = p
		ids = append(ids, p.ID)
	}
	var pairs [][2]int64
	for i := 0; i < 18; i += 2 { // nine crossed pairs
		pairs = append(pairs, [2]int64{ids[i], ids[i+1]}, [2]int64{ids[i+1], ids[i]})
	}
	for i := 18; i < 24; i += 3 { // two triangles
		pairs = append(pairs, [2]int64{ids[i], ids[i+1]}, [2]int64{ids[i+1], ids[i+2]}, [2]int64{ids[i+2], ids[i]})
	}
	answers := e.mergeAll(ps, pairs)
	won := map[int64]int{} // first problem of the pair or triangle → merges that succeeded
	for _, a := range answers {
		if a.err != nil {
			t.Errorf("merge %d into %d: %d: %v", a.from, a.into, a.status, a.err)
			continue
		}
		group := min(a.from, a.into)
		if a.from >= ids[18] {
			group = ids[18+(int(indexOf(ids, a.from))-18)/3*3]
		}
		switch a.status {
		case 200:
			won[group]++
		case 409:
			if len(a.body.Errors) == 0 || a.body.Errors[0].Field != "merge_into" {
				t.Errorf("merge %d into %d: 409 without merge_into: %+v", a.from, a.into, a.body)
			}
		default:
			t.Errorf("merge %d into %d: %d %+v, want 200 or 409", a.from, a.into, a.status, a.body)
		}
	}
	for i := 0; i < 18; i += 2 {
		if won[ids[i]] != 1 {
			t.Errorf("pair %d/%d: %d merges succeeded, want exactly 1", ids[i], ids[i+1], won[ids[i]])
		}
	}
	for i := 18; i < 24; i += 3 {
		if n := won[ids[i]]; n < 1 || n > 2 {
			t.Errorf("triangle from %d: %d merges succeeded, want 1 or 2", ids[i], n)
		}
	}
	e.noMergeCycle(t)
	// Each merge that succeeded wrote its events; none that failed did.
	if n, want := e.count(t, `SELECT count(*) FROM problem_events WHERE action = 'merged_in'`), e.count(t, `SELECT count(*) FROM problems WHERE status = 'merged'`); n != want {
		t.Errorf("%d merged_in events for %d merged problems", n, want)
	}
}

// Merging into a problem that is itself merged is a 409 that says where
// it went, and into the problem it was merged from, a cycle.
func TestMergingIntoAMergedProblemNamesTheConflict(t *testing.T) {
	e := setup(t)
	a := e.report(t, map[string]any{"lon": 116.01, "lat": 37.11, "category": "T-DOG", "source": "citizen"})
	b := e.report(t, map[string]any{"lon": 116.02, "lat": 37.11, "category": "T-DOG", "source": "citizen"})
	c := e.report(t, map[string]any{"lon": 116.03, "lat": 37.11, "category": "T-DOG", "source": "citizen"})
	var merged problem.Problem
	if s := e.act(t, "dispatcher", a, map[string]any{"action": "merge", "merge_into": b.ID}, &merged); s != 200 {
		t.Fatalf("merge a into b: %d", s)
	}
	var pb problemBody
	if s := e.act(t, "dispatcher", b, map[string]any{"action": "merge", "merge_into": a.ID}, &pb); s != 409 || len(pb.Errors) == 0 ||
		pb.Errors[0].Field != "merge_into" || !bytes.Contains([]byte(pb.Errors[0].Reason), []byte("cycle")) {
		t.Errorf("merge b into a (merged into b): %d %+v, want 409 naming the cycle", s, pb)
	}
	pb = problemBody{}
	if s := e.act(t, "dispatcher", c, map[string]any{"action": "merge", "merge_into": a.ID}, &pb); s != 409 || len(pb.Errors) == 0 ||
		!bytes.Contains([]byte(pb.Errors[0].Reason), []byte(fmt.Sprintf("merge into %d instead", b.ID))) {
		t.Errorf("merge c into a (merged into b): %d %+v, want 409 pointing at b", s, pb)
	}
	e.noMergeCycle(t)
}

func indexOf(ids []int64, id int64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
