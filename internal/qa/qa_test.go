package qa_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// fixtureSQL plants faults in a 0.2° community cut into four grids:
//   - grid 004 stops at latitude 37.09, leaving a gap strip below grid 002;
//   - grid 003 reaches 116.105, overlapping grid 004;
//   - grid 002 reaches 37.201, outside its community;
//
// and adds two streets and a frontage unit; only grid 001 and street
// T-0001 are staffed.
const fixtureSQL = `
INSERT INTO areas (code, name, level, parent_code, geom) VALUES
 ('371400', '测试市', 'city', NULL, ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.21, 4326))),
 ('371402', '测试区', 'district', '371400', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.21, 4326))),
 ('371402001', '测试街道', 'subdistrict', '371402', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.21, 4326))),
 ('371402001001', '测试社区', 'community', '371402001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001001001', '第1网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.1, 116.1, 37.2, 4326))),
 ('371402001001002', '第2网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.1, 116.2, 37.201, 4326))),
 ('371402001001003', '第3网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.105, 37.1, 4326))),
 ('371402001001004', '第4网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.0, 116.2, 37.09, 4326))),
 ('371402001002', '空社区', 'community', '371402001', ST_Multi(ST_MakeEnvelope(116.0, 37.2, 116.2, 37.21, 4326)));
INSERT INTO streets (code, name, geom) VALUES
 ('T-0001', '测试路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.1, 116.1 37.1)', 4326))),
 ('T-0002', '北环路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.15, 116.05 37.15)', 4326)));
INSERT INTO frontages (name, geom, street_code) VALUES ('老王烧烤', ST_SetSRID(ST_MakePoint(116.05, 37.100135), 4326), 'T-0001');
INSERT INTO people (name) VALUES ('张伟');
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES ('grid_officer', 1, 'area', '371402001001001', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, street_code, valid) VALUES ('street_chief', 1, 'street', 'T-0001', tstzrange('2026-01-01', NULL));
`

type report struct {
	Features []struct {
		Geometry   json.RawMessage `json:"geometry"`
		Properties struct {
			Type    string   `json:"type"`
			Codes   []string `json:"codes"`
			AreaM2  float64  `json:"area_m2"`
			LengthM float64  `json:"length_m"`
			Detail  string   `json:"detail"`
		} `json:"properties"`
	} `json:"features"`
	Counts map[string]int `json:"counts"`
}

func fetch(t *testing.T, srv *httptest.Server, path string) (int, report) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r report
	json.NewDecoder(resp.Body).Decode(&r)
	return resp.StatusCode, r
}

func setup(t *testing.T) *httptest.Server {
	d := dbtest.New(t)
	if _, err := d.Pool.Exec(context.Background(), fixtureSQL); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(srv.Close)
	return srv
}

func TestQAFindsThePlantedGapOverlapAndStrayGrid(t *testing.T) {
	srv := setup(t)
	status, r := fetch(t, srv, "/api/v1/qa?parent=371402001001")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	find := func(typ string, codes ...string) (float64, bool) {
		for _, f := range r.Features {
			if f.Properties.Type != typ || len(f.Properties.Codes) != len(codes) {
				continue
			}
			match := true
			for i := range codes {
				match = match && f.Properties.Codes[i] == codes[i]
			}
			if match && len(f.Geometry) > 0 {
				return f.Properties.AreaM2 + f.Properties.LengthM, true
			}
		}
		return 0, false
	}
	// The gap: 116.105–116.2 × 37.09–37.1 ≈ 8.43 km × 1.11 km ≈ 9.37 km².
	if a, ok := find("gap", "371402001001"); !ok || a < 9.2e6 || a > 9.5e6 {
		t.Errorf("gap: found %v, area %.0f m², want about 9.37 km²", ok, a)
	}
	// The overlap: 116.1–116.105 × 37.0–37.09 ≈ 444 m × 9.99 km ≈ 4.44 km².
	if a, ok := find("overlap", "371402001001003", "371402001001004"); !ok || a < 4.3e6 || a > 4.6e6 {
		t.Errorf("overlap: found %v, area %.0f m², want about 4.44 km²", ok, a)
	}
	if _, ok := find("outside_parent", "371402001001002", "371402001001"); !ok {
		t.Errorf("grid 002 reaching north of its community is not reported")
	}
	for _, code := range []string{"371402001001002", "371402001001003", "371402001001004"} {
		if _, ok := find("grid_without_officer", code); !ok {
			t.Errorf("grid %s has no officer but is not reported", code)
		}
	}
	if _, ok := find("grid_without_officer", "371402001001001"); ok {
		t.Errorf("grid 001 has an officer but is reported")
	}
	if l, ok := find("street_without_chief", "T-0002"); !ok || l < 4400 || l > 4500 {
		t.Errorf("street T-0002 (about 4.44 km) without chief: %v %.0f", ok, l)
	}
	if _, ok := find("street_without_chief", "T-0001"); ok {
		t.Errorf("street T-0001 has a chief but is reported")
	}
	if _, ok := find("frontage_without_owner", "1", "T-0001"); !ok {
		t.Errorf("the frontage unit without an owner is not reported")
	}
	if r.Counts["gap"] != 1 || r.Counts["overlap"] != 1 || r.Counts["grid_without_officer"] != 3 {
		t.Errorf("counts %v", r.Counts)
	}
}

