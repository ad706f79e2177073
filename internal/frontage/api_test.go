package frontage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// served is the fixture streets with three units along 东西路 — two with
// an owner, one without — and a unit on 南北路, behind the real router.
func served(t *testing.T) (*httptest.Server, *dbtest.DB) {
	t.Helper()
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	mustImportCSV(t, d, "name,contact,phone,lon,lat,licence\n"+
		"老王烧烤,王建国,13812345678,116.010,"+lat+",L-1\n"+
		"鑫源五金,李娜,15012345678,116.011,"+lat+",L-2\n"+
		"空置门面,,,116.012,"+lat+",\n"+
		"顺达汽修,赵强,18612345678,116.0298,37.1005,L-4\n")
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(srv.Close)
	return srv, d
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
			t.Fatalf("GET %s: decode %q: %v", path, body, err)
		}
	}
	return resp
}

type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

type collection struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties struct {
			Kind       string  `json:"kind"`
			FrontageID int64   `json:"frontage_id"`
			Name       string  `json:"name"`
			Licence    *string `json:"licence"`
			Street     string  `json:"street"`
			StreetName string  `json:"street_name"`
			Owner      *struct {
				PersonID int64  `json:"person_id"`
				Name     string `json:"name"`
			} `json:"owner"`
		} `json:"properties"`
	} `json:"features"`
	NumberReturned int `json:"numberReturned"`
}

func TestFrontagesWithoutABBoxAnswer400ProblemNamingBBox(t *testing.T) {
	srv, _ := served(t)
	for path, field := range map[string]string{
		"/api/v1/frontages":                                         "bbox",
		"/api/v1/frontages?street=F-EW":                             "bbox",
		"/api/v1/frontages?bbox=116,37":                             "bbox",
		"/api/v1/frontages?bbox=116.0,37.0,116.3,37.1":              "bbox",
		"/api/v1/frontages?bbox=116.0,37.0,116.1,37.25":             "bbox",
		"/api/v1/frontages?bbox=116,37,116.01,37.01&street=bad%20c": "street",
		"/api/v1/frontages?bbox=116,37,116.01,37.01&streets=F-EW":   "streets",
	} {
		var p problem
		resp := get(t, srv, path, &p)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/problem+json" ||
			len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Errorf("%s: status %d, type %q, %+v; want 400 naming %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), p, field)
		}
	}
	var p problem
	get(t, srv, "/api/v1/frontages?bbox=116.0,37.0,116.3,37.1", &p)
	if !strings.Contains(p.Errors[0].Reason, "0.3° × 0.1°") || !strings.Contains(p.Errors[0].Reason, "at most 0.2° × 0.2°") {
		t.Errorf("too large: reason %q should give the box and the limit", p.Errors[0].Reason)
	}
}

func TestFrontagesComeAsUnitAndZonePairsWithStreetAndOwner(t *testing.T) {
	srv, _ := served(t)
	var fc collection
	resp := get(t, srv, "/api/v1/frontages?bbox=116.005,37.095,116.015,37.105", &fc)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if len(fc.Features) != 6 || fc.NumberReturned != 6 {
		t.Fatalf("%d features (numberReturned %d), want 3 units and their zones", len(fc.Features), fc.NumberReturned)
	}
	wantOwners := []string{"王建国", "李娜", ""}
	for i := 0; i < len(fc.Features); i += 2 {
		u, z := fc.Features[i], fc.Features[i+1]
		id := u.Properties.FrontageID
		if u.ID != fmt.Sprintf("unit:%d", id) || z.ID != fmt.Sprintf("zone:%d", id) || u.Properties.Kind != "unit" || z.Properties.Kind != "zone" {
			t.Fatalf("pair %d: ids %s, %s, kinds %s, %s", i/2, u.ID, z.ID, u.Properties.Kind, z.Properties.Kind)
		}
		if !strings.Contains(string(u.Geometry), `"Point"`) || !strings.Contains(string(z.Geometry), `"Polygon"`) {
			t.Errorf("pair %d: unit %s, zone %s", i/2, u.Geometry, z.Geometry)
		}
		for _, f := range []int{i, i + 1} {
			p := fc.Features[f].Properties
			owner := ""
			if p.Owner != nil {
				owner = p.Owner.Name
				if p.Owner.PersonID <= 0 {
					t.Errorf("%s: owner %+v", fc.Features[f].ID, p.Owner)
				}
			}
			if p.FrontageID != id || p.Street != "F-EW" || p.StreetName != "东西路" || owner != wantOwners[i/2] {
				t.Errorf("%s: %+v, want frontage %d on F-EW 东西路 owned by %q", fc.Features[f].ID, p, id, wantOwners[i/2])
			}
		}
	}
	if fc.Features[4].Properties.Licence != nil || fc.Features[0].Properties.Licence == nil || *fc.Features[0].Properties.Licence != "L-1" {
		t.Errorf("licences: %v, %v", fc.Features[0].Properties.Licence, fc.Features[4].Properties.Licence)
	}

	// A box holding only 鑫源五金's zone (the strip south of the unit) still returns it.
	var zoneOnly collection
	get(t, srv, fmt.Sprintf("/api/v1/frontages?bbox=116.01099,37.10001,116.01101,%.6f", north(5)), &zoneOnly)
	if len(zoneOnly.Features) != 2 || zoneOnly.Features[0].Properties.Name != "鑫源五金" {
		t.Errorf("box over a zone: %d features", len(zoneOnly.Features))
	}
	// The street filter.
	var onNS collection
	get(t, srv, "/api/v1/frontages?bbox=116.0,37.0,116.2,37.2&street=F-NS", &onNS)
	if len(onNS.Features) != 2 || onNS.Features[0].Properties.Name != "顺达汽修" {
		t.Errorf("street=F-NS: %d features", len(onNS.Features))
	}
}

