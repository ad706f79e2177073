package category_test

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

// env is a real Gridkeeper router over a fresh database, with a token of
// each interesting role.
type env struct {
	srv                            *httptest.Server
	d                              *dbtest.DB
	admin, sup, dispatcher, viewer string
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	e := &env{d: d}
	ctx := context.Background()
	for role, dst := range map[string]*string{"admin": &e.admin, "supervisor": &e.sup, "dispatcher": &e.dispatcher, "viewer": &e.viewer} {
		tok, _, err := auth.Create(ctx, d.Pool, role+" token", role)
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		*dst = tok
	}
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(e.srv.Close)
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends body (JSON unless a Content-Type is given in ct) with token as
// bearer (none when empty).
func (e *env) do(t *testing.T, method, path, token, body string, ct ...string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
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
	return response{resp.StatusCode, resp.Header, b}
}

// decode unmarshals the body into out or fails the test.
func (r response) decode(t *testing.T, out any) {
	t.Helper()
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

// wantProblem checks that r is a problem+json with status naming field
// (first error; any field when field is "").
func (r response) wantProblem(t *testing.T, what string, status int, field string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: content type %q", what, ct)
		return
	}
	var p problem
	r.decode(t, &p)
	if field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field) {
		t.Errorf("%s: errors %+v, want field %q", what, p.Errors, field)
	}
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
