package duty_test

import (
	"net/url"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/duty"
)

func (e *env) chain(t *testing.T, lon, lat, category, at string) duty.Chain {
	t.Helper()
	var ch duty.Chain
	q := url.Values{"lon": {lon}, "lat": {lat}, "category": {category}}
	if at != "" {
		q.Set("at", at)
	}
	if s := e.do(t, "GET", "/api/v1/responsible?"+q.Encode(), nil, &ch); s != 200 {
		t.Fatalf("responsible %v: status %d", q, s)
	}
	return ch
}

func roles(ch duty.Chain) []string {
	var out []string
	for _, l := range ch.Links {
		out = append(out, l.Role+"@"+l.Target.Key)
	}
	return out
}

func (e *env) staff(t *testing.T) {
	t.Helper()
	for _, a := range []map[string]any{
		{"role": "grid_officer", "target": grid1, "person_id": e.ids["张伟"], "from": "2026-01-01T00:00:00Z"},
		{"role": "grid_officer", "target": "area:371402001001003", "person_id": e.ids["李娜"], "from": "2026-01-01T00:00:00Z"},
		{"role": "street_chief", "target": "street:T-0001", "person_id": e.ids["王芳"], "from": "2026-01-01T00:00:00Z"},
		{"role": "frontage_owner", "target": "frontage:1", "person_id": e.ids["刘洋"], "from": "2026-01-01T00:00:00Z"},
		{"role": "leader", "target": "area:371402001001", "person_id": e.ids["陈静"], "from": "2026-01-01T00:00:00Z"},
		{"role": "leader", "target": "area:371402", "person_id": e.ids["赵磊"], "from": "2026-01-01T00:00:00Z"},
	} {
		if s := e.do(t, "POST", "/api/v1/duties", a, nil); s != 201 {
			t.Fatalf("staff %v: %d", a, s)
		}
	}
}

func TestChainForAPointInAFrontageZoneStartsWithTheShop(t *testing.T) {
	e := setup(t)
	e.staff(t)
	// 5 m north of 测试路, in front of 老王烧烤 (15 m north, 12 m wide).
	ch := e.chain(t, "116.05", "37.100045", "T-LITTER", "")
	want := []string{
		"frontage_owner@1", "street_chief@T-0001", "grid_officer@371402001001001",
		"leader@371402001001", "leader@371402001", "leader@371402", "department@T-LITTER",
	}
	got := roles(ch)
	if len(got) != len(want) {
		t.Fatalf("chain %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("chain %v, want %v", got, want)
		}
	}
	holders := []string{"刘洋", "王芳", "张伟", "陈静", "", "赵磊", "城市管理局"}
	for i, l := range ch.Links {
		if holders[i] == "" {
			if !l.Vacant || l.Holder != nil {
				t.Fatalf("link %d (%s) should be a vacancy: %+v", i, l.Role, l)
			}
			continue
		}
		if l.Vacant || l.Holder == nil || l.Holder.Name != holders[i] || l.Reason == "" || l.Position != i+1 {
			t.Fatalf("link %d: %+v, want holder %s with a reason", i, l, holders[i])
		}
	}
}

func TestChainPutsTheCategorysFirstInLineFirst(t *testing.T) {
	e := setup(t)
	e.staff(t)
	ch := e.chain(t, "116.05", "37.100045", "T-BUILD", "")
	if ch.Links[0].Role != "department" || ch.Links[0].Holder == nil || ch.Links[0].Holder.Code != "zjj" {
		t.Fatalf("first link %+v, want the housing department (category default)", ch.Links[0])
	}
	if ch.Links[1].Role != "frontage_owner" || ch.Category.FirstInLine != "department" {
		t.Fatalf("chain %v: the rest keeps its order", roles(ch))
	}
}

func TestChainShowsAStreetWithoutAChiefAsAVacancy(t *testing.T) {
	e := setup(t)
	e.staff(t)
	// 10 m south of 北环路, which nobody holds; inside grid 001.
	ch := e.chain(t, "116.05", "37.19991", "T-LITTER", "")
	var street *duty.Link
	for i := range ch.Links {
		if ch.Links[i].Role == "street_chief" {
			street = &ch.Links[i]
		}
	}
	if street == nil || street.Target.Key != "T-0002" || !street.Vacant || street.Holder != nil {
		t.Fatalf("street link %+v, want a vacancy on T-0002", street)
	}
	if ch.Links[0].Role != "street_chief" {
		t.Fatalf("no frontage zone here, so the chain starts at the street: %v", roles(ch))
	}
}

func TestChainOutsideEveryGridHasOnlyTheDepartment(t *testing.T) {
	e := setup(t)
	e.staff(t)
	ch := e.chain(t, "117.5", "38.5", "T-LITTER", "")
	if len(ch.Links) != 1 || ch.Links[0].Role != "department" || ch.Links[0].Holder == nil {
		t.Fatalf("chain %v, want only the department", roles(ch))
	}
}

func TestChainAtADateUsesTheHoldersOfThatDate(t *testing.T) {
	e := setup(t)
	e.staff(t)
	if s := e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": grid1,
		"person_id": e.ids["李娜"], "from": "2026-09-11T09:30:00+08:00"}, nil); s != 201 {
		t.Fatalf("hand-over: %d", s)
	}
	officer := func(ch duty.Chain) string {
		for _, l := range ch.Links {
			if l.Role == "grid_officer" && l.Holder != nil {
				return l.Holder.Name
			}
		}
		return ""
	}
	before := e.chain(t, "116.05", "37.15", "T-LITTER", "2026-09-10T12:00:00+08:00")
	after := e.chain(t, "116.05", "37.15", "T-LITTER", "2026-09-12T12:00:00+08:00")
	if officer(before) != "张伟" || officer(after) != "李娜" {
		t.Fatalf("before %q after %q, want 张伟 then 李娜", officer(before), officer(after))
	}
	// Before anyone was staffed, every person link is vacant.
	early := e.chain(t, "116.05", "37.15", "T-LITTER", "2025-01-01T00:00:00Z")
	for _, l := range early.Links {
		if l.Role != "department" && !l.Vacant {
			t.Fatalf("in 2025 %s should be vacant: %+v", l.Role, l)
		}
	}
}

func TestResponsibleRefusesBadInput(t *testing.T) {
	e := setup(t)
	for path, want := range map[string]int{
		"/api/v1/responsible?lon=116.05&lat=37.15&category=NOPE":                            404,
		"/api/v1/responsible?lon=116.05&lat=37.15":                                          400,
		"/api/v1/responsible?lon=116.05&lat=97&category=T-LITTER":                           400,
		"/api/v1/responsible?lon=116.05&lat=37.15&category=T-LITTER&at=2026-09":             400,
		"/api/v1/responsible?lon=116.05&lat=37.15&category=T-LITTER&at=2026-09-11T08:00:00": 400,
	} {
		var p problemBody
		if s := e.do(t, "GET", path, nil, &p); s != want || len(p.Errors) == 0 {
			t.Errorf("%s: %d %+v, want %d with a field", path, s, p, want)
		}
	}
}
