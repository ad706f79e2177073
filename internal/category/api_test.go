package category_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/category"
)

const newCategory = `{"code":"L97-01","name":"共享单车堆积","kind":"event","big_class":"97","big_class_name":"共享出行",
	"small_class":"01","open311_code":"shared-bike-pileup","department":"jtysj","time_limit_hours":4,
	"first_in_line":"street_chief","register_rule":"共享单车堆积超过20辆","close_rule":"车辆已清运或规范摆放"}`

func TestCategoryWritesAreForAdminsOnly(t *testing.T) {
	e := setup(t)
	cases := []struct {
		who, token string
		status     int
	}{
		{"no token", "", 401},
		{"viewer", e.Viewer, 403},
		{"dispatcher", e.Dispatcher, 403},
		{"supervisor", e.Sup, 403},
		{"admin", e.Admin, 201},
	}
	for _, tc := range cases {
		r := e.Do(t, "POST", "/api/v1/categories", tc.token, newCategory)
		if tc.status >= 400 {
			r.WantProblem(t, "POST as "+tc.who, tc.status, "Authorization")
		} else if r.Status != tc.status {
			t.Errorf("POST as %s: %d %s", tc.who, r.Status, r.Body)
		}
	}
	e.Do(t, "PATCH", "/api/v1/categories/E01-10", e.Sup, `{"time_limit_hours":1}`).WantProblem(t, "PATCH as supervisor", 403, "Authorization")
	e.Do(t, "PATCH", "/api/v1/categories/E01-10", "", `{"time_limit_hours":1}`).WantProblem(t, "PATCH without token", 401, "Authorization")
	var c categoryJSON
	e.Do(t, "GET", "/api/v1/categories/E01-10", "", "").Decode(t, &c)
	if c.TimeLimitHours != 8 {
		t.Fatalf("refused PATCH changed the time limit to %v", c.TimeLimitHours)
	}
}

func TestCategoryRoundTripFillsDefaultsAndPatchesPartially(t *testing.T) {
	e := setup(t)
	r := e.Do(t, "POST", "/api/v1/categories", e.Admin, newCategory)
	if r.Status != 201 || r.Header.Get("Location") != "/api/v1/categories/L97-01" {
		t.Fatalf("create: %d %s Location %q", r.Status, r.Body, r.Header.Get("Location"))
	}
	var c categoryJSON
	r.Decode(t, &c)
	if c.Name != "共享单车堆积" || c.Department != "jtysj" || c.TimeLimitHours != 4 || c.NationalCode != nil ||
		!slices.Equal(c.LookbackDays, []int32{7, 30}) || c.RecurRadiusM != 50 || c.RecurDays != 90 ||
		c.DuplicateRadiusM != 30 || !c.Active || c.AutoRegister {
		t.Fatalf("created %+v, want the body plus defaults", c)
	}
	r = e.Do(t, "PATCH", "/api/v1/categories/L97-01", e.Admin,
		`{"time_limit_hours":2.5,"lookback_days":[3,14,60],"auto_register":true,"national_code":"9701","active":false}`)
	r.Decode(t, &c)
	if r.Status != 200 || c.TimeLimitHours != 2.5 || !slices.Equal(c.LookbackDays, []int32{3, 14, 60}) || !c.AutoRegister ||
		c.NationalCode == nil || *c.NationalCode != "9701" || c.Active || c.Name != "共享单车堆积" || c.FirstInLine != "street_chief" {
		t.Fatalf("patch: %d %+v", r.Status, c)
	}
	r = e.Do(t, "PATCH", "/api/v1/categories/L97-01", e.Admin, `{"national_code":null,"open311_code":""}`)
	r.Decode(t, &c)
	if r.Status != 200 || c.NationalCode != nil || c.Open311Code != nil {
		t.Fatalf("clearing codes: %d %+v", r.Status, c)
	}
	var read categoryJSON
	e.Do(t, "GET", "/api/v1/categories/L97-01", "", "").Decode(t, &read)
	if read.TimeLimitHours != 2.5 || read.Active || read.NationalCode != nil {
		t.Fatalf("read back %+v", read)
	}
	// Inactive categories are listed only when asked for.
	codes := func(q string) []string {
		var out []string
		for _, c := range categories(e, t, q) {
			out = append(out, c.Code)
		}
		return out
	}
	if slices.Contains(codes("?active=true"), "L97-01") || !slices.Equal(codes("?active=false"), []string{"L97-01"}) ||
		!slices.Contains(codes("?kind=event"), "L97-01") || slices.Contains(codes("?kind=component"), "L97-01") {
		t.Fatalf("filters: active=false %v", codes("?active=false"))
	}
}

