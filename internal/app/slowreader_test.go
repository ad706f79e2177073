package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// gauge reads one unlabelled gauge from reg.
func gauge(t *testing.T, reg prometheus.Gatherer, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.Metric) > 0 {
			return mf.Metric[0].GetGauge().GetValue()
		}
	}
	return 0
}

func TestClientsThatNeverReadTheLargestPagesHoldNoDatabaseConnection(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	// 10,000 problems with long descriptions: one page of the largest size
	// is many megabytes, far beyond what the sockets buffer.
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: 37.45, Lng: 116.3}, 15)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `
		INSERT INTO problems (category_code, description, source, geom, h3_15, reported_at, status)
		SELECT 'E01-10', repeat('人行道上有暴露垃圾 ', 40) || i, 'patrol',
		       ST_SetSRID(ST_MakePoint(116.3 + i * 1e-6, 37.45), 4326), $1, now() - i * interval '1 minute', 'reported'
		FROM generate_series(1, 10000) AS i`, int64(cell)); err != nil {
		t.Fatal(err)
	}
	tok, _, err := auth.Create(ctx, d.Pool, "patrol", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	// The pool of the issue: four request connections, fewer than the
	// clients that hang.
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	control, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 2, Name: "control"})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(pool, app.Options{Quiet: true, Control: control, RequestTimeout: 30 * time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	sctx, shutdown := context.WithCancel(ctx)
	defer shutdown()
	opt := httpx.DefaultServerOptions
	opt.ShutdownTimeout = 2 * time.Second
	served := make(chan error, 1)
	go func() { served <- httpx.Serve(sctx, ln, a, opt) }()

	for i := range 8 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.(*net.TCPConn).SetReadBuffer(4096)
		// Two pipelined requests for the largest page; nothing is read.
		req := fmt.Sprintf("GET /api/v1/problems?limit=10000&q=%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		req = strings.Replace(req, fmt.Sprintf("&q=%d", i), "", 1)
		if _, err := conn.Write([]byte(req + req)); err != nil {
			t.Fatal(err)
		}
	}

	// Wait until all eight are past their queries and blocked on their
	// sockets: eight requests in flight and no request connection in use,
	// for a whole second. Holding connections while blocked never gets there.
	deadline := time.Now().Add(60 * time.Second)
	var calm time.Time
	for {
		blocked := gauge(t, a.Metrics, "gridkeeper_http_requests_in_flight") >= 8 && pool.Stat().AcquiredConns() == 0
		if !blocked {
			calm = time.Time{}
		} else if calm.IsZero() {
			calm = time.Now()
		} else if time.Since(calm) > time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %v requests in flight, %d connections in use; want 8 blocked writers holding none",
				gauge(t, a.Metrics, "gridkeeper_http_requests_in_flight"), pool.Stat().AcquiredConns())
		}
		time.Sleep(50 * time.Millisecond)
	}

	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatalf("readyz while eight clients hang: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("readyz while eight clients hang: %d, want 200", resp.StatusCode)
	}
	start := time.Now()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/problems",
		strings.NewReader(`{"category":"E01-10","description":"又有垃圾","lon":116.31,"lat":37.45,"source":"patrol"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatalf("a small intake while eight clients hang: %v (within the client's 5 s timeout)", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("a small intake while eight clients hang: %d, want 201", resp.StatusCode)
	}
	t.Logf("intake answered in %v while eight clients hang", time.Since(start).Round(time.Millisecond))
	if in := gauge(t, a.Metrics, "gridkeeper_http_requests_in_flight"); in < 8 {
		t.Fatalf("only %v requests in flight: the slow clients were not still hanging", in)
	}

	began := time.Now()
	shutdown()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(opt.ShutdownTimeout + 5*time.Second):
		t.Fatalf("shutdown still running %v after it began, bound %v", time.Since(began), opt.ShutdownTimeout)
	}
	if !db.CloseWithin(2*time.Second, pool, control) {
		t.Fatal("a pool kept a connection after the server shut down")
	}
	t.Logf("shutdown with eight hanging clients took %v (bound %v)", time.Since(began).Round(time.Millisecond), opt.ShutdownTimeout)
}