func TestFrontageByIDGivesZoneAreaOwnerAndOwnerHistory(t *testing.T) {
	srv, d := served(t)
	var id int64
	if err := d.Pool.QueryRow(context.Background(), `SELECT id FROM frontages WHERE licence = 'L-1'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// A new contact: the first owner's duty ends, the new one's begins.
	mustImportCSV(t, d, fmt.Sprintf("name,contact,lon,lat,licence\n老王烧烤,王小明,116.010,%.9f,L-1\n", north(15)))
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Kind       string          `json:"kind"`
			Name       string          `json:"name"`
			Contact    string          `json:"contact"`
			Street     string          `json:"street"`
			ZoneAreaM2 float64         `json:"zone_area_m2"`
			Distance   float64         `json:"street_distance_m"`
			Zone       json.RawMessage `json:"zone"`
			Owner      struct{ Name string }
			Owners     []struct {
				Name    string  `json:"name"`
				To      *string `json:"to"`
				Current bool    `json:"current"`
			} `json:"owners"`
		} `json:"properties"`
	}
	resp := get(t, srv, fmt.Sprintf("/api/v1/frontages/%d", id), &f)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := f.Properties
	if f.ID != fmt.Sprintf("unit:%d", id) || p.Kind != "unit" || p.Contact != "王小明" || p.Street != "F-EW" {
		t.Errorf("feature %s: %+v", f.ID, p)
	}
	if p.ZoneAreaM2 < 178 || p.ZoneAreaM2 > 182 || p.Distance < 14.9 || p.Distance > 15.1 || !strings.Contains(string(p.Zone), "Polygon") {
		t.Errorf("zone %.1f m² at %.1f m, %s; want 12 m × 15 m", p.ZoneAreaM2, p.Distance, p.Zone)
	}
	if p.Owner.Name != "王小明" || len(p.Owners) != 2 || p.Owners[0].Name != "王小明" || !p.Owners[0].Current || p.Owners[0].To != nil ||
		p.Owners[1].Name != "王建国" || p.Owners[1].Current || p.Owners[1].To == nil {
		t.Errorf("owner %+v, history %+v; want 王小明 now, 王建国 before", p.Owner, p.Owners)
	}

	for path, status := range map[string]int{"/api/v1/frontages/999999": 404, "/api/v1/frontages/abc": 400, "/api/v1/frontages/-3": 400} {
		var pr problem
		if resp := get(t, srv, path, &pr); resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d (%s), want %d", path, resp.StatusCode, resp.Header.Get("Content-Type"), status)
		}
	}
}

func TestUploadingAFileNeedsASupervisorAndAnswersEveryRejection(t *testing.T) {
	srv, d := served(t)
	ctx := context.Background()
	supervisor, _, err := auth.Create(ctx, d.Pool, "ward supervisor", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	viewer, _, err := auth.Create(ctx, d.Pool, "someone", "viewer")
	if err != nil {
		t.Fatal(err)
	}
	post := func(token, contentType, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/frontages/import", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	good := fmt.Sprintf("name,contact,lon,lat\n好又多超市,孙丽,116.013,%.9f\n", north(-15))
	if s := post("", "text/csv", good, nil); s != http.StatusUnauthorized {
		t.Errorf("no token: %d", s)
	}
	if s := post(viewer, "text/csv", good, nil); s != http.StatusForbidden {
		t.Errorf("viewer: %d", s)
	}
	if s := post(supervisor, "text/plain", good, nil); s != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", s)
	}
	var out map[string]any
	if s := post(supervisor, "text/csv; charset=utf-8", good, &out); s != http.StatusOK || out["inserted"] != 1.0 || out["owners_created"] != 1.0 {
		t.Errorf("good file: %d %v", s, out)
	}
	var p problem
	bad := "name,contact,lon,lat\n,孙丽,116.013,37.1\n远方,,37.4,116.3\n"
	if s := post(supervisor, "text/csv", bad, &p); s != http.StatusUnprocessableEntity || len(p.Errors) != 3 ||
		p.Errors[0].Field != "line 2" || p.Errors[2].Field != "line 3" || !strings.Contains(p.Errors[2].Reason, "looks swapped") {
		t.Errorf("bad file: %d %+v", s, p)
	}
	var created string
	if err := d.Pool.QueryRow(ctx, `SELECT created_by FROM duties ORDER BY id DESC LIMIT 1`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if created != "import by ward supervisor" {
		t.Errorf("the uploaded owner duty was created by %q", created)
	}
}
