package places_test

import (
	"net/http"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/places"
)

func gridOf(loc places.Location) string {
	for _, a := range loc.Areas {
		if a.Level == "grid" {
			return a.Code
		}
	}
	return ""
}

func TestLocateAssignsEveryPointToOneGridByTheLowestCodeRule(t *testing.T) {
	srv := server(t)
	cases := []struct {
		name     string
		lon, lat string
		grid     string
	}{
		{"inside the south-east grid", "116.15", "37.05", "371402001001004"},
		{"inside the north-west grid", "116.03", "37.17", "371402001001001"},
		{"on the edge shared by 001 and 003", "116.05", "37.1", "371402001001001"},
		{"on the edge shared by 003 and 004", "116.1", "37.05", "371402001001003"},
		{"on the vertex shared by all four grids", "116.1", "37.1", "371402001001001"},
		{"on the outer boundary of grid 004", "116.2", "37.0", "371402001001004"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var loc places.Location
			resp := get(t, srv, "/api/v1/locate?lon="+tc.lon+"&lat="+tc.lat, &loc)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := gridOf(loc); got != tc.grid {
				t.Fatalf("grid = %q, want %q (areas %+v)", got, tc.grid, loc.Areas)
			}
			want := []string{"district", "subdistrict", "community", "grid"}
			if len(loc.Areas) != len(want) {
				t.Fatalf("areas = %+v, want district to grid", loc.Areas)
			}
			for i, a := range loc.Areas {
				if a.Level != want[i] || a.Code != tc.grid[:len(a.Code)] {
					t.Fatalf("areas[%d] = %+v: want the %s that is an ancestor of %s", i, a, want[i], tc.grid)
				}
			}
		})
	}
}

func TestLocateOutsideTheCityAnswersEmptyAreas(t *testing.T) {
	srv := server(t)
	var loc places.Location
	resp := get(t, srv, "/api/v1/locate?lon=117.5&lat=38.5", &loc)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if loc.Areas == nil || len(loc.Areas) != 0 || loc.Street != nil {
		t.Fatalf("want areas [] and no street, got %+v", loc)
	}
}

func TestLocateFindsTheNearestStreetWithinFiftyMetres(t *testing.T) {
	srv := server(t)
	// 0.0004° of longitude east of the meridian street at latitude 37.05 is
	// 0.0004 × 111.32 km × cos(37.05°) ≈ 35.5 m.
	var near places.Location
	get(t, srv, "/api/v1/locate?lon=116.1004&lat=37.05", &near)
	if near.Street == nil || near.Street.Code != "T-0003" {
		t.Fatalf("near: street = %+v, want T-0003", near.Street)
	}
	if d := near.Street.DistanceM; d < 35 || d > 36 {
		t.Fatalf("near: distance %.1f m, want about 35.5 m", d)
	}
	// 0.0007° is about 62 m: beyond the default 50 m radius.
	var far places.Location
	get(t, srv, "/api/v1/locate?lon=116.1007&lat=37.05", &far)
	if far.Street != nil {
		t.Fatalf("far: street = %+v, want null beyond 50 m", far.Street)
	}
	if gridOf(far) != "371402001001004" {
		t.Fatalf("far: grid %q, want 371402001001004", gridOf(far))
	}
}

func TestLocateRanksStreetsByDistance(t *testing.T) {
	srv := server(t)
	// Near the crossing of 测试路 and 经线路: 20 m from the meridian street
	// (east) and about 33 m from 测试路 (north).
	var loc places.Location
	get(t, srv, "/api/v1/locate?lon=116.100225&lat=37.1003", &loc)
	if loc.Street == nil || loc.Street.Code != "T-0003" {
		t.Fatalf("street = %+v, want the nearer T-0003", loc.Street)
	}
}
