package category_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

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
		{"viewer", e.viewer, 403},
		{"dispatcher", e.dispatcher, 403},
		{"supervisor", e.sup, 403},
		{"admin", e.admin, 201},
	}
	for _, tc := range cases {
		r := e.do(t, "POST", "/api/v1/categories", tc.token, newCategory)
		if tc.status >= 400 {
			r.wantProblem(t, "POST as "+tc.who, tc.status, "Authorization")
		} else if r.status != tc.status {
			t.Errorf("POST as %s: %d %s", tc.who, r.status, r.body)
		}
	}
	e.do(t, "PATCH", "/api/v1/categories/E01-10", e.sup, `{"time_limit_hours":1}`).wantProblem(t, "PATCH as supervisor", 403, "Authorization")
	e.do(t, "PATCH", "/api/v1/categories/E01-10", "", `{"time_limit_hours":1}`).wantProblem(t, "PATCH without token", 401, "Authorization")
	var c categoryJSON
	e.do(t, "GET", "/api/v1/categories/E01-10", "", "").decode(t, &c)
	if c.TimeLimitHours != 8 {
		t.Fatalf("refused PATCH changed the time limit to %v", c.TimeLimitHours)
	}
}

func TestCategoryRoundTripFillsDefaultsAndPatchesPartially(t *testing.T) {
	e := setup(t)
	r := e.do(t, "POST", "/api/v1/categories", e.admin, newCategory)
	if r.status != 201 || r.header.Get("Location") != "/api/v1/categories/L97-01" {
		t.Fatalf("create: %d %s Location %q", r.status, r.body, r.header.Get("Location"))
	}
	var c categoryJSON
	r.decode(t, &c)
	if c.Name != "共享单车堆积" || c.Department != "jtysj" || c.TimeLimitHours != 4 || c.NationalCode != nil ||
		!slices.Equal(c.LookbackDays, []int32{7, 30}) || c.RecurRadiusM != 50 || c.RecurDays != 90 ||
		c.DuplicateRadiusM != 30 || !c.Active || c.AutoRegister {
		t.Fatalf("created %+v, want the body plus defaults", c)
	}
	r = e.do(t, "PATCH", "/api/v1/categories/L97-01", e.admin,
		`{"time_limit_hours":2.5,"lookback_days":[3,14,60],"auto_register":true,"national_code":"9701","active":false}`)
	r.decode(t, &c)
	if r.status != 200 || c.TimeLimitHours != 2.5 || !slices.Equal(c.LookbackDays, []int32{3, 14, 60}) || !c.AutoRegister ||
		c.NationalCode == nil || *c.NationalCode != "9701" || c.Active || c.Name != "共享单车堆积" || c.FirstInLine != "street_chief" {
		t.Fatalf("patch: %d %+v", r.status, c)
	}
	r = e.do(t, "PATCH", "/api/v1/categories/L97-01", e.admin, `{"national_code":null,"open311_code":""}`)
	r.decode(t, &c)
	if r.status != 200 || c.NationalCode != nil || c.Open311Code != nil {
		t.Fatalf("clearing codes: %d %+v", r.status, c)
	}
	var read categoryJSON
	e.do(t, "GET", "/api/v1/categories/L97-01", "", "").decode(t, &read)
	if read.TimeLimitHours != 2.5 || read.Active || read.NationalCode != nil {
		t.Fatalf("read back %+v", read)
	}
	// Inactive categories are listed only when asked for.
	codes := func(q string) []string {
		var out []string
		for _, c := range e.categories(t, q) {
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
	before := e.count(t, "categories")
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
		e.do(t, "POST", "/api/v1/categories", e.admin, tc.body).wantProblem(t, tc.what, tc.status, tc.field)
	}
	if n := e.count(t, "categories"); n != before {
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
		e.do(t, "PATCH", tc.path, e.admin, tc.body).wantProblem(t, "PATCH "+tc.what, tc.status, tc.field)
	}
	var c categoryJSON
	e.do(t, "GET", "/api/v1/categories/E01-10", "", "").decode(t, &c)
	if c.TimeLimitHours != 8 || c.Department != "cgj" || c.SmallClass != "10" || *c.Open311Code != "exposed-litter" {
		t.Fatalf("refused patches changed E01-10: %+v", c)
	}
	e.do(t, "GET", "/api/v1/categories/X99-99", "", "").wantProblem(t, "GET unknown", 404, "")
	e.do(t, "GET", "/api/v1/categories?kind=incident", "", "").wantProblem(t, "kind filter", 400, "kind")
	e.do(t, "GET", "/api/v1/categories?active=yes", "", "").wantProblem(t, "active filter", 400, "active")
	e.do(t, "GET", "/api/v1/categories?department=cgj", "", "").wantProblem(t, "unknown filter", 400, "department")
}

func TestGetReturnsTheCategoryOrErrNotFound(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c, err := category.Get(ctx, e.d.Pool, "E01-12")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "道路不洁" || c.Kind != "event" || c.TimeLimitHours != 5 || c.FirstInLine != "street_chief" ||
		c.DepartmentCode != "cgj" || *c.NationalCode != "0112" || !slices.Equal(c.LookbackDays, []int32{7, 30}) ||
		c.RegisterRule == "" || c.CreatedAt.IsZero() {
		t.Fatalf("Get E01-12: %+v", c)
	}
	if _, err := category.Get(ctx, e.d.Pool, "nope"); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("Get unknown: %v, want ErrNotFound", err)
	}
	if c, err := category.GetByOpen311Code(ctx, e.d.Pool, "streetlight-out"); err != nil || c.Code != "C01-19" {
		t.Fatalf("GetByOpen311Code: %+v %v", c, err)
	}
	if _, err := category.Update(ctx, e.d.Pool, "nope", func(*category.Input) error { return nil }); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("Update unknown: %v, want ErrNotFound", err)
	}
	// Create through the Go API works inside the caller's transaction.
	tx, err := e.d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := category.Defaults()
	in.Code, in.Name, in.Kind, in.BigClass, in.BigClassName, in.SmallClass = "L98-01", "测试", "event", "98", "测试", "01"
	in.DepartmentCode, in.TimeLimitHours, in.FirstInLine = "wmb", 8, "grid_officer"
	if _, err := category.Create(ctx, tx, in); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if _, err := category.Get(ctx, e.d.Pool, "L98-01"); !errors.Is(err, category.ErrNotFound) {
		t.Fatalf("category created in a rolled-back transaction: %v", err)
	}
}
