package stats_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
	"github.com/gridkeeper/gridkeeper/internal/problem"
	"github.com/gridkeeper/gridkeeper/internal/stats"
)

// staffSQL: 张伟 is grid officer of grid 001, 李娜 of grid 003, 王芳
// street chief of 测试路, 陈静 leads the community (and so takes the
// vacant grids 002 and 004).
const staffSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL)),
 ('grid_officer', (SELECT id FROM people WHERE name = '李娜'), 'area', '371402001001003', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '陈静'), 'area', '371402001001', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '赵磊'), 'area', '371402', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, street_code, valid) VALUES
 ('street_chief', (SELECT id FROM people WHERE name = '王芳'), 'street', 'T-0001', tstzrange('2026-01-01', NULL));
`

// Grids of the fixture city and a point inside each (0.1° squares: 001
// NW, 002 NE, 003 SW, 004 SE; 测试路 runs along latitude 37.1 between 001
// and 003, 北环路 along the city's north edge, latitude 37.2).
const (
	grid1 = "371402001001001"
	grid2 = "371402001001002"
	grid3 = "371402001001003"
	grid4 = "371402001001004"
)

var centre = map[string][2]float64{grid1: {116.05, 37.15}, grid2: {116.15, 37.15}, grid3: {116.05, 37.05}, grid4: {116.15, 37.05}}

var cst = time.FixedZone("UTC+8", 8*3600)

// bj is a Beijing wall-clock time.
func bj(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, cst)
}

type env struct {
	srv    *httptest.Server
	d      *dbtest.DB
	tokens map[string]string
	n      int // problems reported, to spread them apart
}

func setup(t *testing.T, opt ...app.Options) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL+staffSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	e := &env{d: d, tokens: map[string]string{}}
	for _, role := range []string{"admin", "dispatcher"} {
		// The dispatcher also files the hotline's reports, so it may write that source.
		tok, _, err := auth.CreateToken(ctx, d.Pool, auth.Spec{Name: role + " user", Role: role, Sources: []string{"hotline"}})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	o := app.Options{Quiet: true}
	if len(opt) > 0 {
		o = opt[0]
	}
	e.srv = httptest.NewServer(app.New(d.Pool, o))
	t.Cleanup(e.srv.Close)
	return e
}

// call sends a request and decodes a JSON answer into out; it returns the
// status, the headers and the raw body.
func (e *env) call(t *testing.T, role, method, path string, body, out any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 && resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, resp.Header, b
}

// report files a problem through the API in grid, each one 300 m east of
// the last so that no two are linked as recurrences or duplicates by
// accident, and returns it.
func (e *env) report(t *testing.T, grid, category, source string) problem.Problem {
	t.Helper()
	c := centre[grid]
	e.n++
	return e.reportAt(t, c[0]-0.04+float64(e.n%30)*0.003, c[1]+float64(e.n/30)*0.003, category, source)
}

func (e *env) reportAt(t *testing.T, lon, lat float64, category, source string) problem.Problem {
	t.Helper()
	var p problem.Problem
	body := map[string]any{"lon": lon, "lat": lat, "category": category, "source": source}
	if s, _, b := e.call(t, "dispatcher", "POST", "/api/v1/problems", body, &p); s != 201 {
		t.Fatalf("report %v: status %d %s", body, s, b)
	}
	return p
}

// step takes a workflow action as the admin, now.
func (e *env) step(t *testing.T, p problem.Problem, action string, extra ...any) problem.Problem {
	t.Helper()
	body := map[string]any{"action": action}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	var out problem.Problem
	if s, _, b := e.call(t, "admin", "POST", fmt.Sprintf("/api/v1/problems/%d/actions", p.ID), body, &out,
		"If-Match", fmt.Sprintf(`"%d"`, p.Version)); s != 200 {
		t.Fatalf("%s from %s: status %d %s", action, p.Status, s, b)
	}
	return out
}

// place moves a problem into the past: reported and dispatched at
// reported, due at due, and closed at closed (open, with its handler, when
// closed is zero).
func (e *env) place(t *testing.T, p problem.Problem, reported, due, closed time.Time) {
	t.Helper()
	var c *time.Time
	status := "dispatched"
	if !closed.IsZero() {
		c, status = &closed, "closed"
	}
	if _, err := e.d.Pool.Exec(context.Background(), `UPDATE problems SET reported_at = $2, registered_at = $2,
		dispatched_at = $2, due_at = $3, closed_at = $4, resolved_at = $4, status = $5::problem_status WHERE id = $1`,
		p.ID, reported, due, c, status); err != nil {
		t.Fatal(err)
	}
}

func (e *env) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := e.d.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// areaStats fetches /stats/areas and returns the features' properties by code.
func (e *env) areaStats(t *testing.T, query string) map[string]stats.AreaProps {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         string
			Geometry   json.RawMessage
			Properties stats.AreaProps
		}
	}
	if s, _, b := e.call(t, "", "GET", "/api/v1/stats/areas?"+query, nil, &fc); s != 200 {
		t.Fatalf("stats %s: %d %s", query, s, b)
	}
	out := map[string]stats.AreaProps{}
	for _, f := range fc.Features {
		out[f.ID] = f.Properties
	}
	return out
}

func (e *env) ranking(t *testing.T, query string) stats.Ranking {
	t.Helper()
	var r stats.Ranking
	if s, _, b := e.call(t, "", "GET", "/api/v1/rankings?"+query, nil, &r); s != 200 {
		t.Fatalf("ranking %s: %d %s", query, s, b)
	}
	return r
}

func near(got *float64, want, tol float64) bool {
	return got != nil && *got >= want-tol && *got <= want+tol
}

func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}
