package problem_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// In front of 老王烧烤 (inside its frontage zone), 5 m north of 测试路, in grid 001.
var shopFront = map[string]any{"lon": 116.05, "lat": 37.100045}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestIntakeDispatchesByTheCategorysFirstInLineRule(t *testing.T) {
	e := setup(t)
	cases := []struct {
		name     string
		body     map[string]any
		assignee string
		role     string
	}{
		{"litter goes to the shop in front of which it lies", with(shopFront, "category", "T-LITTER"), "刘洋", "frontage_owner"},
		{"a dirty road goes to the street chief", with(shopFront, "category", "T-ROAD"), "王芳", "street_chief"},
		{"a dog goes to the grid officer", map[string]any{"lon": 116.05, "lat": 37.15, "category": "T-DOG"}, "张伟", "grid_officer"},
		{"an illegal structure goes to the housing department", with(shopFront, "category", "T-BUILD"), "住房和城乡建设局", "department"},
		{"a vacant grid passes to the community leader", map[string]any{"lon": 116.15, "lat": 37.15, "category": "T-DOG"}, "陈静", "leader"},
	}
	for _, tc := range cases {
		p := e.report(t, with(tc.body, "source", "patrol", "description", tc.name))
		if p.Status != "dispatched" || p.Assignee == nil || p.Assignee.Name != tc.assignee || p.Assignee.Role != tc.role {
			t.Errorf("%s: status %s assignee %+v, want dispatched to %s as %s", tc.name, p.Status, p.Assignee, tc.assignee, tc.role)
		}
		if p.DueAt == nil || p.DispatchedAt == nil || p.Light == nil || *p.Light != "green" {
			t.Errorf("%s: due %v dispatched %v light %v", tc.name, p.DueAt, p.DispatchedAt, p.Light)
		}
	}
	// The deadline is the working-hours calendar's, not the wall clock's.
	if n := e.count(t, `SELECT count(*) FROM problems WHERE due_at IS DISTINCT FROM work_add(dispatched_at, time_limit_hours::float8 * 60)`); n != 0 {
		t.Fatalf("%d problems whose due_at is not work_add(dispatched_at, limit)", n)
	}
}

func TestIntakeMapsThePointToGridStreetAndFrontage(t *testing.T) {
	e := setup(t)
	p := e.report(t, with(shopFront, "category", "T-LITTER", "source", "patrol"))
	want := map[string]*string{"371402001001001": p.Grid, "371402001001": p.Community, "371402001": p.Subdistrict, "371402": p.District, "T-0001": p.Street}
	for code, got := range want {
		if got == nil || *got != code {
			t.Fatalf("mapping: want %s, got %v (problem %+v)", code, got, p)
		}
	}
	// 5 m north of the parallel 37.1, less the 1.2 m by which the geodesic
	// between the street's ends (8.9 km apart) bows north at its middle.
	if p.FrontageID == nil || *p.FrontageID != 1 || p.StreetDistanceM == nil || *p.StreetDistanceM < 3.6 || *p.StreetDistanceM > 4.0 {
		t.Fatalf("frontage %v, street distance %v m, want the shop and about 3.8 m", deref(p.FrontageID), deref(p.StreetDistanceM))
	}
	cell, _ := h3.LatLngToCell(h3.LatLng{Lat: 37.100045, Lng: 116.05}, 15)
	if p.H3 != cell.String() {
		t.Fatalf("h3 %s, want %s", p.H3, cell)
	}
	if !strings.HasPrefix(p.Number, time.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102")+"-") {
		t.Fatalf("number %s", p.Number)
	}
	var d problem.Detail
	e.call(t, "", "GET", fmt.Sprintf("/api/v1/problems/%d", p.ID), nil, &d)
	if len(d.Events) != 3 || d.Events[0].Action != "report" || d.Events[2].Action != "dispatch" || len(d.Chain) < 10 {
		t.Fatalf("detail events %+v chain %s", d.Events, d.Chain)
	}
}

func TestPublicReportsWaitForRegistrationUnlessTheCategorySaysOtherwise(t *testing.T) {
	e := setup(t)
	citizen := e.report(t, with(shopFront, "category", "T-LITTER", "source", "citizen"))
	if citizen.Status != "reported" || citizen.Assignee != nil || citizen.DueAt != nil {
		t.Fatalf("citizen litter report: %+v, want reported and not dispatched", citizen)
	}
	hotline := e.reportAs(t, "hotline", with(shopFront, "category", "T-LIGHT", "source", "hotline", "source_ref", "12345-1"))
	if hotline.Status != "dispatched" || hotline.Assignee == nil || hotline.Assignee.Code != "gdgs" {
		t.Fatalf("hotline streetlight report: %+v, want dispatched to the power company", hotline)
	}
}

