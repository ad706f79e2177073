package problem_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// step takes an action as the admin and returns the new problem.
func (e *env) step(t *testing.T, p problem.Problem, action string, extra ...any) problem.Problem {
	t.Helper()
	body := map[string]any{"action": action}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	var out problem.Problem
	if s := e.act(t, "admin", p, body, &out); s != 200 {
		t.Fatalf("%s from %s: status %d", action, p.Status, s)
	}
	if out.Version != p.Version+1 {
		t.Fatalf("%s: version %d -> %d, want +1", action, p.Version, out.Version)
	}
	return out
}

func TestEveryAllowedTransition(t *testing.T) {
	e := setup(t)
	citizen := func() problem.Problem {
		return e.report(t, with(shopFront, "category", "T-LITTER", "source", "citizen"))
	}
	// The whole life: reported → registered → dispatched → in_progress →
	// resolved → (rework) → in_progress → resolved → closed.
	p := citizen()
	p = e.step(t, p, "register")
	p = e.step(t, p, "dispatch")
	if p.Assignee == nil || p.Assignee.Name != "刘洋" || p.DueAt == nil {
		t.Fatalf("dispatch without assignee picks the chain's first holder: %+v", p.Assignee)
	}
	p = e.step(t, p, "start")
	p = e.step(t, p, "resolve")
	p = e.step(t, p, "rework", "note", "still dirty")
	if p.Status != "in_progress" || p.ReworkCount != 1 || p.Assignee.Name != "刘洋" {
		t.Fatalf("rework: %+v, want the same handler again", p)
	}
	p = e.step(t, p, "resolve")
	p = e.step(t, p, "close")
	if p.Status != "closed" || p.ClosedAt == nil || p.OnTime == nil || !*p.OnTime || len(p.AllowedActions) != 0 {
		t.Fatalf("closed: %+v", p)
	}

	// Side roads: send back and re-dispatch; extend; park and dispatch
	// again; void; resolve straight from dispatched.
	q := e.report(t, with(shopFront, "category", "T-ROAD", "source", "patrol"))
	q = e.step(t, q, "send_back", "note", "not a road problem, wrong handler")
	if q.Status != "registered" || q.Assignee != nil {
		t.Fatalf("send back: %+v", q)
	}
	q = e.step(t, q, "dispatch", "assignee", "department:cgj")
	if q.Assignee == nil || q.Assignee.Code != "cgj" || q.DispatchCount != 2 {
		t.Fatalf("re-dispatch: %+v", q)
	}
	newDue := q.DueAt.Add(72 * time.Hour).Format(time.RFC3339)
	q = e.step(t, q, "extend", "due_at", newDue, "note", "需协调施工单位")
	if q.ExtensionCount != 1 || q.DueAt.Format(time.RFC3339) != newDue {
		t.Fatalf("extend: %+v", q)
	}
	q = e.step(t, q, "park", "note", "等待拆迁")
	q = e.step(t, q, "dispatch")
	q = e.step(t, q, "resolve")
	if q.Status != "resolved" {
		t.Fatalf("resolve from dispatched: %s", q.Status)
	}
	v := citizen()
	v = e.step(t, v, "void", "note", "重复举报")
	if v.Status != "void" {
		t.Fatalf("void: %s", v.Status)
	}
	w := e.step(t, citizen(), "register")
	w = e.step(t, w, "park", "note", "冬季无法施工")
	w = e.step(t, w, "void", "note", "已纳入改造计划")

	var d problem.Detail
	e.call(t, "", "GET", fmt.Sprintf("/api/v1/problems/%d", p.ID), nil, &d)
	var actions []string
	for _, ev := range d.Events {
		actions = append(actions, ev.Action)
	}
	want := []string{"report", "register", "dispatch", "start", "resolve", "rework", "resolve", "close"}
	if !slices.Equal(actions, want) {
		t.Fatalf("event log %v, want %v", actions, want)
	}
	if len(d.Rechecks) != 2 || d.Rechecks[0].Days != 7 || d.Rechecks[1].Days != 30 {
		t.Fatalf("closing schedules the category's look-backs (7 and 30 days): %+v", d.Rechecks)
	}
}

