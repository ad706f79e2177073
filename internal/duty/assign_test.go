package duty_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/duty"
)

const grid1 = "area:371402001001001"

func TestHandOverEndsTheOldDutyExactlyWhenTheNewOneStarts(t *testing.T) {
	e := setup(t)
	var first, second duty.Outcome
	if s := e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
		"person_id": e.ids["张伟"], "from": "2026-09-01T08:00:00+08:00"}, &first); s != 201 {
		t.Fatalf("first assignment: %d", s)
	}
	if s := e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
		"person_id": e.ids["李娜"], "from": "2026-09-11T09:30:00+08:00"}, &second); s != 201 {
		t.Fatalf("hand-over: %d", s)
	}
	if second.Ended == nil || second.Ended.ID != first.Duty.ID {
		t.Fatalf("hand-over should end duty %d, ended %+v", first.Duty.ID, second.Ended)
	}
	if second.Ended.To == nil || !second.Ended.To.Equal(second.Duty.From) {
		t.Fatalf("old duty ends at %v, new starts at %v: want the same instant", second.Ended.To, second.Duty.From)
	}
	want := time.Date(2026, 9, 11, 1, 30, 0, 0, time.UTC)
	if !second.Duty.From.Equal(want) || second.Duty.To != nil {
		t.Fatalf("new duty [%v, %v), want [%v, open)", second.Duty.From, second.Duty.To, want)
	}

	// History answers "who was responsible at" either side of the hand-over.
	for at, who := range map[string]string{
		"2026-09-11T09:29:59+08:00": "张伟",
		"2026-09-11T09:30:00+08:00": "李娜",
		"2026-10-01T00:00:00+08:00": "李娜",
	} {
		var list struct{ Duties []duty.Duty }
		e.do(t, "GET", "/api/v1/duties?target="+grid1+"&at="+url.QueryEscape(at), nil, &list)
		if len(list.Duties) != 1 || list.Duties[0].Holder.Name != who {
			t.Fatalf("at %s: %+v, want %s", at, list.Duties, who)
		}
	}
	var all struct{ Duties []duty.Duty }
	e.do(t, "GET", "/api/v1/duties?target="+grid1, nil, &all)
	if len(all.Duties) != 2 || !all.Duties[0].Current || all.Duties[1].Current {
		t.Fatalf("history %+v: want two duties, the newest current", all.Duties)
	}
}

func TestConcurrentAssignmentsToOneTargetLetExactlyOneWin(t *testing.T) {
	e := setup(t)
	// A current holder, then eight supervisors hand the grid over at the
	// same instant to different people.
	e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
		"person_id": e.ids["张伟"], "from": "2026-01-01T00:00:00Z"}, nil)
	names := []string{"李娜", "王芳", "刘洋", "陈静", "赵磊", "李娜", "王芳", "刘洋"}
	statuses := make([]int, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p problemBody
			statuses[i] = e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
				"person_id": e.ids[n], "from": "2026-09-11T09:30:00+08:00"}, &p)
			if statuses[i] == 409 && (len(p.Errors) == 0 || p.Errors[0].Field != "target") {
				t.Errorf("409 without a target field: %+v", p)
			}
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, s := range statuses {
		switch s {
		case 201:
			won++
		case 409, 200: // 200: the winner's own person asked again
			lost++
		default:
			t.Fatalf("unexpected status %d in %v", s, statuses)
		}
	}
	if won != 1 {
		t.Fatalf("statuses %v: want exactly one 201", statuses)
	}
	if n := e.countDuties(t); n != 2 {
		t.Fatalf("%d duties, want the original and the winner", n)
	}
}

func TestOverlappingAssignmentIsAConflictNamingTheCurrentHolder(t *testing.T) {
	e := setup(t)
	e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "street_chief", "target": "street:T-0001",
		"person_id": e.ids["王芳"], "from": "2026-09-01T00:00:00+08:00"}, nil)
	// Backdated before the current duty began: it would overlap it.
	var p problemBody
	s := e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "street_chief", "target": "street:T-0001",
		"person_id": e.ids["张伟"], "from": "2026-08-01T00:00:00+08:00"}, &p)
	if s != http.StatusConflict || p.Status != 409 {
		t.Fatalf("status %d, want 409", s)
	}
	if want := "王芳"; !strings.Contains(p.Detail, want) {
		t.Fatalf("detail %q does not name the current holder %s", p.Detail, want)
	}
	if n := e.countDuties(t); n != 1 {
		t.Fatalf("%d duties after a refused assignment, want 1", n)
	}
}

func TestAssigningTheSameHolderAgainChangesNothing(t *testing.T) {
	e := setup(t)
	body := map[string]any{"role": "grid_officer", "target": grid1, "person_id": e.ids["张伟"], "from": "2026-09-01T00:00:00Z"}
	e.do(t, "POST", "/api/v1/duties", body, nil)
	body["from"] = "2026-09-05T00:00:00Z"
	var out duty.Outcome
	if s := e.do(t, "POST", "/api/v1/duties", body, &out); s != 200 || !out.Unchanged {
		t.Fatalf("status %d unchanged %v, want 200 unchanged", s, out.Unchanged)
	}
	if n := e.countDuties(t); n != 1 {
		t.Fatalf("%d duties, want 1", n)
	}
}

