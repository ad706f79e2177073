package duty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

type env struct {
	srv   *httptest.Server
	d     *dbtest.DB
	token string
	ids   map[string]int64 // person name → id
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	tok, _, err := auth.Create(ctx, d.Pool, "supervisor", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, token: tok, ids: map[string]int64{}}
	rows, _ := d.Pool.Query(ctx, "SELECT name, id FROM people")
	for rows.Next() {
		var n string
		var id int64
		rows.Scan(&n, &id)
		e.ids[n] = id
	}
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request with the supervisor token and decodes the answer.
func (e *env) do(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

type problemBody struct {
	Status int
	Detail string
	Errors []struct{ Field, Reason string }
}

func (e *env) countDuties(t *testing.T) int {
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM duties").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
