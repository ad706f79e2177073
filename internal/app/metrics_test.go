package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func TestMetricsExposeRequestsLatencyPoolsAndDatabaseErrors(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	tok, _, err := auth.Create(ctx, d.Pool, "patrol", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	defer srv.Close()
	get := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	get("/api/v1/categories")
	get("/api/v1/categories")
	get("/api/v1/areas?bbox=1,2,3")
	head, _ := http.NewRequest("HEAD", srv.URL+"/api/v1/categories", nil)
	if resp, err := http.DefaultClient.Do(head); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD categories: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/problems",
		strings.NewReader(`{"category":"E01-10","description":"垃圾","lon":116.3,"lat":37.45,"source":"patrol"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("report: %d", resp.StatusCode)
	}

	req, _ = http.NewRequest("POST", srv.URL+"/api/v1/frontages/import", strings.NewReader("name,contact,lon,lat\n老王面馆,,not-a-number,37.45\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("rejected import: %d, want 422", resp.StatusCode)
	}

	text := get("/metrics")
	for _, want := range []string{
		`gridkeeper_http_requests_total{method="GET",route="/api/v1/categories",status="200"} 2`,
		`gridkeeper_http_requests_total{method="HEAD",route="/api/v1/categories",status="200"} 1`,
		`gridkeeper_http_requests_total{method="GET",route="/api/v1/areas",status="400"} 1`,
		`gridkeeper_http_requests_total{method="POST",route="/api/v1/problems",status="201"} 1`,
		`gridkeeper_http_request_duration_seconds_bucket{method="POST",route="/api/v1/problems",status="201",le="+Inf"} 1`,
		`gridkeeper_db_pool_in_use_connections{pool="request"}`,
		`gridkeeper_db_pool_acquire_wait_seconds_total{pool="request"}`,
		`gridkeeper_db_pool_acquires_total{pool="request"}`,
		`gridkeeper_db_errors_total{class="deadlock"} 0`,
		`gridkeeper_db_errors_total{class="unavailable"} 0`,
		`gridkeeper_import_rows_total{kind="frontages"} 1`,
		`gridkeeper_import_rejections_total{kind="frontages"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}