func TestEndingADutyLeavesTheTargetVacantFromThen(t *testing.T) {
	e := setup(t)
	var out duty.Outcome
	e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
		"person_id": e.ids["张伟"], "from": "2026-09-01T00:00:00Z"}, &out)
	var ended duty.Duty
	if s := e.do(t, "POST", fmt.Sprintf("/api/v1/duties/%d/end", out.Duty.ID), map[string]any{"at": "2026-10-01T00:00:00Z", "note": "调岗"}, &ended); s != 200 {
		t.Fatalf("end: %d", s)
	}
	if ended.To == nil || !ended.To.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) || ended.Note != "调岗" {
		t.Fatalf("ended duty %+v", ended)
	}
	var p problemBody
	if s := e.do(t, "POST", fmt.Sprintf("/api/v1/duties/%d/end", out.Duty.ID), map[string]any{"at": "2026-11-01T00:00:00Z"}, &p); s != 422 || p.Errors[0].Field != "at" {
		t.Fatalf("ending twice: %d %+v, want 422 on at", s, p)
	}
	if s := e.do(t, "POST", "/api/v1/duties/999999/end", nil, &p); s != 404 {
		t.Fatalf("unknown duty: %d", s)
	}
}

func TestBadAssignmentsAnswer4xxNamingTheFieldAndWriteNothing(t *testing.T) {
	e := setup(t)
	cases := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"unknown person", map[string]any{"role": "grid_officer", "target": grid1, "person_id": 999999}, 422, "person_id"},
		{"inactive person", map[string]any{"role": "grid_officer", "target": grid1, "person_id": e.ids["离职者"]}, 422, "person_id"},
		{"unknown target", map[string]any{"role": "grid_officer", "target": "area:371402001001099", "person_id": e.ids["张伟"]}, 422, "target"},
		{"unknown street", map[string]any{"role": "street_chief", "target": "street:NOPE", "person_id": e.ids["张伟"]}, 422, "target"},
		{"malformed target", map[string]any{"role": "grid_officer", "target": "grid1", "person_id": e.ids["张伟"]}, 422, "target"},
		{"grid officer on a street", map[string]any{"role": "grid_officer", "target": "street:T-0001", "person_id": e.ids["张伟"]}, 422, "target"},
		{"grid officer on a community", map[string]any{"role": "grid_officer", "target": "area:371402001001", "person_id": e.ids["张伟"]}, 422, "target"},
		{"unknown role", map[string]any{"role": "mayor", "target": grid1, "person_id": e.ids["张伟"]}, 422, "role"},
		{"person role given a department", map[string]any{"role": "grid_officer", "target": grid1, "department": "cgj"}, 422, "person_id"},
		{"department role given a person", map[string]any{"role": "department", "target": "category:T-LITTER", "person_id": e.ids["张伟"]}, 422, "department"},
		{"unknown department", map[string]any{"role": "department", "target": "category:T-LITTER", "department": "nope"}, 422, "department"},
		{"period ends before it starts", map[string]any{"role": "grid_officer", "target": grid1, "person_id": e.ids["张伟"],
			"from": "2026-09-11T00:00:00Z", "to": "2026-09-10T00:00:00Z"}, 422, "to"},
		{"time without a zone", map[string]any{"role": "grid_officer", "target": grid1, "person_id": e.ids["张伟"], "from": "2026-09-11T08:00:00"}, 422, "from"},
		{"unknown field", map[string]any{"role": "grid_officer", "target": grid1, "person_id": e.ids["张伟"], "holder": "x"}, 422, "holder"},
		{"wrong type", map[string]any{"role": "grid_officer", "target": grid1, "person_id": "张伟"}, 422, "person_id"},
	}
	for _, tc := range cases {
		var p problemBody
		s := e.do(t, "POST", "/api/v1/duties", tc.body, &p)
		if s != tc.status || len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
			t.Errorf("%s: %d %+v, want %d naming %s", tc.name, s, p, tc.status, tc.field)
		}
	}
	if n := e.countDuties(t); n != 0 {
		t.Fatalf("%d duties written by refused requests", n)
	}
	for path, want := range map[string]int{
		"/api/v1/duties": 400,
		"/api/v1/duties?target=area:371402009009009":       404,
		"/api/v1/duties?target=" + grid1 + "&at=yesterday": 400,
		"/api/v1/duties?target=" + grid1 + "&role=boss":    400,
	} {
		var p problemBody
		if s := e.do(t, "GET", path, nil, &p); s != want {
			t.Errorf("GET %s: %d, want %d", path, s, want)
		}
	}
}
