package ogc_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/ogc"
)

var update = flag.Bool("update", false, "rewrite internal/apidoc/fragments/ogc.json from the Go description")

const fragmentFile = "../apidoc/fragments/ogc.json"

func fragmentJSON(t *testing.T) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(ogc.Fragment()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFragmentIsWhatTheGoDescriptionWrites: the OpenAPI fragment of /ogc
// is generated (go test ./internal/ogc -run Fragment -update), so the
// document at /api and the one at /ogc/api cannot drift apart.
func TestFragmentIsWhatTheGoDescriptionWrites(t *testing.T) {
	want := fragmentJSON(t)
	if *update {
		if err := os.MkdirAll("../apidoc/fragments", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fragmentFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fragmentFile)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%v): run go test ./internal/ogc -run Fragment -update", fragmentFile, err)
	}
	var frag struct {
		Paths      map[string]map[string]any
		Components struct{ Parameters map[string]map[string]any }
	}
	if err := json.Unmarshal(got, &frag); err != nil {
		t.Fatal(err)
	}
	lim := frag.Components.Parameters["OgcLimit"]["schema"].(map[string]any)
	if lim["maximum"] != 10000.0 || lim["default"] != 100.0 {
		t.Fatalf("OgcLimit %v", lim)
	}
	items := frag.Paths["/ogc/collections/{id}/items"]["get"].(map[string]any)
	b, _ := json.Marshal(items["parameters"])
	if !strings.Contains(string(b), `"$ref":"#/components/parameters/OgcLimit"`) {
		t.Fatalf("items do not $ref OgcLimit: %s", b)
	}
	for _, p := range []string{"/ogc", "/ogc/api", "/ogc/conformance", "/ogc/collections", "/ogc/collections/{id}", "/ogc/collections/{id}/items/{fid}", "/ogc/collections/{id}/queryables"} {
		if _, ok := frag.Paths[p]; !ok {
			t.Errorf("fragment lacks %s", p)
		}
	}
}

// TestOwnAPIDocumentDescribesItemsWhereGDALLooks: /ogc/api has the server
// at /ogc and the items paths relative to it, with limit's maximum and
// default through a $ref and cql-text among the filter languages.
func TestOwnAPIDocumentDescribesItemsWhereGDALLooks(t *testing.T) {
	e := setup(t, 0)
	r := e.Do(t, "GET", "/ogc/api", "", "")
	var doc struct {
		OpenAPI string
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			Parameters []map[string]any
		}
		Components struct{ Parameters map[string]map[string]any }
	}
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.oai.openapi+json") || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != e.Srv.URL+"/ogc" {
		t.Fatalf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
	}
	items, ok := doc.Paths["/collections/problems/items"]["get"]
	if !ok {
		t.Fatalf("no /collections/problems/items: %v", doc.Paths)
	}
	names := map[string]bool{}
	for _, p := range items.Parameters {
		if r, ok := p["$ref"].(string); ok {
			name := strings.TrimPrefix(r, "#/components/parameters/")
			names[doc.Components.Parameters[name]["name"].(string)] = true
			continue
		}
		names[p["name"].(string)] = true
	}
	for _, want := range []string{"limit", "bbox", "datetime", "filter", "filter-lang", "status", "category", "reported_at"} {
		if !names[want] {
			t.Errorf("problems items lack parameter %s", want)
		}
	}
	lang, _ := json.Marshal(doc.Components.Parameters["OgcFilterLang"])
	if !strings.Contains(string(lang), `"cql-text"`) || !strings.Contains(string(lang), `"cql2-text"`) {
		t.Errorf("filter-lang %s", lang)
	}
}
