package places_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// fixtureSQL is a tiny city: one district, subdistrict and community, the
// square [116.0, 116.2] x [37.0, 37.2], cut into four 0.1° grids
//
//	001 | 002      north
//	----+----
//	003 | 004      south
//
// and streets along the middle latitude 37.1 (测试路), along the middle
// meridian 116.1 (经线路, a great circle, so geodesic distances to it are
// easy to work out by hand) and near the north edge (远郊路).
const fixtureSQL = `
INSERT INTO areas (code, name, level, parent_code, geom) VALUES
 ('371400', '测试市', 'city', NULL, ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402', '测试区', 'district', '371400', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001', '测试街道', 'subdistrict', '371402', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001001', '测试社区', 'community', '371402001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001001001', '第1网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.1, 116.1, 37.2, 4326))),
 ('371402001001002', '第2网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.1, 116.2, 37.2, 4326))),
 ('371402001001003', '第3网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.1, 37.1, 4326))),
 ('371402001001004', '第4网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.0, 116.2, 37.1, 4326)));
INSERT INTO streets (code, name, geom) VALUES
 ('T-0001', '测试路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.1, 116.2 37.1)', 4326))),
 ('T-0002', '远郊路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.19, 116.05 37.19)', 4326))),
 ('T-0003', '经线路', ST_Multi(ST_GeomFromText('LINESTRING(116.1 37.0, 116.1 37.2)', 4326)));
`

// server is a real Gridkeeper router over a fresh database holding the
// fixture city.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	d := dbtest.New(t)
	if _, err := d.Pool.Exec(context.Background(), fixtureSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path and decodes a JSON body into out (when not nil).
func get(t *testing.T, srv *httptest.Server, path string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: decode %q: %v", path, truncate(string(body)), err)
		}
	}
	return resp
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return strings.TrimSpace(s)
}