func TestBadCategoryInputIsRefusedNamingTheFieldAndStoresNothing(t *testing.T) {
	e := setup(t)
	before := e.Count(t, "categories")
	with := func(member, value string) string {
		// newCategory with one member replaced (or added).
		var out []string
		found := false
		for _, part := range strings.Split(strings.Trim(newCategory, "{}"), ",") {
			if strings.HasPrefix(strings.TrimSpace(part), `"`+member+`":`) {
				found = true
				if value != "" {
					out = append(out, `"`+member+`":`+value)
				}
				continue
			}
			out = append(out, part)
		}
		if !found {
			out = append(out, `"`+member+`":`+value)
		}
		return "{" + strings.Join(out, ",") + "}"
	}
	cases := []struct {
		what, body string
		status     int
		field      string
	}{
		{"duplicate code", with("code", `"E01-10"`), 409, "code"},
		{"duplicate open311 code", with("open311_code", `"exposed-litter"`), 409, "open311_code"},
		{"duplicate class", with("big_class", `"01"`) /* event 01-01 exists */, 409, "small_class"},
		{"unknown department", with("department", `"nosuch"`), 422, "department"},
		{"missing department", with("department", ""), 422, "department"},
		{"missing name", with("name", ""), 422, "name"},
		{"blank name", with("name", `"  "`), 422, "name"},
		{"null name", with("name", `null`), 422, "name"},
		{"missing code", with("code", ""), 422, "code"},
		{"bad code", with("code", `"L 97"`), 422, "code"},
		{"bad kind", with("kind", `"incident"`), 422, "kind"},
		{"three-digit big class", with("big_class", `"097"`), 422, "big_class"},
		{"missing time limit", with("time_limit_hours", ""), 422, "time_limit_hours"},
		{"zero time limit", with("time_limit_hours", `0`), 422, "time_limit_hours"},
		{"time limit as text", with("time_limit_hours", `"4h"`), 422, "time_limit_hours"},
		{"bad first in line", with("first_in_line", `"mayor"`), 422, "first_in_line"},
		{"decreasing look-backs", with("lookback_days", `[30,7]`), 422, "lookback_days"},
		{"negative look-back", with("lookback_days", `[-1]`), 422, "lookback_days"},
		{"look-back not an integer", with("lookback_days", `[7.5]`), 422, "lookback_days"},
		{"zero radius", with("recur_radius_m", `0`), 422, "recur_radius_m"},
		{"bad open311 code", with("open311_code", `"has space"`), 422, "open311_code"},
		{"unknown member", with("priority", `1`), 422, "priority"},
		{"malformed JSON", `{"code":"L97-01",`, 400, "body"},
		{"over 64 KiB", with("register_rule", `"`+strings.Repeat("x", 70<<10)+`"`), 413, "body"},
	}
	for _, tc := range cases {
		e.Do(t, "POST", "/api/v1/categories", e.Admin, tc.body).WantProblem(t, tc.what, tc.status, tc.field)
	}
	if n := e.Count(t, "categories"); n != before {
		t.Fatalf("refused creates changed the number of categories from %d to %d", before, n)
	}

	patches := []struct {
		what, path, body string
		status           int
		field            string
	}{
		{"change code", "/api/v1/categories/E01-10", `{"code":"E01-99"}`, 422, "code"},
		{"limit and unknown department", "/api/v1/categories/E01-10", `{"time_limit_hours":1,"department":"nosuch"}`, 422, "department"},
		{"limit and taken class", "/api/v1/categories/E01-10", `{"time_limit_hours":1,"small_class":"12"}`, 409, "small_class"},
		{"limit and taken open311 code", "/api/v1/categories/E01-10", `{"time_limit_hours":1,"open311_code":"dirty-road"}`, 409, "open311_code"},
		{"null look-backs", "/api/v1/categories/E01-10", `{"lookback_days":null}`, 422, "lookback_days"},
		{"unknown member", "/api/v1/categories/E01-10", `{"time_limit_hours":1,"sla":2}`, 422, "sla"},
		{"malformed", "/api/v1/categories/E01-10", `{"time_limit_hours":}`, 400, "body"},
		{"unknown category", "/api/v1/categories/X99-99", `{"time_limit_hours":1}`, 404, ""},
		{"bad code in path", "/api/v1/categories/a%20b", `{"time_limit_hours":1}`, 400, "code"},
	}
	for _, tc := range patches {
		e.Do(t, "PATCH", tc.path, e.Admin, tc.body).WantProblem(t, "PATCH "+tc.what, tc.status, tc.field)
	}
	var c categoryJSON
	e.Do(t, "GET", "/api/v1/categories/E01-10", "", "").Decode(t, &c)
	if c.TimeLimitHours != 8 || c.Department != "cgj" || c.SmallClass != "10" || *c.Open311Code != "exposed-litter" {
		t.Fatalf("refused patches changed E01-10: %+v", c)
	}
	e.Do(t, "GET", "/api/v1/categories/X99-99", "", "").WantProblem(t, "GET unknown", 404, "")
	e.Do(t, "GET", "/api/v1/categories?kind=incident", "", "").WantProblem(t, "kind filter", 400, "kind")
	e.Do(t, "GET", "/api/v1/categories?active=yes", "", "").WantProblem(t, "active filter", 400, "active")
	e.Do(t, "GET", "/api/v1/categories?department=cgj", "", "").WantProblem(t, "unknown filter", 400, "department")
}

