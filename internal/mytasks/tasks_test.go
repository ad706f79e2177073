package mytasks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

const staffSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL)),
 ('grid_officer', (SELECT id FROM people WHERE name = '李娜'), 'area', '371402001001003', tstzrange('2026-01-01', NULL));
`

type task struct {
	ID        int64
	Grid      *string
	Light     *string
	Why       string
	DistanceM *float64 `json:"distance_m"`
}

func TestAnOfficersTasksAreThoseOfTheirGridRedFirstWithDistances(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL+staffSQL); err != nil {
		t.Fatal(err)
	}
	var zhang, li int64
	d.Pool.QueryRow(ctx, `SELECT id FROM people WHERE name = '张伟'`).Scan(&zhang)
	d.Pool.QueryRow(ctx, `SELECT id FROM people WHERE name = '李娜'`).Scan(&li)
	// Each officer's phone has a token of their own; the city desk's has none.
	zhangTok, _, _ := auth.CreateToken(ctx, d.Pool, auth.Spec{Name: "张伟's phone", Role: "officer", PersonID: &zhang})
	liTok, _, _ := auth.CreateToken(ctx, d.Pool, auth.Spec{Name: "李娜's phone", Role: "officer", PersonID: &li})
	desk, _, _ := auth.Create(ctx, d.Pool, "city desk", "supervisor")
	tok := desk
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true, PhotoDir: t.TempDir()}))
	defer srv.Close()
	call := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	report := func(cat string, lon, lat float64) int64 {
		st, b := call("POST", "/api/v1/problems", fmt.Sprintf(`{"category":%q,"lon":%g,"lat":%g,"source":"patrol"}`, cat, lon, lat))
		if st != 201 {
			t.Fatalf("report: %d %s", st, b)
		}
		var p struct{ ID int64 }
		json.Unmarshal(b, &p)
		return p.ID
	}
	dog := report("T-DOG", 116.05, 37.15)     // assigned to 张伟
	build := report("T-BUILD", 116.06, 37.16) // in his grid, with the department
	late := report("T-DOG", 116.07, 37.17)    // his, and overdue
	elsewhere := report("T-DOG", 116.15, 37.15)
	if _, err := d.Pool.Exec(ctx, `UPDATE problems SET due_at = now() - interval '1 hour' WHERE id = $1`, late); err != nil {
		t.Fatal(err)
	}
	tok = zhangTok
	st, b := call("GET", "/api/v1/my/tasks?lon=116.05&lat=37.15", "")
	if st != 200 {
		t.Fatalf("tasks: %d %s", st, b)
	}
	var got struct{ Tasks []task }
	json.Unmarshal(b, &got)
	var ids []int64
	for _, x := range got.Tasks {
		ids = append(ids, x.ID)
	}
	if len(ids) != 3 || ids[0] != late {
		t.Fatalf("张伟's tasks %v, want 3 with the overdue %d first (not %d of grid 002)", ids, late, elsewhere)
	}
	for _, x := range got.Tasks {
		if x.DistanceM == nil {
			t.Errorf("task %d has no distance", x.ID)
		}
		switch x.ID {
		case dog:
			if x.Why != "assigned" || *x.DistanceM > 1 {
				t.Errorf("the dog report: why %q, %v m", x.Why, *x.DistanceM)
			}
		case build:
			if x.Why != "scope" {
				t.Errorf("the department's problem in his grid: why %q, want scope", x.Why)
			}
		}
	}
	if st, _ := call("GET", fmt.Sprintf("/api/v1/my/tasks?person=%d", li), ""); st != 403 {
		t.Errorf("张伟's token asks for 李娜's tasks: %d, want 403", st)
	}
	if st, _ := call("GET", "/api/v1/my/tasks?lon=500&lat=1", ""); st != 400 {
		t.Errorf("a bad position: %d", st)
	}
	tok = liTok
	if st, b := call("GET", "/api/v1/my/tasks", ""); st != 200 || strings.Contains(string(b), `"id":`) {
		t.Errorf("李娜 (grid 003) sees %d %s", st, b)
	}
	// The city desk names the person and sees the same list.
	tok = desk
	if st, _ := call("GET", "/api/v1/my/tasks", ""); st != 400 {
		t.Errorf("the desk without person: %d", st)
	}
	st, b = call("GET", fmt.Sprintf("/api/v1/my/tasks?person=%d", zhang), "")
	var deskView struct{ Tasks []task }
	json.Unmarshal(b, &deskView)
	if st != 200 || len(deskView.Tasks) != 3 {
		t.Errorf("the desk's view of 张伟's tasks: %d %s", st, b)
	}
	tok = zhangTok

	// Closing schedules look-backs; the one due within the window is his.
	if _, err := d.Pool.Exec(ctx, `UPDATE problems SET status = 'closed', closed_at = now() WHERE id = $1;`, dog); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO rechecks (problem_id, days, due_at) VALUES ($1, 7, now() + interval '1 day'), ($1, 30, now() + interval '30 days')`, dog); err != nil {
		t.Fatal(err)
	}
	st, b = call("GET", "/api/v1/my/rechecks", "")
	var rc struct {
		Rechecks []struct {
			ProblemID int64 `json:"problem_id"`
			Days      int
		}
	}
	json.Unmarshal(b, &rc)
	if st != 200 || len(rc.Rechecks) != 1 || rc.Rechecks[0].ProblemID != dog || rc.Rechecks[0].Days != 7 {
		t.Errorf("look-backs due within 3 days: %d %s", st, b)
	}
}
