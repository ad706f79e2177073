package ogc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// setup is the real router over the fixture city with n problems.
func setup(t testing.TB, n int) *apitest.Env {
	t.Helper()
	e := apitest.Setup(t.(*testing.T))
	if _, err := e.D.Pool.Exec(context.Background(), fixture.CitySQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	insertProblems(t, e, 0, n)
	return e
}

// insertProblems adds problems first..first+n-1 of a deterministic
// series: points on a lattice over the city (a few outside it), three
// categories, four statuses and sources, an address that LIKE can find,
// a street on every third, reported over the last 60 days, and reporter
// contact that must never be served.
func insertProblems(t testing.TB, e *apitest.Env, first, n int) {
	t.Helper()
	cats := []string{"T-LITTER", "T-ROAD", "T-DOG"}
	statuses := []string{"dispatched", "closed", "in_progress", "reported"}
	sources := []string{"hotline", "patrol", "citizen", "supervision"}
	now := time.Now().UTC().Truncate(time.Second)
	for i := first; i < first+n; i++ {
		lon := 116.005 + float64(i%13)*0.015
		lat := 37.005 + float64((i/13)%13)*0.015
		if i%17 == 16 {
			lon += 0.3 // outside the city
		}
		c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, 15)
		if err != nil {
			t.Fatal(err)
		}
		var street, closed any
		if i%3 == 0 {
			street = "T-0001"
		}
		at := now.Add(-time.Duration(i%60) * 24 * time.Hour).Add(-time.Duration(i) * time.Minute)
		status := statuses[i%4]
		if status == "closed" {
			closed = at.Add(5 * time.Hour)
		}
		_, err = e.D.Pool.Exec(context.Background(), `
			INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, closed_at, street_code,
				address, description, reporter_name, reporter_phone, number)
			VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7::problem_status, $8, $9,
				$10, $11, '张三', '13912345678', '')`,
			cats[i%3], sources[i%4], lon, lat, int64(c), at, status, closed, street,
			fmt.Sprintf("东风路%d号", i), fmt.Sprintf("问题%d 50%%_off", i))
		if err != nil {
			t.Fatalf("insert problem %d: %v", i, err)
		}
	}
}

// fc is a FeatureCollection as the tests read it.
type fc struct {
	Type     string `json:"type"`
	Features []struct {
		ID         json.RawMessage `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	Links []struct {
		Href, Rel, Type string
	} `json:"links"`
	NumberReturned int    `json:"numberReturned"`
	NumberMatched  *int64 `json:"numberMatched"`
}

func (f fc) ids() []string {
	out := make([]string, len(f.Features))
	for i, x := range f.Features {
		var s string
		if json.Unmarshal(x.ID, &s) != nil {
			s = string(x.ID)
		}
		out[i] = s
	}
	return out
}

func (f fc) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// items GETs path (relative to the server, or an absolute link) and
// decodes the collection; the status must be 200.
func items(t testing.TB, e *apitest.Env, path string) fc {
	t.Helper()
	u := path
	if len(u) > 0 && u[0] == '/' {
		u = e.Srv.URL + u
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var f fc
	if resp.StatusCode != 200 {
		var p map[string]any
		json.NewDecoder(resp.Body).Decode(&p)
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, p)
	}
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return f
}

// walk follows next links from path and returns every id in order.
func walk(t testing.TB, e *apitest.Env, path string) []string {
	t.Helper()
	var all []string
	for next := path; next != ""; {
		f := items(t, e, next)
		all = append(all, f.ids()...)
		next = f.link("next")
		if len(all) > 100000 {
			t.Fatal("next links do not end")
		}
	}
	return all
}

// sqlIDs runs a query returning ids as text, in order.
func sqlIDs(t testing.TB, e *apitest.Env, q string, args ...any) []string {
	t.Helper()
	rows, err := e.D.Pool.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func q(s string) string { return url.QueryEscape(s) }

// ago is the RFC 3339 instant d days ago.
func ago(d int) string {
	return time.Now().UTC().Add(-time.Duration(d) * 24 * time.Hour).Format(time.RFC3339)
}