func TestQAOfATidyScopeFindsNoTopologyFaults(t *testing.T) {
	srv := setup(t)
	// The empty community has no children: nothing to tile, nothing wrong.
	status, r := fetch(t, srv, "/api/v1/qa?parent=371402001002&type=gap,overlap,outside_parent,grid_without_officer")
	if status != 200 || len(r.Features) != 0 {
		t.Fatalf("status %d, findings %+v, want none", status, r.Features)
	}
	_, only := fetch(t, srv, "/api/v1/qa?type=overlap")
	for _, f := range only.Features {
		if f.Properties.Type != "overlap" {
			t.Fatalf("type=overlap returned a %s", f.Properties.Type)
		}
	}
}

func TestQARefusesBadInput(t *testing.T) {
	srv := setup(t)
	for path, want := range map[string]int{
		"/api/v1/qa?parent=371499":          404,
		"/api/v1/qa?type=holes":             400,
		"/api/v1/qa?at=2026-09-11T08:00:00": 400,
		"/api/v1/qa?parnet=371402":          400,
	} {
		if s, _ := fetch(t, srv, path); s != want {
			t.Errorf("%s: %d, want %d", path, s, want)
		}
	}
}

// TestQAPolygonsAreCounterClockwise pins RFC 7946 §3.1.6: exterior rings
// counter-clockwise, holes clockwise, for every finding, whatever the
// orientation stored (the fixture's envelopes are clockwise) or the one
// GEOS gives a difference or an intersection.
func TestQAPolygonsAreCounterClockwise(t *testing.T) {
	srv := setup(t)
	code, rep := fetch(t, srv, "/api/v1/qa?parent=371402")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	polygons := 0
	for _, f := range rep.Features {
		ps, err := polygonsOf(f.Geometry)
		if err != nil {
			t.Fatalf("%s %v: %v", f.Properties.Type, f.Properties.Codes, err)
		}
		for _, p := range ps {
			polygons++
			for i, r := range p {
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				if o := r.Orientation(); o != want {
					t.Errorf("%s %v ring %d: orientation %v, want %v", f.Properties.Type, f.Properties.Codes, i, o, want)
				}
			}
		}
	}
	if polygons < 4 {
		t.Fatalf("only %d polygons checked: the fixture should yield a gap, an overlap, a stray part and vacant grids", polygons)
	}
}

// polygonsOf reads a GeoJSON Polygon or MultiPolygon (nothing for other
// types) into orb polygons.
func polygonsOf(raw json.RawMessage) ([]orb.Polygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	var mp [][][]orb.Point
	switch g.Type {
	case "Polygon":
		var p [][]orb.Point
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, err
		}
		mp = [][][]orb.Point{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, err
		}
	}
	out := make([]orb.Polygon, len(mp))
	for i, p := range mp {
		for _, r := range p {
			out[i] = append(out[i], orb.Ring(r))
		}
	}
	return out, nil
}
