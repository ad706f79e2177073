package heat_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// beijing is the city's clock.
var beijing = time.FixedZone("CST", 8*3600)

// today is the Beijing midnight that starts today: test data lies before it.
func today() time.Time {
	n := time.Now().In(beijing)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, beijing)
}

// setup starts the router over the fixture city.
func setup(t *testing.T) *apitest.Env {
	t.Helper()
	e := apitest.Setup(t)
	if _, err := e.D.Pool.Exec(context.Background(), fixture.CitySQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return e
}

// prob is a problem inserted straight into the table.
type prob struct {
	Lon, Lat float64
	Cat      string // default T-LITTER
	At       time.Time
	Status   string // default closed
	Due      *time.Time
	Source   string // default hotline
	Rebound  bool   // a rebound of the first problem of the table
	// (status merged: merged into that problem too)
}

// insert adds problems in one INSERT statement (as an import does) and
// returns their ids.
func insert(t testing.TB, e *apitest.Env, ps ...prob) []int64 {
	t.Helper()
	var (
		cats, statuses, sources []string
		lons, lats              []float64
		cells                   []int64
		ats                     []time.Time
		dues                    []*time.Time
		rebounds                []bool
	)
	for _, p := range ps {
		if p.Cat == "" {
			p.Cat = "T-LITTER"
		}
		if p.Status == "" {
			p.Status = "closed"
		}
		if p.Source == "" {
			p.Source = "hotline"
		}
		c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lon}, 15)
		if err != nil {
			t.Fatal(err)
		}
		cats, statuses, sources = append(cats, p.Cat), append(statuses, p.Status), append(sources, p.Source)
		lons, lats, cells = append(lons, p.Lon), append(lats, p.Lat), append(cells, int64(c))
		ats, dues, rebounds = append(ats, p.At), append(dues, p.Due), append(rebounds, p.Rebound)
	}
	rows, err := e.D.Pool.Query(context.Background(), `
		INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, due_at, rebound_of, merged_into, number)
		SELECT u.cat, u.src, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), u.cell, u.at, u.status::problem_status, u.due,
			CASE WHEN u.rb THEN (SELECT min(id) FROM problems) END,
			CASE WHEN u.status = 'merged' THEN (SELECT min(id) FROM problems) END, ''
		FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::int8[], $6::timestamptz[], $7::text[], $8::timestamptz[], $9::bool[])
			AS u(cat, src, lon, lat, cell, at, status, due, rb)
		RETURNING id`, cats, sources, lons, lats, cells, ats, statuses, dues, rebounds)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("insert problems: %v", err)
	}
	return ids
}

// get sends a GET with extra headers (name, value pairs).
func get(t *testing.T, e *apitest.Env, path string, headers ...string) apitest.Response {
	t.Helper()
	req, err := http.NewRequest("GET", e.Srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// collection is a decoded FeatureCollection.
type collection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Geometry struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	} `json:"features"`
	NumberReturned int    `json:"numberReturned"`
	Resolution     int    `json:"resolution"`
	From           string `json:"from"`
	To             string `json:"to"`
}

// cellProps are a heatmap cell's properties.
type cellProps struct {
	H3             string `json:"h3"`
	Count          int    `json:"count"`
	Weeks          int    `json:"weeks"`
	Rebounds       int    `json:"rebounds"`
	Open           int    `json:"open"`
	Overdue        int    `json:"overdue"`
	RecurringWeeks int    `json:"recurring_weeks"`
	Recurring      bool   `json:"recurring"`
	Value          int    `json:"value"`
	Top            []struct {
		Code  string `json:"code"`
		Name  string `json:"name"`
		Count int    `json:"count"`
	} `json:"top_categories"`
}

// heatmap fetches a heatmap and decodes it, failing unless it is a 200.
func heatmap(t *testing.T, e *apitest.Env, query string) (collection, map[string]cellProps) {
	t.Helper()
	r := get(t, e, "/api/v1/heatmap?"+query)
	if r.Status != 200 {
		t.Fatalf("heatmap?%s: %d %s", query, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Fatalf("content type %q", ct)
	}
	var fc collection
	r.Decode(t, &fc)
	cells := map[string]cellProps{}
	for _, f := range fc.Features {
		var p cellProps
		if err := json.Unmarshal(f.Properties, &p); err != nil {
			t.Fatal(err)
		}
		cells[p.H3] = p
	}
	return fc, cells
}

// cellAt is the cell of a point at res.
func cellAt(t testing.TB, lon, lat float64, res int) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, res)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// centre is the centre of a cell as lon, lat.
func centre(t testing.TB, c h3.Cell) (float64, float64) {
	t.Helper()
	ll, err := c.LatLng()
	if err != nil {
		t.Fatal(err)
	}
	return ll.Lng, ll.Lat
}

func rfc(t time.Time) string { return t.In(beijing).Format(time.RFC3339) }
