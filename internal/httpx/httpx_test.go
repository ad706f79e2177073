package httpx_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// serve runs e on a loopback port with opt until the test ends.
func serve(t *testing.T, e http.Handler, opt httpx.ServerOptions) (addr string, stop func() time.Duration) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { httpx.Serve(ctx, ln, e, opt); close(done) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Error("Serve did not return 30 s after shutdown began")
			}
			took = time.Since(start)
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return ln.Addr().String(), stop
}

func TestDatabaseOutagesAreA503WithRetryAfterAndNoInternals(t *testing.T) {
	e := httpx.New(httpx.Options{Quiet: true})
	failures := map[string]error{
		"deadlock": &pgconn.PgError{Code: "40P01", Message: "deadlock detected", Detail: "Process 4711 waits for ShareLock"},
		"starting": &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"},
		"shutdown": &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		"crowded":  &pgconn.PgError{Code: "53300", Message: "sorry, too many clients already"},
		"locked":   fmt.Errorf("store problem: %w", &pgconn.PgError{Code: "55P03", Message: "canceling statement due to lock timeout"}),
		"slow":     &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"},
		"recovery": &pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"},
		"eof":      fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF),
		"expired":  fmt.Errorf("query: %w", context.DeadlineExceeded),
	}
	for name, err := range failures {
		e.GET("/"+name, func(c echo.Context) error { return err })
	}
	e.GET("/bug", func(c echo.Context) error { return fmt.Errorf("nil map somewhere") })
	addr, _ := serve(t, e, httpx.DefaultServerOptions)
	for name := range failures {
		resp, err := http.Get("http://" + addr + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var p struct{ Type, Class string }
		json.Unmarshal(b, &p)
		if resp.StatusCode != 503 || resp.Header.Get("Content-Type") != httpx.ProblemContentType ||
			resp.Header.Get("Retry-After") == "" || p.Type != httpx.UnavailableType || p.Class == "" {
			t.Errorf("%s: %d %q Retry-After %q %s; want 503 problem+json of type %s with a class and Retry-After",
				name, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After"), b, httpx.UnavailableType)
		}
		for _, leak := range []string{"SQLSTATE", "Process 4711", "too many clients", "EOF", "lock timeout", "read-only transaction", "deadline"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s: the body leaks %q: %s", name, leak, b)
			}
		}
	}
	resp, err := http.Get("http://" + addr + "/bug")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("a plain server fault: %d, want 500", resp.StatusCode)
	}
}

// echoBody decodes a JSON body like every write endpoint does.
func echoBody(c echo.Context) error {
	var v struct {
		Note string `json:"note"`
	}
	if err := httpx.DecodeJSON(c, &v); err != nil {
		return err
	}
	return c.JSON(201, v)
}

// rawRequest writes req on a fresh connection and reads the status line.
func rawRequest(t *testing.T, addr string, write func(w io.Writer)) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	write(conn)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err.Error()
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAMalformedChunkedBodyIsA400(t *testing.T) {
	e := httpx.New(httpx.Options{Quiet: true})
	e.POST("/notes", echoBody)
	addr, _ := serve(t, e, httpx.DefaultServerOptions)
	code, body := rawRequest(t, addr, func(w io.Writer) {
		io.WriteString(w, "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"5\r\n{\"not\r\nzz-not-hex\r\n\r\n")
	})
	if code != 400 || !strings.Contains(body, "malformed-body") {
		t.Fatalf("malformed chunks: %d %s, want 400 malformed-body", code, body)
	}
	code, _ = rawRequest(t, addr, func(w io.Writer) {
		io.WriteString(w, "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"d\r\n{\"note\":\"ok\"}\r\n0\r\n\r\n")
	})
	if code != 201 {
		t.Fatalf("well-formed chunks: %d, want 201", code)
	}
}

func TestABodySentAByteASecondIsCutOffAtTheReadTimeout(t *testing.T) {
	e := httpx.New(httpx.Options{Quiet: true})
	e.POST("/notes", echoBody)
	opt := httpx.DefaultServerOptions
	opt.ReadTimeout = 700 * time.Millisecond
	addr, _ := serve(t, e, opt)
	start := time.Now()
	code, body := rawRequest(t, addr, func(w io.Writer) {
		body := `{"note":"slowly"}`
		io.WriteString(w, fmt.Sprintf("POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body)))
		for i := range len(body) {
			if _, err := io.WriteString(w, body[i:i+1]); err != nil {
				return // the server closed the connection
			}
			time.Sleep(250 * time.Millisecond)
			if time.Since(start) > 3*time.Second {
				return
			}
		}
	})
	t.Logf("a trickled body answered %d after %v", code, time.Since(start).Round(time.Millisecond))
	if code != 408 && code != 0 {
		t.Fatalf("a trickled body: %d %s, want 408 or a closed connection", code, body)
	}
	if code == 408 && !strings.Contains(body, "request-timeout") {
		t.Fatalf("408 body %s, want a request-timeout problem", body)
	}
}

func TestEveryAnswerCarriesARequestIDAndOneJSONLogLine(t *testing.T) {
	var buf syncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	reg := prometheus.NewRegistry()
	e := httpx.New(httpx.Options{Metrics: httpx.NewMetrics(reg)})
	e.GET("/things/:id", func(c echo.Context) error { return c.String(200, "ok") })
	addr, _ := serve(t, e, httpx.DefaultServerOptions)

	req, _ := http.NewRequest("GET", "http://"+addr+"/things/7", nil)
	req.Header.Set(httpx.RequestIDHeader, "client-chosen-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(httpx.RequestIDHeader); got != "client-chosen-42" {
		t.Errorf("request id %q, want the client's", got)
	}
	req, _ = http.NewRequest("GET", "http://"+addr+"/things/8", nil)
	req.Header.Set(httpx.RequestIDHeader, "bad id\twith spaces")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	generated := resp.Header.Get(httpx.RequestIDHeader)
	if generated == "" || strings.Contains(generated, " ") {
		t.Errorf("request id %q, want a generated one in place of the unusable id", generated)
	}

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		if m["msg"] == "http" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d access lines, want one per request: %s", len(lines), buf.String())
	}
	for i, want := range []string{"client-chosen-42", generated} {
		l := lines[i]
		if l["request_id"] != want || l["route"] != "/things/:id" || l["status"] != float64(200) || l["duration_ms"] == nil {
			t.Errorf("access line %v: want request_id %s, route /things/:id, status 200 and a duration", l, want)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestShutdownClosesHangingClientsWithinItsBound(t *testing.T) {
	e := httpx.New(httpx.Options{Quiet: true})
	release := make(chan struct{})
	defer close(release)
	e.GET("/hang", func(c echo.Context) error {
		select {
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		case <-release:
			return nil
		}
	})
	opt := httpx.DefaultServerOptions
	opt.ShutdownTimeout = 500 * time.Millisecond
	addr, stop := serve(t, e, opt)
	for range 3 {
		go http.Get("http://" + addr + "/hang")
	}
	time.Sleep(200 * time.Millisecond)
	if took := stop(); took > 5*time.Second {
		t.Fatalf("shutdown took %v with hanging requests, want about its 500 ms bound", took)
	}
}
