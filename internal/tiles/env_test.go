package tiles_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// problemsSQL adds 3,000 problems spread over the fixture city (seeded, so
// every run sees the same ones) in every status and source, and 400 more
// (one H3 cell for all: the heat rollup needs a valid one, tiles use none)
// crowded round the shop on 测试路 (116.05, 37.1).
const problemsSQL = `SELECT setseed(0.42);
INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, due_at, dispatched_at, time_limit_hours)
SELECT (ARRAY['T-LITTER', 'T-ROAD', 'T-DOG'])[1 + i % 3],
       (ARRAY['hotline', 'patrol', 'citizen'])[1 + i % 3 / 1 % 3],
       ST_SetSRID(ST_MakePoint(116.0 + random() * 0.2, 37.0 + random() * 0.2), 4326), 644887253234559734,
       timestamptz '2026-06-01 00:00+08' + i * interval '1 hour',
       (ARRAY['reported', 'dispatched', 'closed', 'in_progress'])[1 + i % 4]::problem_status,
       CASE WHEN i % 4 IN (1, 3) THEN timestamptz '2026-06-02 00:00+08' + i * interval '1 hour' END,
       CASE WHEN i % 4 IN (1, 3) THEN timestamptz '2026-06-01 00:00+08' + i * interval '1 hour' END,
       CASE WHEN i % 4 IN (1, 3) THEN 8 END
FROM generate_series(1, 3000) i;
INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status)
SELECT 'T-LITTER', 'patrol', ST_SetSRID(ST_MakePoint(116.05 + (random() - 0.5) * 0.002, 37.1 + (random() - 0.5) * 0.002), 4326), 644887253234559734,
       timestamptz '2026-07-01 00:00+08' + i * interval '1 minute', 'reported'
FROM generate_series(1, 400) i;`

type env struct {
	*apitest.Env
}

func setup(t *testing.T) env {
	t.Helper()
	e := apitest.Setup(t)
	if _, err := e.D.Pool.Exec(context.Background(), fixture.CitySQL); err != nil {
		t.Fatal(err)
	}
	if _, err := e.D.Pool.Exec(context.Background(), problemsSQL); err != nil {
		t.Fatal(err)
	}
	return env{e}
}

// get fetches path with the headers given as name, value pairs.
func (e env) get(t *testing.T, path string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.Srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// tile fetches and decodes a tile (200 expected), its layers projected to
// lon/lat, and returns them with the ETag.
func (e env) tile(t *testing.T, layer string, tl maptile.Tile, query string) (map[string]*mvt.Layer, string) {
	t.Helper()
	resp := e.get(t, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt%s", layer, tl.Z, tl.X, tl.Y, query))
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %v: status %d: %s", layer, tl, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("content type %q", ct)
	}
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("%s %v: decode: %v", layer, tl, err)
	}
	ls.ProjectToWGS84(tl)
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out, resp.Header.Get("ETag")
}

// at is the tile of zoom z holding lon, lat.
func at(lon, lat float64, z maptile.Zoom) maptile.Tile {
	return maptile.At(orb.Point{lon, lat}, z)
}

// ints runs a query answering one bigint column.
func (e env) ints(t *testing.T, sql string, args ...any) []int64 {
	t.Helper()
	rows, err := e.D.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// num reads a numeric MVT property.
func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	}
	return 0, false
}