func TestAReportOutsideEveryGridIsAcceptedAsUnmapped(t *testing.T) {
	e := setup(t)
	p := e.report(t, map[string]any{"lon": 117.5, "lat": 38.5, "category": "T-DOG", "source": "patrol"})
	if !p.Unmapped || p.Status != "reported" || p.Assignee != nil {
		t.Fatalf("%+v, want an unmapped report waiting for a dispatcher", p)
	}
	var list struct{ Features []struct{ ID int64 } }
	e.call(t, "", "GET", "/api/v1/problems?unmapped=true", nil, &list)
	if len(list.Features) != 1 || list.Features[0].ID != p.ID {
		t.Fatalf("unmapped list %+v", list.Features)
	}
}

func TestTwentyConcurrentRetriesOfOneReportStoreOneProblem(t *testing.T) {
	e := setup(t)
	for _, variant := range []struct {
		name    string
		token   string
		body    map[string]any
		headers []string
	}{
		{"same source_ref", "hotline", with(shopFront, "category", "T-LITTER", "source", "hotline", "source_ref", "12345-20261127-0001"), nil},
		{"same Idempotency-Key", "dispatcher", with(shopFront, "category", "T-ROAD", "source", "patrol"), []string{"Idempotency-Key", "app-7f3a"}},
	} {
		statuses := make([]int, 20)
		ids := make([]int64, 20)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var p problem.Problem
				statuses[i], _ = e.call(t, variant.token, "POST", "/api/v1/problems", variant.body, &p, variant.headers...)
				ids[i] = p.ID
			}()
		}
		wg.Wait()
		created := 0
		for i, s := range statuses {
			if s == 201 {
				created++
			} else if s != 200 {
				t.Fatalf("%s: status %d", variant.name, s)
			}
			if ids[i] != ids[0] {
				t.Fatalf("%s: ids %v, want one problem", variant.name, ids)
			}
		}
		if created != 1 {
			t.Fatalf("%s: %d answers said created, want 1", variant.name, created)
		}
	}
	if n := e.count(t, "SELECT count(*) FROM problems"); n != 2 {
		t.Fatalf("%d problems, want 2", n)
	}
}

func TestBadReportsAnswer422NamingTheFieldAndStoreNothing(t *testing.T) {
	e := setup(t)
	ok := with(shopFront, "category", "T-LITTER", "source", "patrol")
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown category", with(ok, "category", "NOPE"), "category"},
		{"latitude above 90", with(ok, "lat", 95.0), "lat"},
		{"swapped coordinates", with(ok, "lon", 37.1, "lat", 116.05), "lat"},
		{"longitude out of range", with(ok, "lon", 190.0), "lon"},
		{"missing latitude", map[string]any{"lon": 116.05, "category": "T-LITTER", "source": "patrol"}, "lat"},
		{"both forms of location", with(ok, "location", map[string]any{"type": "Point", "coordinates": []float64{116.05, 37.1}}), "location"},
		{"a location that is not a point", map[string]any{"location": map[string]any{"type": "LineString", "coordinates": []float64{1, 2}}, "category": "T-LITTER", "source": "patrol"}, "location"},
		{"unknown source", with(ok, "source", "rumour"), "source"},
		{"time in the future", with(ok, "reported_at", time.Now().Add(48*time.Hour).Format(time.RFC3339)), "reported_at"},
		{"time without a zone", with(ok, "reported_at", "2026-11-01T08:00:00"), "reported_at"},
		{"description over the limit", with(ok, "description", strings.Repeat("脏", problem.MaxDescription+1)), "description"},
		{"photo that is not a URL", with(ok, "photos", []string{"file:///etc/passwd"}), "photos[0]"},
		{"unknown field", with(ok, "severity", 3), "severity"},
		{"wrong type", with(ok, "lat", "37.1"), "lat"},
	}
	for _, tc := range cases {
		var p problemBody
		s, _ := e.call(t, "dispatcher", "POST", "/api/v1/problems", tc.body, &p)
		if s != 422 || len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
			t.Errorf("%s: %d %+v, want 422 naming %s", tc.name, s, p, tc.field)
		}
	}
	var p problemBody
	if s, _ := e.call(t, "viewer", "POST", "/api/v1/problems", ok, &p); s != 403 {
		t.Errorf("a viewer reporting: %d, want 403", s)
	}
	if s, _ := e.call(t, "", "POST", "/api/v1/problems", ok, &p); s != 401 {
		t.Errorf("no token: %d, want 401", s)
	}
	if n := e.count(t, "SELECT count(*) FROM problems"); n != 0 {
		t.Fatalf("%d problems stored by refused reports", n)
	}
	// The GeoJSON form of the location is accepted.
	geo := map[string]any{"location": map[string]any{"type": "Point", "coordinates": []float64{116.05, 37.15}}, "category": "T-DOG", "source": "patrol"}
	if got := e.report(t, geo); got.Grid == nil || *got.Grid != "371402001001001" {
		t.Fatalf("GeoJSON location: %+v", got)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
