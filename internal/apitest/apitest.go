// Package apitest drives the real Gridkeeper router over a fresh
// database for capability tests: a server with a token of each role, a
// request helper and problem+json checks. Test code only.
package apitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// Env is a real Gridkeeper router over a fresh database, with a token of
// each interesting role.
type Env struct {
	Srv                            *httptest.Server
	D                              *dbtest.DB
	Admin, Sup, Dispatcher, Viewer string
}

// Setup starts the router over a fresh migrated database.
func Setup(t *testing.T) *Env {
	t.Helper()
	d := dbtest.New(t)
	e := &Env{D: d}
	ctx := context.Background()
	for role, dst := range map[string]*string{"admin": &e.Admin, "supervisor": &e.Sup, "dispatcher": &e.Dispatcher, "viewer": &e.Viewer} {
		tok, _, err := auth.Create(ctx, d.Pool, role+" token", role)
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		*dst = tok
	}
	e.Srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(e.Srv.Close)
	return e
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends body (JSON unless a Content-Type is given in ct) with token as
// bearer (none when empty).
func (e *Env) Do(t *testing.T, method, path, token, body string, ct ...string) Response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.Srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		if len(ct) > 0 {
			req.Header.Set("Content-Type", ct[0])
		}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{resp.StatusCode, resp.Header, b}
}

// Decode unmarshals the body into out or fails the test.
func (r Response) Decode(t *testing.T, out any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, out); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Problem is a problem+json body.
type Problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

// WantProblem checks that r is a problem+json with status naming field
// (first error; any field when field is "").
func (r Response) WantProblem(t *testing.T, what string, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d; body %s", what, r.Status, status, r.Body)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: content type %q", what, ct)
		return
	}
	var p Problem
	r.Decode(t, &p)
	if field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field) {
		t.Errorf("%s: errors %+v, want field %q", what, p.Errors, field)
	}
}

// Count counts the rows of table (a fixed name from the test).
func (e *Env) Count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.D.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// DoWith is Do with extra request headers given as name, value pairs.
func (e *Env) DoWith(t *testing.T, method, path, token, body string, headers ...string) Response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.Srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{resp.StatusCode, resp.Header, b}
}
