package places_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
)

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	NumberReturned int `json:"numberReturned"`
}

func codes(fc featureCollection) []string {
	var out []string
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

func TestAreasFilterByLevelParentAndBBox(t *testing.T) {
	srv := server(t)
	cases := []struct {
		query string
		want  []string
	}{
		{"level=grid", []string{"371402001001001", "371402001001002", "371402001001003", "371402001001004"}},
		{"level=district", []string{"371402"}},
		{"parent=371402001", []string{"371402001001"}},
		{"level=grid&bbox=116.12,37.02,116.18,37.08", []string{"371402001001004"}},
		{"level=grid&bbox=116.5,37.5,116.6,37.6", nil},
	}
	for _, tc := range cases {
		var fc featureCollection
		resp := get(t, srv, "/api/v1/areas?"+tc.query, &fc)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%s: status %d, type %q", tc.query, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		got := codes(fc)
		if len(got) != len(tc.want) || fc.NumberReturned != len(tc.want) || fc.Type != "FeatureCollection" {
			t.Fatalf("%s: got %v (numberReturned %d), want %v", tc.query, got, fc.NumberReturned, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%s: got %v, want %v", tc.query, got, tc.want)
			}
		}
	}
}

func TestAreaFeatureCarriesPropertiesAndSevenDecimalCoordinates(t *testing.T) {
	srv := server(t)
	var fc featureCollection
	get(t, srv, "/api/v1/areas?level=grid&bbox=116.12,37.02,116.18,37.08", &fc)
	f := fc.Features[0]
	for k, want := range map[string]any{"code": "371402001001004", "name": "第4网格", "level": "grid", "parent": "371402001001"} {
		if f.Properties[k] != want {
			t.Fatalf("properties[%s] = %v, want %v", k, f.Properties[k], want)
		}
	}
	if m := regexp.MustCompile(`\.[0-9]{8,}`).Find(f.Geometry); m != nil {
		t.Fatalf("geometry has more than 7 decimals: %s", f.Geometry)
	}
}

func TestAreaByCodeListsAncestorsFromTheCityDown(t *testing.T) {
	srv := server(t)
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Code      string `json:"code"`
			Level     string `json:"level"`
			Ancestors []struct{ Code, Name, Level string }
			Children  int     `json:"children"`
			AreaKm2   float64 `json:"area_km2"`
		} `json:"properties"`
	}
	resp := get(t, srv, "/api/v1/areas/371402001001002", &f)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	want := []string{"371400", "371402", "371402001", "371402001001"}
	if len(f.Properties.Ancestors) != len(want) {
		t.Fatalf("ancestors %+v, want %v", f.Properties.Ancestors, want)
	}
	for i, a := range f.Properties.Ancestors {
		if a.Code != want[i] {
			t.Fatalf("ancestors %+v, want %v", f.Properties.Ancestors, want)
		}
	}
	// 0.1° × 0.1° at latitude 37.15 is about 11.13 km × 8.87 km.
	if f.Properties.AreaKm2 < 97 || f.Properties.AreaKm2 > 100 {
		t.Fatalf("area_km2 = %v, want about 98.7", f.Properties.AreaKm2)
	}
	var city struct {
		Properties struct {
			Ancestors []any `json:"ancestors"`
			Children  int   `json:"children"`
		} `json:"properties"`
	}
	get(t, srv, "/api/v1/areas/371400", &city)
	if city.Properties.Ancestors == nil || len(city.Properties.Ancestors) != 0 || city.Properties.Children != 1 {
		t.Fatalf("city: %+v, want no ancestors and one child", city.Properties)
	}
}

func TestStreetsFilterByBBox(t *testing.T) {
	srv := server(t)
	var all, some featureCollection
	get(t, srv, "/api/v1/streets", &all)
	get(t, srv, "/api/v1/streets?bbox=116.0,37.18,116.06,37.2", &some)
	if len(all.Features) != 3 || len(some.Features) != 1 || some.Features[0].ID != "T-0002" {
		t.Fatalf("all %v, bbox %v", codes(all), codes(some))
	}
	if some.Features[0].Properties["name"] != "远郊路" {
		t.Fatalf("properties %v", some.Features[0].Properties)
	}
}

func TestBadInputAnswersProblemJSONNamingTheField(t *testing.T) {
	srv := server(t)
	cases := []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/areas?bbox=1,2,3", 400, "bbox"},
		{"/api/v1/areas?bbox=a,b,c,d", 400, "bbox"},
		{"/api/v1/areas?bbox=116.2,37,116.0,37.2", 400, "bbox"},
		{"/api/v1/areas?bbox=116,37.2,116.2,37.0", 400, "bbox"},
		{"/api/v1/areas?bbox=-200,0,10,10", 400, "bbox"},
		{"/api/v1/areas?bbox=0,-95,10,10", 400, "bbox"},
		{"/api/v1/areas?level=province", 400, "level"},
		{"/api/v1/areas?parent=abc", 400, "parent"},
		{"/api/v1/areas?parent=371499", 404, "parent"},
		{"/api/v1/areas?levle=grid", 400, "levle"},
		{"/api/v1/areas/371402009009009", 404, ""},
		{"/api/v1/areas/not-a-code", 400, "code"},
		{"/api/v1/streets?bbox=1,2,3,x", 400, "bbox"},
		{"/api/v1/locate?lon=116.1", 400, "lat"},
		{"/api/v1/locate?lat=37.1", 400, "lon"},
		{"/api/v1/locate?lon=abc&lat=37.1", 400, "lon"},
		{"/api/v1/locate?lon=116.1&lat=NaN", 400, "lat"},
		{"/api/v1/locate?lon=181&lat=37.1", 400, "lon"},
		{"/api/v1/locate?lon=116.1&lat=91", 400, "lat"},
		{"/api/v1/locate?lon=116.1&lat=1e400", 400, "lat"},
		{"/api/v1/nowhere", 404, ""},
	}
	for _, tc := range cases {
		var p struct {
			Title  string `json:"title"`
			Status int    `json:"status"`
			Detail string `json:"detail"`
			Errors []struct{ Field, Reason string }
		}
		resp := get(t, srv, tc.path, &p)
		if resp.StatusCode != tc.status || p.Status != tc.status {
			t.Errorf("%s: status %d (body %d), want %d", tc.path, resp.StatusCode, p.Status, tc.status)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tc.path, ct)
		}
		if p.Title == "" {
			t.Errorf("%s: problem without a title", tc.path)
		}
		if tc.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Reason == "") {
			t.Errorf("%s: errors %+v, want field %q with a reason", tc.path, p.Errors, tc.field)
		}
	}
}
