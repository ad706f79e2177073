package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/apidoc"
	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/web"
)

// probe is one malformed request, written byte for byte.
type probe struct {
	method, target, ct, body string
	raw                      string // a whole request written as it is, when set
}

// Bad values for any query or path parameter: NUL, not UTF-8, a broken
// escape, a semicolon, wrong types, huge numbers, bad bboxes, times and
// cursors, and a very long value.
var badValues = []string{"%00", "a%00b", "%FF%FE", "%zz", "1;2;3;4", "x", "-1", "0", "1e999", "NaN", "99999999999999999999",
	"1,2,3", "1,2,NaN,4", "200,100,300,400", "2026-13-45T99:99:99Z", "2026-09-11T08:30:00", "9999-12", "%E2%80%AE",
	"not-a-cursor", strings.Repeat("a", 3000), "'%20OR%201=1--", "true%00"}

// badBodies are bodies no JSON endpoint can take.
var badBodies = []string{`{`, `[]`, `"x"`, `{"a":1}{}`, `{"unknown_member":1}`, `{"x":` + strings.Repeat("[", 10000) + `}`, "\x00\x01", `{"a":"\xff"}`}

// badMembers are values for one member of a body: NUL text, the wrong
// types, huge and non-finite numbers.
var badMembers = []string{`"\u0000"`, `"a\u0000"`, `1e400`, `-1e400`, `123456789012345678901234567890`, `true`, `[]`, `{}`, `null`, `"x"`, `-1`, `0`,
	`"9999-01-01T00:00:00Z"`, `"2026-09-11"`, `["\u0000"]`, `{"type":"Point","coordinates":[1e400,"\u0000"]}`, `"` + strings.Repeat("长", 5000) + `"`}

