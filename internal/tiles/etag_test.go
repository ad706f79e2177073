package tiles_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func path(layer string, tl maptile.Tile, q string) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt%s", layer, tl.Z, tl.X, tl.Y, q)
}

// TestRepeatWithETagIs304 pins the revalidation: the same tile asked with
// its ETag is a 304 without a body, with a different one a 200.
func TestRepeatWithETagIs304(t *testing.T) {
	e := setup(t)
	for _, p := range []string{
		path("problems", at(116.05, 37.1, 15), ""), path("problems", at(116.05, 37.1, 10), "?status=reported"),
		path("grids", at(116.05, 37.1, 13), ""), path("heat", at(116.05, 37.1, 12), ""),
		path("frontages", at(116.05, 37.1, 16), ""), path("streets", at(116.05, 37.1, 13), ""),
	} {
		first := e.get(t, p)
		first.Body.Close()
		tag := first.Header.Get("ETag")
		if first.StatusCode != 200 || len(tag) < 10 || tag[0] != '"' {
			t.Fatalf("%s: status %d, ETag %q", p, first.StatusCode, tag)
		}
		if cc := first.Header.Get("Cache-Control"); cc == "" {
			t.Errorf("%s: no Cache-Control", p)
		}
		again := e.get(t, p, "If-None-Match", tag)
		again.Body.Close()
		if again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != tag {
			t.Errorf("%s: repeat with ETag: status %d, ETag %q", p, again.StatusCode, again.Header.Get("ETag"))
		}
		other := e.get(t, p, "If-None-Match", `"other"`)
		other.Body.Close()
		if other.StatusCode != http.StatusOK {
			t.Errorf("%s: another ETag: status %d", p, other.StatusCode)
		}
	}
}

// TestChangedProblemChangesOnlyItsTiles changes one problem's status and
// finds the ETags of the tiles showing it changed (street zoom and the
// city's cells) and that of a tile far away (the other corner of the
// city, at street zoom) unchanged; a moved grid changes grid tiles.
func TestChangedProblemChangesOnlyItsTiles(t *testing.T) {
	e := setup(t)
	id := e.ints(t, `SELECT id FROM problems WHERE geom && ST_MakeEnvelope(116.0, 37.15, 116.05, 37.2, 4326) ORDER BY id LIMIT 1`)[0]
	var lon, lat float64
	if err := e.D.Pool.QueryRow(t.Context(), `SELECT ST_X(geom), ST_Y(geom) FROM problems WHERE id = $1`, id).Scan(&lon, &lat); err != nil {
		t.Fatal(err)
	}
	near := []string{path("problems", at(lon, lat, 16), ""), path("problems", at(lon, lat, 14), ""),
		path("problems", at(lon, lat, 10), ""), path("heat", at(lon, lat, 12), "")}
	far := []string{path("problems", at(116.19, 37.01, 15), ""), path("heat", at(116.19, 37.01, 14), ""), path("grids", at(lon, lat, 14), "")}
	tags := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			r := e.get(t, p)
			r.Body.Close()
			out[i] = r.Header.Get("ETag")
		}
		return out
	}
	nearBefore, farBefore := tags(near), tags(far)
	if _, err := e.D.Pool.Exec(t.Context(), `UPDATE problems SET status = 'closed', closed_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	nearAfter, farAfter := tags(near), tags(far)
	// The tile served after the change (not one kept from before) shows it.
	ls, _ := e.tile(t, "problems", at(lon, lat, 16), "")
	seen := false
	for _, f := range ls["problems"].Features {
		if id2, _ := num(f.Properties["id"]); int64(id2) == id {
			seen = true
			if f.Properties["status"] != "closed" {
				t.Errorf("problem %d is %v in the tile after it was closed", id, f.Properties["status"])
			}
		}
	}
	if !seen {
		t.Errorf("problem %d missing from its tile", id)
	}
	for i := range near {
		if nearBefore[i] == nearAfter[i] {
			t.Errorf("%s shows problem %d and kept its ETag %s", near[i], id, nearBefore[i])
		}
	}
	for i := range far {
		if farBefore[i] != farAfter[i] {
			t.Errorf("%s is far from problem %d and its ETag changed", far[i], id)
		}
	}
	if _, err := e.D.Pool.Exec(t.Context(), `UPDATE areas SET name = '改名网格' WHERE code = '371402001001001'`); err != nil {
		t.Fatal(err)
	}
	if after := tags(far[2:]); after[0] == farBefore[2] {
		t.Errorf("grid tile kept its ETag after its grid was renamed")
	}
}

// TestCachedTileIsTheTileCut: a tile served again without If-None-Match
// (from the server's cache) has the same bytes and ETag as the first.
func TestCachedTileIsTheTileCut(t *testing.T) {
	e := setup(t)
	p := path("problems", at(116.05, 37.1, 12), "?status=reported")
	read := func() (string, []byte) {
		r := e.get(t, p)
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.Header.Get("ETag"), b
	}
	tag1, b1 := read()
	tag2, b2 := read()
	if tag1 != tag2 || !bytes.Equal(b1, b2) || len(b1) == 0 {
		t.Errorf("second answer differs: ETag %s / %s, %d / %d bytes", tag1, tag2, len(b1), len(b2))
	}
}