func TestGetReturnsTheCategoryOrErrNotFound(t *testing.T) {
	e := setup(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	c, err := category.Get(ctx, e.D.Pool, "E01-12")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "道路不洁" || c.Kind != "event" || c.TimeLimitHours != 5 || c.FirstInLine != "street_chief" ||
		c.DepartmentCode != "cgj" || *c.NationalCode != "0112" || !slices.Equal(c.LookbackDays, []int32{7, 30}) ||
		c.RegisterRule == "" || c.CreatedAt.IsZero() {
		t.Fatalf("Get E01-12: %+v", c)
	}
	if _, err := category.Get(ctx, e.D.Pool, "nope"); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("Get unknown: %v, want ErrNotFound", err)
	}
	if c, err := category.GetByOpen311Code(ctx, e.D.Pool, "streetlight-out"); err != nil || c.Code != "C01-19" {
		t.Fatalf("GetByOpen311Code: %+v %v", c, err)
	}
	if _, err := category.Update(ctx, e.D.Pool, "nope", func(*category.Input) error { return nil }); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("Update unknown: %v, want ErrNotFound", err)
	}
	// Create through the Go API works inside the caller's transaction.
	tx, err := e.D.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	in := category.Defaults()
	in.Code, in.Name, in.Kind, in.BigClass, in.BigClassName, in.SmallClass = "L98-01", "测试", "event", "98", "测试", "01"
	in.DepartmentCode, in.TimeLimitHours, in.FirstInLine = "wmb", 8, "grid_officer"
	if _, err := category.Create(ctx, tx, in); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if _, err := category.Get(ctx, e.D.Pool, "L98-01"); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("category created in a rolled-back transaction: %v", err)
	}
}
