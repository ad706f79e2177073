package apidoc_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gridkeeper/gridkeeper/internal/apidoc"
	"github.com/gridkeeper/gridkeeper/internal/app"
)

// undocumented are the routes deliberately left out of the document: the
// static files of the map page, the dashboard and the docs page, and the
// Open311 endpoint's catch-all 404 (every method).
var undocumented = map[string]bool{"GET /*": true}

func init() {
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND", "REPORT"} {
		undocumented[m+" /open311/v2/*"] = true
	}
}

// ownErrorShape are the paths whose errors are not problem+json, as
// documented: Open311 clients parse Open311's own errors list.
func ownErrorShape(path string) bool { return strings.HasPrefix(path, "/open311/") }

func load(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := apidoc.Build()
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	// The same document must come out of every build: a map-order
	// accident would change the ETag from one start to the next.
	if again, _ := apidoc.Build(); string(again) != string(b) {
		t.Fatal("two builds differ")
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

func TestTheMergedDocumentIsValidOpenAPI30(t *testing.T) {
	doc := load(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	if doc.Components.Responses["Problem"] == nil || doc.Components.Schemas["Problem"] == nil {
		t.Fatal("no #/components/responses/Problem or #/components/schemas/Problem")
	}
	if doc.Components.Responses["Problem"].Value.Content.Get("application/problem+json") == nil {
		t.Error("the Problem response is not application/problem+json")
	}
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

func TestEveryRegisteredRouteIsDocumented(t *testing.T) {
	doc := load(t)
	a := app.New(nil, app.Options{Quiet: true, Web: fstest.MapFS{"index.html": {Data: []byte("x")}}})
	seen := map[string]bool{}
	var missing []string
	for _, r := range a.Routes() {
		key := r.Method + " " + r.Path
		if seen[key] || strings.HasPrefix(r.Name, "github.com/labstack/echo/v4.init") {
			continue
		}
		seen[key] = true
		if undocumented[key] {
			continue
		}
		p := echoParam.ReplaceAllString(r.Path, "{$1}")
		item := doc.Paths.Find(p)
		if item == nil || item.GetOperation(r.Method) == nil {
			missing = append(missing, r.Method+" "+p)
			continue
		}
		op := item.GetOperation(r.Method)
		for _, m := range echoParam.FindAllStringSubmatch(r.Path, -1) {
			if ps := append(item.Parameters, op.Parameters...); ps.GetByInAndName("path", m[1]) == nil {
				t.Errorf("%s %s: path parameter %s is not described", r.Method, p, m[1])
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("route %s is not in the OpenAPI document", m)
	}
	if len(seen) < 30 {
		t.Errorf("only %d routes registered: the test does not see the router", len(seen))
	}
	// And nothing is documented that is not served.
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			echoPath := regexp.MustCompile(`\{([^}]+)\}`).ReplaceAllString(p, ":$1")
			if !seen[method+" "+echoPath] {
				t.Errorf("%s %s is documented but not registered", method, p)
			}
		}
	}
}

func TestEveryOperationAnswersErrorsAsProblemJSON(t *testing.T) {
	doc := load(t)
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses == nil || op.Responses.Len() == 0 {
				t.Errorf("%s %s: no responses", method, p)
			}
			for code, r := range op.Responses.Map() {
				if (code[0] != '4' && code[0] != '5') || ownErrorShape(p) {
					continue
				}
				if r.Value == nil || r.Value.Content.Get("application/problem+json") == nil {
					t.Errorf("%s %s: response %s is not problem+json", method, p, code)
				}
			}
		}
	}
}

func TestLimitParametersAreRefsWithDefaultAndMaximum(t *testing.T) {
	doc := load(t)
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, ps := range op.Parameters {
				if ps.Value.Name != "limit" || ps.Value.In != "query" {
					continue
				}
				s := ps.Value.Schema.Value
				if ps.Ref == "" || s.Default == nil || s.Max == nil {
					t.Errorf("%s %s: limit is not a $ref parameter with default and maximum (ref %q)", method, p, ps.Ref)
				}
			}
		}
	}
}

func TestTheDocumentIsServedAtAPIAndOpenAPIJSON(t *testing.T) {
	srv := httptest.NewServer(app.New(nil, app.Options{Quiet: true}))
	defer srv.Close()
	var etag string
	for _, path := range []string{"/api", "/openapi.json"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc map[string]any
		if resp.StatusCode != 200 || json.Unmarshal(b, &doc) != nil || doc["openapi"] != "3.0.3" {
			t.Errorf("GET %s: %d %.100s", path, resp.StatusCode, b)
		}
		if ct := resp.Header.Get("Content-Type"); ct != apidoc.ContentType {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		etag = resp.Header.Get("ETag")
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("repeat with If-None-Match: %d, want 304", resp.StatusCode)
	}
}

func TestMergeRefusesTwoDescriptionsOfOneOperationOrClashingComponents(t *testing.T) {
	base := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{}}}`
	op := `{"get":{"responses":{"200":{"description":"ok"}}}}`
	for name, frags := range map[string][2]string{
		"same operation":  {`{"paths":{"/a":` + op + `}}`, `{"paths":{"/a":` + op + `}}`},
		"clashing schema": {`{"paths":{},"components":{"schemas":{"X":{"type":"string"}}}}`, `{"paths":{},"components":{"schemas":{"X":{"type":"integer"}}}}`},
		"unknown member":  {`{"paths":{}}`, `{"paths":{},"tags":[]}`},
	} {
		fsys := fstest.MapFS{"base.json": {Data: []byte(base)}, "f/1.json": {Data: []byte(frags[0])}, "f/2.json": {Data: []byte(frags[1])}}
		if _, err := apidoc.Merge(fsys, "base.json", "f"); err == nil {
			t.Errorf("%s: merged without an error", name)
		}
	}
	// The same component in two fragments, identically, and two methods of
	// one path from two fragments merge.
	fsys := fstest.MapFS{"base.json": {Data: []byte(base)},
		"f/1.json": {Data: []byte(`{"paths":{"/a":` + op + `},"components":{"schemas":{"X":{"type":"string"}}}}`)},
		"f/2.json": {Data: []byte(`{"paths":{"/a":{"post":{"responses":{"201":{"description":"c"}}}}},"components":{"schemas":{"X":{"type":"string"}}}}`)}}
	b, err := apidoc.Merge(fsys, "base.json", "f")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if it := doc.Paths.Find("/a"); it == nil || it.Get == nil || it.Post == nil {
		t.Errorf("merged /a: %s", b)
	}
}
