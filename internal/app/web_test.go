package app_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/web"
)

// webEnv is the fixture city's router with the embedded pages mounted.
func webEnv(t *testing.T) (*apitest.Env, *httptest.Server, *app.App) {
	t.Helper()
	e := cityEnv(t)
	a := app.New(e.D.Pool, app.Options{Quiet: true, Web: web.FS})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return e, srv, a
}

func get(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	_, srv, _ := webEnv(t)
	for _, path := range []string{"/", "/index.html", "/dashboard.html", "/app.js", "/api/v1/areas", "/api/v1/areas/nope",
		"/api/v1/areas?bbox=x", "/no/such/route", "/healthz", "/vendor/"} {
		resp, _ := get(t, "GET", srv.URL+path)
		h := resp.Header
		if got := h.Get("Content-Security-Policy"); got != httpx.ContentSecurityPolicy {
			t.Errorf("%s (%d): CSP %q", path, resp.StatusCode, got)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if h.Get(k) != want {
				t.Errorf("%s: %s %q, want %q", path, k, h.Get(k), want)
			}
		}
	}
	if !strings.Contains(httpx.ContentSecurityPolicy, "frame-ancestors 'none'") {
		t.Errorf("the CSP lets other sites frame the pages")
	}
}

func TestNoDirectoryIsListed(t *testing.T) {
	_, srv, _ := webEnv(t)
	for _, path := range []string{"/vendor/", "/vendor", "/vendor/maplibre-gl/"} {
		resp, body := get(t, "GET", srv.URL+path)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "maplibre-gl") {
			t.Errorf("GET %s: %d %.200s, want a 404 that lists nothing", path, resp.StatusCode, body)
		}
	}
	if resp, _ := get(t, "GET", srv.URL+"/vendor/maplibre-gl/maplibre-gl.js"); resp.StatusCode != http.StatusOK {
		t.Errorf("a vendored file: %d", resp.StatusCode)
	}
	if resp, _ := get(t, "GET", srv.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("the map page: %d", resp.StatusCode)
	}
}

func TestHEADAnswersOnEveryGETRouteWithoutABody(t *testing.T) {
	_, srv, a := webEnv(t)
	n := 0
	for _, r := range a.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		path := strings.ReplaceAll(strings.ReplaceAll(r.Path, ":code", "371402"), ":id", "1")
		path = strings.ReplaceAll(path, "/*", "/")
		getResp, _ := get(t, "GET", srv.URL+path)
		resp, body := get(t, "HEAD", srv.URL+path)
		n++
		if resp.StatusCode != getResp.StatusCode {
			t.Errorf("HEAD %s: %d, GET gives %d", path, resp.StatusCode, getResp.StatusCode)
		}
		if len(body) != 0 {
			t.Errorf("HEAD %s: a %d-byte body", path, len(body))
		}
		if resp.Header.Get("Content-Type") != getResp.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET's %q", path, resp.Header.Get("Content-Type"), getResp.Header.Get("Content-Type"))
		}
	}
	if n < 20 {
		t.Errorf("only %d GET routes", n)
	}
}

func TestCSVExportsEscapeCellsASpreadsheetWouldRun(t *testing.T) {
	e, srv, _ := webEnv(t)
	for _, desc := range []string{`=HYPERLINK("http://evil.example","点我")`, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"} {
		reportOne(t, e, desc)
	}
	resp, body := get(t, "GET", srv.URL+"/api/v1/problems", "Accept", "text/csv")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CSV export: %d %s", resp.StatusCode, body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range recs[0] {
		if h == "description" {
			col = i
		}
	}
	for _, rec := range recs[1:] {
		if d := rec[col]; !strings.HasPrefix(d, "'") {
			t.Errorf("description %q is not escaped", d)
		}
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("cell %d %q starts a formula", i, cell)
			}
		}
	}
	if len(recs) != 7 {
		t.Errorf("%d records, want a header and 6", len(recs))
	}
}
