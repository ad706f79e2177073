package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// cityEnv is the router over the fixture city.
func cityEnv(t *testing.T) *apitest.Env {
	t.Helper()
	e := apitest.Setup(t)
	if _, err := e.D.Pool.Exec(context.Background(), fixture.CitySQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return e
}

func (p problemRef) path() string { return fmt.Sprintf("/api/v1/problems/%d", p.ID) }

type problemRef struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

func reportOne(t *testing.T, e *apitest.Env, desc string) (problemRef, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"category": "T-DOG", "lon": 116.05, "lat": 37.15, "source": "patrol", "description": desc})
	r := e.Do(t, "POST", "/api/v1/problems", e.Sup, string(body))
	if r.Status != http.StatusCreated {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	var p problemRef
	r.Decode(t, &p)
	return p, r.Header.Get("ETag")
}

func TestNULInABodyFieldIs422NamingTheField(t *testing.T) {
	e := cityEnv(t)
	for _, c := range []struct{ path, body, field string }{
		{"/api/v1/people", `{"name":"张\u0000伟"}`, "name"},
		{"/api/v1/problems", `{"category":"T-DOG","lon":116.05,"lat":37.15,"source":"patrol","description":"a\u0000b"}`, "description"},
		{"/api/v1/problems", `{"category":"T-DOG","lon":116.05,"lat":37.15,"source":"patrol","source_ref":"\u0000"}`, "source_ref"},
		{"/api/v1/problems", `{"category":"T-DOG","lon":116.05,"lat":37.15,"source":"patrol","reporter":{"name":"x\u0000"}}`, "reporter.name"},
		{"/api/v1/problems", `{"category":"T-DOG","lon":116.05,"lat":37.15,"source":"patrol","photos":["https://a/b","https://x/\u0000"]}`, "photos[1]"},
		{"/api/v1/departments", `{"code":"d1","name":"\u0000"}`, "name"},
	} {
		before := e.Count(t, "people") + e.Count(t, "problems")
		e.Do(t, "POST", c.path, e.Admin, c.body).WantProblem(t, c.path+" "+c.field, http.StatusUnprocessableEntity, c.field)
		if after := e.Count(t, "people") + e.Count(t, "problems"); after != before {
			t.Errorf("%s: a refused body wrote %d rows", c.path, after-before)
		}
	}
	// An escaped backslash before u0000 is text, not a NUL.
	r := e.Do(t, "POST", "/api/v1/people", e.Admin, `{"name":"a\\u0000b"}`)
	if r.Status != http.StatusCreated {
		t.Errorf(`name "a\\u0000b": %d %s, want 201`, r.Status, r.Body)
	}
}

func TestNULInAQueryOrPathParameterIs400NamingIt(t *testing.T) {
	e := cityEnv(t)
	e.Do(t, "GET", "/api/v1/areas?parent=3714%00", "", "").WantProblem(t, "parent", http.StatusBadRequest, "parent")
	e.Do(t, "GET", "/api/v1/people?q=%00", e.Admin, "").WantProblem(t, "q", http.StatusBadRequest, "q")
	e.Do(t, "GET", "/api/v1/areas/3714%00", "", "").WantProblem(t, "code", http.StatusBadRequest, "code")
	e.Do(t, "GET", "/api/v1/categories/%FF%FE", "", "").WantProblem(t, "code (not UTF-8)", http.StatusBadRequest, "code")
	e.Do(t, "GET", "/api/v1/problems?area=%FF", "", "").WantProblem(t, "area (not UTF-8)", http.StatusBadRequest, "area")
}

func TestABodyWithoutContentTypeIs415(t *testing.T) {
	e := cityEnv(t)
	for _, path := range []string{"/api/v1/people", "/api/v1/problems", "/api/v1/duties", "/api/v1/categories"} {
		req, _ := http.NewRequest("POST", e.Srv.URL+path, strings.NewReader(`{"name":"x"}`))
		req.Header.Set("Authorization", "Bearer "+e.Admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("POST %s without Content-Type: %d, want 415", path, resp.StatusCode)
		}
	}
	e.Do(t, "POST", "/api/v1/people", e.Admin, `{"name":"x"}`, "text/plain").WantProblem(t, "text/plain", http.StatusUnsupportedMediaType, "Content-Type")
}

func TestABBoxThatIsNotFourCommaSeparatedFiniteNumbersIs400(t *testing.T) {
	e := cityEnv(t)
	for _, path := range []string{"/api/v1/areas", "/api/v1/streets", "/api/v1/problems", "/api/v1/frontages", "/api/v1/heatmap"} {
		for _, bbox := range []string{"1;2;3;4", "1,2,3", "1,2,3,4,5", "1,2,NaN,4", "1,2,Inf,4", "1,2,3,x", "1e999,2,3,4", ",,,"} {
			q := strings.ReplaceAll(bbox, ";", "%3B")
			if bbox == "1;2;3;4" {
				q = bbox // a raw semicolon, as a careless client sends it
			}
			e.Do(t, "GET", path+"?bbox="+q, "", "").WantProblem(t, path+" bbox="+bbox, http.StatusBadRequest, "bbox")
		}
	}
}

