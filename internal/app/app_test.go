package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// proxy forwards TCP to the database's unix socket and can cut every
// connection and refuse new ones, which is what the server sees when the
// database dies.
type proxy struct {
	target string // the socket file
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("unix", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) up(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("re-listen on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReadinessFollowsTheDatabaseWithoutRestart(t *testing.T) {
	d := dbtest.New(t)
	cfg, err := pgx.ParseConfig(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.Host, "/") {
		t.Skip("the proxy forwards to the private cluster's unix socket")
	}
	px := newProxy(t, filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port)))
	pxHost, pxPort, _ := net.SplitHostPort(px.addr)
	url := fmt.Sprintf("host=%s port=%s user=%s dbname=%s sslmode=disable connect_timeout=2", pxHost, pxPort, cfg.User, cfg.Database)
	if cfg.Password != "" {
		url += " password=" + cfg.Password
	}
	pool, err := db.Open(context.Background(), url, db.PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv := httptest.NewServer(app.New(pool, app.Options{Quiet: true}))
	defer srv.Close()

	if code, body := status(t, srv.URL+"/readyz"); code != 200 {
		t.Fatalf("ready before the outage: %d %s", code, body)
	}
	px.down()
	code, body := status(t, srv.URL+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "not-ready") {
		t.Fatalf("during the outage: %d %s, want 503 not-ready", code, body)
	}
	for _, internal := range []string{"postgres", cfg.Database, "SQLSTATE", "127.0.0.1", "EOF", "failed to"} {
		if strings.Contains(body, internal) {
			t.Errorf("the 503 body leaks %q: %s", internal, body)
		}
	}
	if code, _ := status(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz during the outage: %d, want 200 (the process is up)", code)
	}
	px.up(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body = status(t, srv.URL+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 10 s after the database came back: %d %s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWriteEndpointsDemandATokenWithTheRightRole(t *testing.T) {
	d := dbtest.New(t)
	a := app.New(d.Pool, app.Options{Quiet: true})
	a.POST("/api/v1/test-write", func(c echo.Context) error {
		p, _ := auth.From(c)
		return c.JSON(200, map[string]string{"by": p.Name})
	}, a.Guard.Require("supervisor"))
	srv := httptest.NewServer(a)
	defer srv.Close()
	ctx := context.Background()
	admin, _, err := auth.Create(ctx, d.Pool, "root", "admin")
	if err != nil {
		t.Fatal(err)
	}
	sup, _, _ := auth.Create(ctx, d.Pool, "ward supervisor", "supervisor")
	viewer, _, _ := auth.Create(ctx, d.Pool, "reader", "viewer")
	revoked, id, _ := auth.Create(ctx, d.Pool, "gone", "admin")
	if ok, err := auth.Revoke(ctx, d.Pool, id); !ok || err != nil {
		t.Fatalf("revoke: %v %v", ok, err)
	}
	cases := []struct {
		name, header string
		status       int
	}{
		{"no header", "", 401},
		{"not bearer", "Basic abc", 401},
		{"unknown token", "Bearer gk_nope", 401},
		{"revoked token", "Bearer " + revoked, 401},
		{"wrong role", "Bearer " + viewer, 403},
		{"allowed role", "Bearer " + sup, 200},
		{"admin", "Bearer " + admin, 200},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/test-write", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Errors []struct{ Field string } }
		json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		if tc.status >= 400 {
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || len(p.Errors) == 0 || p.Errors[0].Field != "Authorization" {
				t.Errorf("%s: %q %+v, want a problem naming Authorization", tc.name, ct, p)
			}
		}
		if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/tokens/self", nil)
	req.Header.Set("Authorization", "Bearer "+sup)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var self struct{ Name, Role string }
	json.NewDecoder(resp.Body).Decode(&self)
	resp.Body.Close()
	if resp.StatusCode != 200 || self.Name != "ward supervisor" || self.Role != "supervisor" {
		t.Fatalf("tokens/self: %d %+v", resp.StatusCode, self)
	}
	var stored []byte
	if err := d.Pool.QueryRow(ctx, "SELECT hash FROM api_tokens WHERE name = 'root'").Scan(&stored); err != nil || len(stored) != 32 {
		t.Fatalf("stored hash: %x %v", stored, err)
	}
	if strings.Contains(string(stored), admin) {
		t.Fatal("the secret itself is stored")
	}
}
