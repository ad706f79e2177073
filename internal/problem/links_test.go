package problem_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// metres north of latitude 37.15, in degrees.
func north(m float64) float64 { return 37.15 + m/111_320 }

func TestARecurrenceAt40MetresIsLinkedAndAt60MetresIsNot(t *testing.T) {
	e := setup(t)
	first := e.report(t, map[string]any{"lon": 116.15, "lat": 37.15, "category": "T-LITTER", "source": "patrol"})
	first = e.step(t, first, "resolve")
	first = e.step(t, first, "close")
	near := e.report(t, map[string]any{"lon": 116.15, "lat": north(40), "category": "T-LITTER", "source": "patrol"})
	far := e.report(t, map[string]any{"lon": 116.15, "lat": north(60), "category": "T-LITTER", "source": "patrol"})
	other := e.report(t, map[string]any{"lon": 116.15, "lat": north(10), "category": "T-DOG", "source": "patrol"})
	if near.RecursOf == nil || *near.RecursOf != first.ID {
		t.Fatalf("40 m away: recurs_of %v, want %d", near.RecursOf, first.ID)
	}
	if far.RecursOf != nil || other.RecursOf != nil {
		t.Fatalf("60 m away %v, other category %v: want no link", far.RecursOf, other.RecursOf)
	}
	var d problem.Detail
	e.call(t, "", "GET", fmt.Sprintf("/api/v1/problems/%d", first.ID), nil, &d)
	if len(d.Recurrences) != 2 || d.Recurrences[0].ID != first.ID || d.Recurrences[1].ID != near.ID {
		t.Fatalf("the place's recurrence chain %+v, want [%d %d]", d.Recurrences, first.ID, near.ID)
	}
}