func TestARecheckNoteOverTheLimitIs422(t *testing.T) {
	e := cityEnv(t)
	note := strings.Repeat("记", 4100)
	body, _ := json.Marshal(map[string]any{"result": "rebounded", "note": note})
	e.Do(t, "POST", "/api/v1/rechecks/1", e.Sup, string(body)).WantProblem(t, "4,100-character re-check note", http.StatusUnprocessableEntity, "note")
	body, _ = json.Marshal(map[string]any{"action": "start", "note": note})
	p, etag := reportOne(t, e, "")
	r := doWith(t, e, "POST", p.path()+"/actions", e.Sup, string(body), "If-Match", etag)
	r.WantProblem(t, "4,100-character action note", http.StatusUnprocessableEntity, "note")
}

func TestAnExtensionPastTheMaximumIs422AndOneWithinItPasses(t *testing.T) {
	e := cityEnv(t)
	p, etag := reportOne(t, e, "")
	r := doWith(t, e, "POST", p.path()+"/actions", e.Sup, `{"action":"extend","note":"等材料","due_at":"9999-01-01T00:00:00Z"}`, "If-Match", etag)
	r.WantProblem(t, "extend to 9999", http.StatusUnprocessableEntity, "due_at")
	if !strings.Contains(string(r.Body), "60 working days") {
		t.Errorf("the refusal does not name the limit: %s", r.Body)
	}
	var due string
	if err := e.D.Pool.QueryRow(context.Background(), `SELECT to_char(work_add(now(), 10*450) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`).Scan(&due); err != nil {
		t.Fatal(err)
	}
	r = doWith(t, e, "POST", p.path()+"/actions", e.Sup, `{"action":"extend","note":"等材料","due_at":"`+due+`"}`, "If-Match", etag)
	if r.Status != http.StatusOK {
		t.Errorf("extend by ten working days: %d %s", r.Status, r.Body)
	}
}

func TestAFrontageFileOfBadRowsListsEachRejectionOnceAndAtMost100(t *testing.T) {
	e := cityEnv(t)
	var b strings.Builder
	b.WriteString("name,contact,lon,lat\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "店%d,,200,100\n", i) // out of range: rejected
	}
	r := e.Do(t, "POST", "/api/v1/frontages/import", e.Sup, b.String(), "text/csv")
	r.WantProblem(t, "bad frontage rows", http.StatusUnprocessableEntity, "")
	var p struct {
		Errors     []json.RawMessage `json:"errors"`
		Count      int               `json:"error_count"`
		Truncated  bool              `json:"errors_truncated"`
		Rejections json.RawMessage   `json:"rejections"`
	}
	r.Decode(t, &p)
	if len(p.Errors) != 100 || p.Count < 5000 || !p.Truncated {
		t.Errorf("listed %d errors, count %d, truncated %v; want 100, ≥ 5000, true", len(p.Errors), p.Count, p.Truncated)
	}
	if p.Rejections != nil {
		t.Errorf("rejections listed a second time")
	}
	if len(r.Body) > 40<<10 {
		t.Errorf("the answer is %d bytes for a %d-byte file", len(r.Body), b.Len())
	}
}

func doWith(t *testing.T, e *apitest.Env, method, path, token, body string, hdr ...string) apitest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.Srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

func TestNULInAnImportedFrontageRowRejectsTheRowNotTheServer(t *testing.T) {
	e := cityEnv(t)
	before := e.Count(t, "frontages")
	csvBody := "name,contact,lon,lat\n老\x00王,,116.05,37.1001\n"
	r := e.Do(t, "POST", "/api/v1/frontages/import", e.Sup, csvBody, "text/csv")
	r.WantProblem(t, "NUL in a CSV name", http.StatusUnprocessableEntity, "")
	if !strings.Contains(string(r.Body), "NUL") {
		t.Errorf("the rejection does not say why: %s", r.Body)
	}
	geo := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[116.05,37.1001]},"properties":{"name":"店","note":"a\u0000b"}}]}`
	r = e.Do(t, "POST", "/api/v1/frontages/import", e.Sup, geo, "application/geo+json")
	r.WantProblem(t, "NUL in a GeoJSON property", http.StatusUnprocessableEntity, "")
	if after := e.Count(t, "frontages"); after != before {
		t.Errorf("%d frontages written", after-before)
	}
}
