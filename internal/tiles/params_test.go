package tiles_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBadTileRequestsAreProblems: coordinates outside the zoom's range, a
// zoom beyond the layer's, malformed numbers and filters are 400
// problem+json naming the field; an unknown layer a 404.
func TestBadTileRequestsAreProblems(t *testing.T) {
	e := setup(t)
	for _, c := range []struct {
		path, field string
		status      int
	}{
		{"/tiles/problems/3/8/0.mvt", "x", 400},
		{"/tiles/problems/3/0/8.mvt", "y", 400},
		{"/tiles/problems/3/-1/0.mvt", "x", 400},
		{"/tiles/problems/19/0/0.mvt", "z", 400},
		{"/tiles/grids/17/0/0.mvt", "z", 400},
		{"/tiles/grids/2/0/0.mvt", "z", 400},
		{"/tiles/problems/a/0/0.mvt", "z", 400},
		{"/tiles/problems/1/0/0x.mvt", "y", 400},
		{"/tiles/problems/99999999999999999999/0/0.mvt", "z", 400},
		{"/tiles/problems/10/843/388.mvt?status=lost", "status", 400},
		{"/tiles/problems/10/843/388.mvt?source=fax", "source", 400},
		{"/tiles/problems/10/843/388.mvt?from=yesterday", "from", 400},
		{"/tiles/problems/10/843/388.mvt?from=2026-07-01T00:00:00Z&to=2026-06-01T00:00:00Z", "to", 400},
		{"/tiles/problems/10/843/388.mvt?colour=red", "colour", 400},
		{"/tiles/grids/12/3374/1552.mvt?status=closed", "status", 400},
		{"/tiles/nowhere/1/0/0.mvt", "", 404},
		{"/tiles/problems/1/0/0.png", "", 404},
		{"/tiles/nowhere.json", "", 404},
	} {
		r := e.get(t, c.path)
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != c.status || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d (%s), want %d problem+json: %s", c.path, r.StatusCode, r.Header.Get("Content-Type"), c.status, body)
			continue
		}
		var p struct {
			Errors []struct{ Field string } `json:"errors"`
		}
		json.Unmarshal(body, &p)
		if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
			t.Errorf("%s: errors %s, want field %q", c.path, body, c.field)
		}
	}
}

// TestTileJSONDescribesTheLayer checks the TileJSON 3.0 members MapLibre
// and GIS tools read, and that the filter is carried into the tile URL.
func TestTileJSONDescribesTheLayer(t *testing.T) {
	e := setup(t)
	r := e.get(t, "/tiles/problems.json?status=reported,closed")
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	var doc struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		MinZoom      *int      `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		Bounds       []float64 `json:"bounds"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.MinZoom == nil || doc.MaxZoom != 18 {
		t.Errorf("document %+v", doc)
	}
	if !strings.HasPrefix(doc.Tiles[0], e.Srv.URL+"/tiles/problems/{z}/{x}/{y}.mvt?") || !strings.Contains(doc.Tiles[0], "status=closed%2Creported") {
		t.Errorf("tiles %v", doc.Tiles)
	}
	want := []float64{116.0, 37.0, 116.2, 37.2}
	for i := range want {
		if len(doc.Bounds) != 4 || doc.Bounds[i]-want[i] > 1e-9 || want[i]-doc.Bounds[i] > 1e-9 {
			t.Fatalf("bounds %v, want %v", doc.Bounds, want)
		}
	}
	if len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "problems" || doc.VectorLayers[0].Fields["status"] == "" {
		t.Errorf("vector_layers %+v", doc.VectorLayers)
	}
	f := e.get(t, "/tiles/frontages.json")
	defer f.Body.Close()
	var fd struct {
		VectorLayers []struct{ ID string } `json:"vector_layers"`
	}
	json.NewDecoder(f.Body).Decode(&fd)
	if len(fd.VectorLayers) != 2 || fd.VectorLayers[1].ID != "frontage_zones" {
		t.Errorf("frontages vector_layers %+v", fd.VectorLayers)
	}
}
