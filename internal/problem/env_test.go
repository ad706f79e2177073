package problem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// staffSQL gives the fixture city its holders: 张伟 grid 001, 李娜 grid
// 003, 王芳 street 测试路, 刘洋 the shop, 陈静 the community, 赵磊 the
// district; grids 002 and 004 and 北环路 stay vacant.
const staffSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL)),
 ('grid_officer', (SELECT id FROM people WHERE name = '李娜'), 'area', '371402001001003', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '陈静'), 'area', '371402001001', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '赵磊'), 'area', '371402', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, street_code, valid) VALUES
 ('street_chief', (SELECT id FROM people WHERE name = '王芳'), 'street', 'T-0001', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, frontage_id, valid) VALUES
 ('frontage_owner', (SELECT id FROM people WHERE name = '刘洋'), 'frontage', 1, tstzrange('2026-01-01', NULL));
`

type env struct {
	srv    *httptest.Server
	d      *dbtest.DB
	tokens map[string]string // role → token
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL+staffSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	e := &env{d: d, tokens: map[string]string{}}
	for _, role := range []string{"admin", "supervisor", "dispatcher", "viewer"} {
		tok, _, err := auth.Create(ctx, d.Pool, role+" user", role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	// The officer is 张伟, grid officer of grid 001 (where shopFront is);
	// "hotline" is the hotline import's client, allowed to write source hotline.
	var zhang int64
	if err := d.Pool.QueryRow(ctx, `SELECT id FROM people WHERE name = '张伟'`).Scan(&zhang); err != nil {
		t.Fatal(err)
	}
	for name, spec := range map[string]auth.Spec{
		"officer": {Name: "张伟 officer", Role: "officer", PersonID: &zhang},
		"hotline": {Name: "hotline client", Role: "dispatcher", Client: "hotline", Sources: []string{"hotline"}},
	} {
		tok, _, err := auth.CreateToken(ctx, d.Pool, spec)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = tok
	}
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(e.srv.Close)
	return e
}

// call sends a request as role (none when ""), with extra headers given
// as name, value pairs, and decodes the JSON answer into out.
func (e *env) call(t *testing.T, role, method, path string, body any, out any, headers ...string) (int, http.Header) {
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
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, resp.Header
}

// report files a problem as the dispatcher and fails the test unless it
// is created.
func (e *env) report(t *testing.T, body map[string]any) problem.Problem {
	t.Helper()
	return e.reportAs(t, "dispatcher", body)
}

// reportAs files a problem with the token of role (a key of e.tokens).
func (e *env) reportAs(t *testing.T, role string, body map[string]any) problem.Problem {
	t.Helper()
	var p problem.Problem
	if s, _ := e.call(t, role, "POST", "/api/v1/problems", body, &p); s != 201 {
		t.Fatalf("report %v: status %d", body, s)
	}
	return p
}

// act takes an action as role at the problem's current version.
func (e *env) act(t *testing.T, role string, p problem.Problem, action map[string]any, out any) int {
	t.Helper()
	s, _ := e.call(t, role, "POST", fmt.Sprintf("/api/v1/problems/%d/actions", p.ID), action, out, "If-Match", fmt.Sprintf(`"%d"`, p.Version))
	return s
}

type problemBody struct {
	Status         int
	Detail         string
	Errors         []struct{ Field, Reason string }
	AllowedActions []string `json:"allowed_actions"`
}

func (e *env) count(t *testing.T, sql string) int {
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