// TestNoMalformedRequestGetsA500 sends several thousand malformed requests
// over raw TCP to the real router on a real listener, across every
// documented operation (and so every route, which the apidoc test holds
// to the document) and every parameter and body member, and wrong methods
// on every path: none may answer 5xx.
func TestNoMalformedRequestGetsA500(t *testing.T) {
	e := cityEnv(t)
	reportOne(t, e, "probe target") // problem 1 exists, with re-checks absent
	a := app.New(e.D.Pool, app.Options{Quiet: true, Web: web.FS, RequestTimeout: 10 * time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })

	probes := buildProbes(t, a)
	addr := ln.Addr().String()
	var (
		mu   sync.Mutex
		bad  []string
		seen = map[int]int{}
		wg   sync.WaitGroup
		ch   = make(chan probe)
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range ch {
				status, err := send(addr, e.Admin, p)
				mu.Lock()
				seen[status]++
				if err != nil || status >= 500 {
					bad = append(bad, fmt.Sprintf("%s %.150s (body %.80q): %d %v", p.method, p.target, p.body, status, err))
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range probes {
		ch <- p
	}
	close(ch)
	wg.Wait()
	sort.Strings(bad)
	for i, b := range bad {
		if i == 40 {
			t.Errorf("... and %d more", len(bad)-40)
			break
		}
		t.Error(b)
	}
	t.Logf("%d malformed requests; answers by status: %v", len(probes), seen)
	if len(probes) < 1000 {
		t.Errorf("only %d probes: the probe does not see the routes", len(probes))
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func buildProbes(t *testing.T, a *app.App) []probe {
	b, err := apidoc.Build()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param           `json:"parameters"`
			Schemas    map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []probe
	for p, item := range doc.Paths {
		good := pathParam.ReplaceAllString(p, "1")
		// Wrong methods on every path.
		for _, m := range []string{"PUT", "DELETE", "PATCH", "POST", "OPTIONS", "TRACE", "BREW"} {
			if _, ok := item[strings.ToLower(m)]; !ok {
				out = append(out, probe{method: m, target: good, ct: "application/json", body: `{}`})
			}
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Parameters  []param `json:"parameters"`
				RequestBody *struct {
					Content map[string]struct {
						Schema json.RawMessage `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			M := strings.ToUpper(method)
			// Every path parameter, every bad value.
			for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
				for _, v := range badValues {
					target := strings.Replace(pathParam.ReplaceAllStringFunc(p, func(s string) string {
						if s == m[0] {
							return "\x01"
						}
						return "1"
					}), "\x01", v, 1)
					out = append(out, probe{method: M, target: target, ct: "application/json", body: bodyFor(M)})
				}
			}
			// Every query parameter, every bad value; and an unknown one.
			for _, prm := range op.Parameters {
				if prm.Ref != "" {
					prm = doc.Components.Parameters[strings.TrimPrefix(prm.Ref, "#/components/parameters/")]
				}
				if prm.In != "query" {
					continue
				}
				for _, v := range badValues {
					out = append(out, probe{method: M, target: good + "?" + url.QueryEscape(prm.Name) + "=" + v, ct: "application/json", body: bodyFor(M)})
				}
			}
			out = append(out, probe{method: M, target: good + "?no_such_param=1", ct: "application/json", body: bodyFor(M)})
			if op.RequestBody == nil {
				continue
			}
			// Bodies: malformed, without or with the wrong Content-Type, and
			// each member with each bad value.
			for _, bb := range badBodies {
				out = append(out, probe{method: M, target: good, ct: "application/json", body: bb})
			}
			out = append(out, probe{method: M, target: good, ct: "", body: `{"name":"x"}`},
				probe{method: M, target: good, ct: "text/plain", body: `{"name":"x"}`},
				probe{method: M, target: good, ct: "application/json; charset=\x7f", body: `{}`},
				probe{method: M, target: good, ct: "text/csv", body: "name,contact,lon,lat\n\x00,,1,2\n"},
				probe{method: M, target: good, ct: "application/geo+json", body: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,2]},"properties":{"name":"\u0000"}}]}`})
			for _, content := range op.RequestBody.Content {
				for _, member := range members(content.Schema, doc.Components.Schemas) {
					for _, v := range badMembers {
						out = append(out, probe{method: M, target: good, ct: "application/json", body: `{"` + member + `":` + v + `}`})
					}
				}
			}
		}
	}
	// Requests broken below HTTP routing: NUL and control bytes in the
	// request line and headers, a bad Content-Length.
	for _, raw := range []string{
		"GET /api/v1/areas?parent=\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /api/v1/areas\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /api/v1/areas HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n",
		"POST /api/v1/people HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n{}",
		"POST /api/v1/people HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{}",
		"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /vendor/../../go.mod HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	} {
		out = append(out, probe{raw: raw, method: "RAW", target: strings.SplitN(raw, "\r\n", 2)[0]})
	}
	_ = a
	return out
}

type param struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// members lists the property names of a body schema ($ref resolved).
func members(schema json.RawMessage, schemas map[string]json.RawMessage) []string {
	var s struct {
		Ref        string                     `json:"$ref"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	json.Unmarshal(schema, &s)
	if s.Ref != "" {
		return members(schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")], schemas)
	}
	var out []string
	for k := range s.Properties {
		out = append(out, k)
	}
	return out
}

func bodyFor(method string) string {
	if method == "POST" || method == "PATCH" {
		return `{}`
	}
	return ""
}

// send writes p on a fresh TCP connection and reads the status.
func send(addr, token string, p probe) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	req := p.raw
	if req == "" {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nIf-Match: \"1\"\r\nConnection: close\r\n", p.method, p.target, addr, token)
		if p.body != "" {
			if p.ct != "" {
				fmt.Fprintf(&b, "Content-Type: %s\r\n", p.ct)
			}
			fmt.Fprintf(&b, "Content-Length: %d\r\n", len(p.body))
		}
		b.WriteString("\r\n")
		b.WriteString(p.body)
		req = b.String()
	}
	if _, err := conn.Write([]byte(req)); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, fmt.Errorf("read the answer: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