func TestForbiddenTransitionsAnswer409WithTheAllowedActions(t *testing.T) {
	e := setup(t)
	p := e.report(t, with(shopFront, "category", "T-LITTER", "source", "patrol"))
	cases := []struct {
		action  string
		allowed []string
	}{
		{"close", []string{"start", "resolve", "send_back", "extend", "park", "void"}},
		{"register", []string{"start", "resolve", "send_back", "extend", "park", "void"}},
		{"merge", []string{"start", "resolve", "send_back", "extend", "park", "void"}},
	}
	for _, tc := range cases {
		var pb problemBody
		if s := e.act(t, "admin", p, map[string]any{"action": tc.action}, &pb); s != 409 || !slices.Equal(pb.AllowedActions, tc.allowed) {
			t.Errorf("%s from dispatched: %d allowed %v, want 409 listing %v", tc.action, s, pb.AllowedActions, tc.allowed)
		}
	}
	p = e.step(t, p, "resolve")
	p = e.step(t, p, "close")
	var pb problemBody
	if s := e.act(t, "admin", p, map[string]any{"action": "dispatch"}, &pb); s != 409 || len(pb.AllowedActions) != 0 {
		t.Errorf("dispatch from closed: %d %v, want 409 with no allowed actions", s, pb.AllowedActions)
	}
	if s := e.act(t, "admin", p, map[string]any{"action": "fly"}, &pb); s != 422 || pb.Errors[0].Field != "action" {
		t.Errorf("unknown action: %d %+v", s, pb)
	}
}

func TestRoleIsCheckedBeforeVersionAndVersionBeforeTransition(t *testing.T) {
	e := setup(t)
	p := e.report(t, with(shopFront, "category", "T-LITTER", "source", "patrol"))
	stale := p
	stale.Version = p.Version - 1
	var pb problemBody
	// Stale version, forbidden transition, wrong role: the role wins, and
	// the answer says nothing of the problem's version or state.
	if s := e.act(t, "viewer", stale, map[string]any{"action": "close"}, &pb); s != 403 || pb.AllowedActions != nil {
		t.Fatalf("viewer closing a stale version: %d %+v, want a bare 403", s, pb)
	}
	if s := e.act(t, "viewer", p, map[string]any{"action": "start"}, &pb); s != 403 || pb.Errors[0].Field != "Authorization" {
		t.Fatalf("viewer starting: %d %+v, want 403", s, pb)
	}
	// With the right role: a stale version is a 412 whatever the action.
	if s := e.act(t, "admin", stale, map[string]any{"action": "close"}, &pb); s != 412 {
		t.Fatalf("stale version: %d, want 412 whatever the action", s)
	}
	// Current version, forbidden transition: 409.
	if s := e.act(t, "admin", p, map[string]any{"action": "close"}, &pb); s != 409 {
		t.Fatalf("forbidden transition: %d, want 409", s)
	}
	if s := e.act(t, "officer", p, map[string]any{"action": "park", "note": "x"}, &pb); s != 403 {
		t.Fatalf("officer parking: %d, want 403 (the desk parks)", s)
	}
	p = e.step(t, p, "resolve")
	if s := e.act(t, "officer", p, map[string]any{"action": "close"}, &pb); s != 403 {
		t.Fatalf("officer verifying own work: %d, want 403", s)
	}
	s, _ := e.call(t, "admin", "POST", fmt.Sprintf("/api/v1/problems/%d/actions", p.ID), map[string]any{"action": "close"}, &pb)
	if s != 428 {
		t.Fatalf("no If-Match: %d, want 428", s)
	}
	if n := e.count(t, fmt.Sprintf("SELECT count(*) FROM problem_events WHERE problem_id = %d", p.ID)); n != 4 {
		t.Fatalf("%d events: refused actions must leave no trace", n)
	}
}

func TestTwoConcurrentActionsOnOneVersionLetOneThrough(t *testing.T) {
	e := setup(t)
	p := e.report(t, with(shopFront, "category", "T-LITTER", "source", "patrol"))
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, action := range []map[string]any{{"action": "start"}, {"action": "resolve"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.act(t, "dispatcher", p, action, nil)
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if statuses[0] != 200 || statuses[1] != 412 {
		t.Fatalf("statuses %v, want one 200 and one 412", statuses)
	}
}

func TestETagIsTheVersion(t *testing.T) {
	e := setup(t)
	p := e.report(t, with(shopFront, "category", "T-LITTER", "source", "patrol"))
	_, h := e.call(t, "", "GET", fmt.Sprintf("/api/v1/problems/%d", p.ID), nil, nil)
	if h.Get("ETag") != fmt.Sprintf(`"%d"`, p.Version) {
		t.Fatalf("ETag %q, version %d", h.Get("ETag"), p.Version)
	}
}