func TestALookBackThatFindsItBackOpensALinkedProblemForTodaysHolder(t *testing.T) {
	e := setup(t)
	p := e.report(t, map[string]any{"lon": 116.05, "lat": 37.15, "category": "T-DOG", "source": "patrol"})
	p = e.step(t, p, "resolve")
	p = e.step(t, p, "close")
	// The grid changes hands after closure: the rebound goes to the new officer.
	if _, err := e.d.Pool.Exec(t.Context(), `
		UPDATE duties SET valid = tstzrange(lower(valid), now()) WHERE area_code = '371402001001001';
		INSERT INTO duties (role, person_id, target_kind, area_code, valid)
		VALUES ('grid_officer', (SELECT id FROM people WHERE name = '王芳'), 'area', '371402001001001', tstzrange(now(), NULL))`); err != nil {
		t.Fatal(err)
	}
	var due struct{ Items []problem.Recheck }
	e.call(t, "", "GET", "/api/v1/rechecks?due_before=2099-01-01T00:00:00Z&area=371402001", nil, &due)
	if len(due.Items) != 2 || due.Items[0].ProblemID != p.ID || due.Items[0].Days != 7 {
		t.Fatalf("due re-checks %+v", due.Items)
	}
	// Both look-backs fall due (a re-check is recorded only when due).
	if _, err := e.d.Pool.Exec(t.Context(), `UPDATE rechecks SET due_at = now() - interval '1 minute' WHERE problem_id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	var held struct{ Recheck problem.Recheck }
	if s, _ := e.call(t, "supervisor", "POST", fmt.Sprintf("/api/v1/rechecks/%d", due.Items[0].ID), map[string]any{"result": "held"}, &held); s != 200 || held.Recheck.Status != "held" {
		t.Fatalf("held: %d %+v", s, held)
	}
	var out struct {
		Recheck problem.Recheck
		Rebound *problem.Problem
	}
	s, _ := e.call(t, "supervisor", "POST", fmt.Sprintf("/api/v1/rechecks/%d", due.Items[1].ID),
		map[string]any{"result": "rebounded", "note": "又有狗粪", "photo_url": "https://img.example/1.jpg"}, &out)
	if s != 200 || out.Rebound == nil {
		t.Fatalf("rebounded: %d %+v", s, out)
	}
	r := out.Rebound
	if r.ReboundOf == nil || *r.ReboundOf != p.ID || r.Status != "dispatched" || r.Assignee == nil || r.Assignee.Name != "王芳" {
		t.Fatalf("rebound problem %+v, want linked to %d and dispatched to today's officer 王芳", r, p.ID)
	}
	if out.Recheck.Status != "rebounded" || out.Recheck.ReboundProblemID == nil || *out.Recheck.ReboundProblemID != r.ID {
		t.Fatalf("re-check %+v", out.Recheck)
	}
	var pb problemBody
	if s, _ := e.call(t, "supervisor", "POST", fmt.Sprintf("/api/v1/rechecks/%d", due.Items[1].ID), map[string]any{"result": "held"}, &pb); s != 409 {
		t.Fatalf("recording a re-check twice: %d, want 409", s)
	}
	if s, _ := e.call(t, "supervisor", "POST", fmt.Sprintf("/api/v1/rechecks/%d", due.Items[1].ID), map[string]any{"result": "maybe"}, &pb); s != 422 {
		t.Fatalf("a bad result: %d, want 422", s)
	}
}

func TestANearbyOpenProblemIsFlaggedAndCanBeMergedKeepingBothReporters(t *testing.T) {
	e := setup(t)
	first := e.report(t, map[string]any{"lon": 116.15, "lat": 37.16, "category": "T-LITTER", "source": "citizen",
		"reporter": map[string]any{"name": "市民甲", "phone": "13900000001"}})
	dup := e.report(t, map[string]any{"lon": 116.15, "lat": 37.16 + 20/111_320.0, "category": "T-LITTER", "source": "citizen",
		"reporter": map[string]any{"name": "市民乙", "phone": "13900000002"}})
	if dup.DuplicateOf == nil || *dup.DuplicateOf != first.ID || dup.Status != "reported" {
		t.Fatalf("20 m from an open report: duplicate_of %v status %s, want flagged and not merged", dup.DuplicateOf, dup.Status)
	}
	merged := e.step(t, dup, "merge", "merge_into", first.ID, "note", "同一堆垃圾")
	if merged.Status != "merged" || merged.MergedInto == nil || *merged.MergedInto != first.ID {
		t.Fatalf("merged: %+v", merged)
	}
	var d problem.Detail
	e.call(t, "", "GET", fmt.Sprintf("/api/v1/problems/%d", first.ID), nil, &d)
	if len(d.Merged) != 1 || d.Merged[0].ID != dup.ID {
		t.Fatalf("merged list %+v", d.Merged)
	}
	var reporter string
	e.d.Pool.QueryRow(t.Context(), `SELECT data->>'reporter_name' FROM problem_events WHERE problem_id = $1 AND action = 'merged_in'`, first.ID).Scan(&reporter)
	if reporter != "市民乙" {
		t.Fatalf("the merged reporter is kept in the target's log: %q", reporter)
	}
	for _, ev := range d.Events {
		if strings.Contains(string(ev.Data), "1390000000") {
			t.Fatalf("reporter contact leaked into the public detail: %s", ev.Data)
		}
	}
	var pb problemBody
	other := e.report(t, map[string]any{"lon": 116.05, "lat": 37.15, "category": "T-DOG", "source": "citizen"})
	if s := e.act(t, "admin", other, map[string]any{"action": "merge", "merge_into": other.ID}, &pb); s != 422 || pb.Errors[0].Field != "merge_into" {
		t.Fatalf("merge into itself: %d %+v", s, pb)
	}
}

func TestListFiltersPagesAndExportsCSV(t *testing.T) {
	e := setup(t)
	for i := range 5 {
		e.report(t, map[string]any{"lon": 116.05 + float64(i)*0.01, "lat": 37.15, "category": "T-DOG", "source": "patrol"})
	}
	e.report(t, with(shopFront, "category", "T-LITTER", "source", "citizen"))
	type page struct {
		Features []struct {
			ID         int64
			Properties problem.Problem
		}
		Links []struct{ Rel, Href string }
	}
	var seen []int64
	path := "/api/v1/problems?category=T-DOG&limit=2"
	for path != "" {
		var pg page
		if s, _ := e.call(t, "", "GET", path, nil, &pg); s != 200 {
			t.Fatalf("GET %s: %d", path, s)
		}
		for _, f := range pg.Features {
			seen = append(seen, f.ID)
		}
		path = ""
		for _, l := range pg.Links {
			if l.Rel == "next" {
				path = l.Href
			}
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %v, want the 5 dog problems once each", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("order %v, want newest first", seen)
		}
	}
	for q, want := range map[string]int{
		"status=reported":             1,
		"status=dispatched,reported":  6,
		"area=371402001001001":        6,
		"area=371402001001002":        0,
		"area=371402":                 6,
		"light=green":                 5,
		"overdue=true":                0,
		"source=citizen":              1,
		"bbox=116.0,37.0,116.06,37.2": 3, // 116.05 twice and 116.06 on the edge
	} {
		var pg page
		e.call(t, "", "GET", "/api/v1/problems?"+q, nil, &pg)
		if len(pg.Features) != want {
			t.Errorf("%s: %d problems, want %d", q, len(pg.Features), want)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/problems?category=T-DOG&limit=3", nil)
	req.Header.Set("Accept", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
	if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 4 || rows[0][0] != "id" {
		t.Fatalf("CSV: %v %q %d rows, want a header and 3", err, resp.Header.Get("Content-Type"), len(rows))
	}
	// The rest is announced in Link, and following it gives the other two.
	link := resp.Header.Get("Link")
	if !strings.HasPrefix(link, "</api/v1/problems?") || !strings.HasSuffix(link, `>; rel="next"`) {
		t.Fatalf("CSV Link %q", link)
	}
	req, _ = http.NewRequest("GET", e.srv.URL+strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`), nil)
	req.Header.Set("Accept", "text/csv")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 || resp.Header.Get("Link") != "" {
		t.Fatalf("second CSV page: %v %d rows, Link %q", err, len(rows), resp.Header.Get("Link"))
	}
	for path, want := range map[string]int{
		"/api/v1/problems?status=lost":                                       400,
		"/api/v1/problems?light=blue":                                        400,
		"/api/v1/problems?limit=0":                                           400,
		"/api/v1/problems?cursor=zzz":                                        400,
		"/api/v1/problems?from=2026-10-01T00:00:00Z&to=2026-09-01T00:00:00Z": 400,
		"/api/v1/problems?overdue=maybe":                                     400,
		"/api/v1/problems/999999":                                            404,
		"/api/v1/problems/abc":                                               400,
		"/api/v1/rechecks?due_before=tomorrow":                               400,
	} {
		var pb problemBody
		if s, _ := e.call(t, "", "GET", path, nil, &pb); s != want {
			t.Errorf("%s: %d, want %d", path, s, want)
		}
	}
}
