package category_test

import (
	"context"
	"slices"
	"strings"
	"testing"
)

type categoryJSON struct {
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	Kind             string  `json:"kind"`
	BigClass         string  `json:"big_class"`
	BigClassName     string  `json:"big_class_name"`
	SmallClass       string  `json:"small_class"`
	NationalCode     *string `json:"national_code"`
	Open311Code      *string `json:"open311_code"`
	Department       string  `json:"department"`
	TimeLimitHours   float64 `json:"time_limit_hours"`
	FirstInLine      string  `json:"first_in_line"`
	LookbackDays     []int32 `json:"lookback_days"`
	AutoRegister     bool    `json:"auto_register"`
	RecurRadiusM     float64 `json:"recur_radius_m"`
	RecurDays        int32   `json:"recur_days"`
	DuplicateRadiusM float64 `json:"duplicate_radius_m"`
	RegisterRule     string  `json:"register_rule"`
	CloseRule        string  `json:"close_rule"`
	Active           bool    `json:"active"`
}

type list struct {
	Items          []categoryJSON `json:"items"`
	NumberReturned int            `json:"numberReturned"`
}

func categories(e *env, t *testing.T, query string) []categoryJSON {
	t.Helper()
	var l list
	r := e.Do(t, "GET", "/api/v1/categories"+query, "", "")
	if r.Status != 200 {
		t.Fatalf("GET categories%s: %d %s", query, r.Status, r.Body)
	}
	r.Decode(t, &l)
	if l.NumberReturned != len(l.Items) {
		t.Fatalf("numberReturned %d for %d items", l.NumberReturned, len(l.Items))
	}
	return l.Items
}

func TestSeedHasBetween40And60ActiveCategoriesWithCompleteRules(t *testing.T) {
	e := setup(t)
	all := categories(e, t, "")
	events, components := categories(e, t, "?kind=event"), categories(e, t, "?kind=component")
	t.Logf("%d categories: %d events, %d components", len(all), len(events), len(components))
	if len(all) < 40 || len(all) > 60 || len(events)+len(components) != len(all) || len(components) < 10 {
		t.Fatalf("%d categories (%d events, %d components), want 40-60 with both kinds", len(all), len(events), len(components))
	}
	open311 := map[string]bool{}
	for _, c := range all {
		if !c.Active || c.RegisterRule == "" || c.CloseRule == "" || c.TimeLimitHours <= 0 || len(c.LookbackDays) == 0 ||
			c.Open311Code == nil || c.BigClassName == "" || c.Department == "" {
			t.Errorf("%s %s is incomplete: %+v", c.Code, c.Name, c)
		}
		if c.Open311Code != nil {
			if open311[*c.Open311Code] {
				t.Errorf("open311 code %s used twice", *c.Open311Code)
			}
			open311[*c.Open311Code] = true
		}
		prefix := map[string]string{"event": "E", "component": "C"}[c.Kind]
		local := c.BigClass >= "90"
		switch {
		case local && (c.Kind != "event" || c.NationalCode != nil || !strings.HasPrefix(c.Code, "L"+c.BigClass+"-"+c.SmallClass)):
			t.Errorf("local class %s: %+v", c.Code, c)
		case !local && (c.NationalCode == nil || *c.NationalCode != c.BigClass+c.SmallClass || c.Code != prefix+c.BigClass+"-"+c.SmallClass):
			t.Errorf("national class %s: national code %v", c.Code, c.NationalCode)
		}
	}
	// Ordered: events, then components, each by big class and small class.
	if !slices.IsSortedFunc(all, func(a, b categoryJSON) int {
		ka, kb := a.Kind+"|"+a.BigClass+a.SmallClass, b.Kind+"|"+b.BigClass+b.SmallClass
		ka, kb = strings.Replace(ka, "event", "0", 1), strings.Replace(kb, "event", "0", 1)
		return strings.Compare(ka, kb)
	}) {
		t.Fatalf("categories are not ordered by kind (events first), big class, small class")
	}
}

func TestSeedCoversTheNationalCodesOfTheDomainGuide(t *testing.T) {
	e := setup(t)
	byNational := map[string]categoryJSON{}
	bigClasses := map[string]string{}
	for _, c := range categories(e, t, "") {
		if c.NationalCode != nil {
			byNational[c.Kind+":"+*c.NationalCode] = c
		}
		if c.Kind == "component" {
			bigClasses[c.BigClass] = c.BigClassName
		}
	}
	want := map[string]string{
		"event:0101": "私搭乱建", "event:0110": "暴露垃圾", "event:0111": "积存垃圾渣土", "event:0112": "道路不洁",
		"event:0136": "乱堆物堆料", "event:0201": "非法小广告", "event:0203": "违规户外广告",
		"event:0311": "渣土车未密闭运输", "event:0401": "无照经营游商", "event:0405": "店外经营",
		"event:0406": "占道经营", "event:0409": "机动车乱停放", "event:0410": "非机动车乱停放",
		"component:0101": "上水井盖",
	}
	for code, name := range want {
		if c, ok := byNational[code]; !ok || c.Name != name {
			t.Errorf("national %s: got %q, want %q", code, c.Name, name)
		}
	}
	for bc, name := range map[string]string{"01": "公用设施", "02": "道路交通", "03": "市容环境", "04": "园林绿化"} {
		if bigClasses[bc] != name {
			t.Errorf("component big class %s = %q, want %q", bc, bigClasses[bc], name)
		}
	}
	// The rules the guide quotes: time limits in working hours and who is first in line.
	rules := []struct {
		national    string
		hours       float64
		firstInLine string
	}{
		{"event:0110", 8, "frontage_owner"}, // exposed litter: 1 working day
		{"event:0112", 5, "street_chief"},   // dirty road: 5 working hours
		{"event:0101", 120, "department"},   // illegal structure: 15 working days
		{"event:0401", 2, "street_chief"},   // hawkers
		{"event:0405", 2, "frontage_owner"}, // trading outside the shop
		{"event:0409", 2, "street_chief"},   // car parking
		{"component:0101", 4, "department"}, // manhole cover
	}
	for _, r := range rules {
		c := byNational[r.national]
		if c.TimeLimitHours != r.hours || c.FirstInLine != r.firstInLine {
			t.Errorf("%s %s: %v h, %s; want %v h, %s", r.national, c.Name, c.TimeLimitHours, c.FirstInLine, r.hours, r.firstInLine)
		}
	}
	if lb := byNational["event:0101"].LookbackDays; !slices.Equal(lb, []int32{30, 90}) {
		t.Errorf("illegal structure look-backs %v, want [30 90]", lb)
	}
	if lb := byNational["event:0110"].LookbackDays; !slices.Equal(lb, []int32{7, 30}) {
		t.Errorf("exposed litter look-backs %v, want [7 30]", lb)
	}
}

func TestSeedHasEveryProblemOfTheCampaign(t *testing.T) {
	e := setup(t)
	byName := map[string]categoryJSON{}
	for _, c := range categories(e, t, "") {
		byName[c.Name] = c
	}
	want := []struct {
		name, department, firstInLine string
		local                         bool
	}{
		{"不文明养犬", "cgj", "grid_officer", true},
		{"骑车未戴头盔", "jjzd", "grid_officer", true},
		{"电动车闯红灯", "jjzd", "department", true},
		{"路灯", "cgj", "department", false}, // streetlights out: national component 01-19
		{"缆线乱拉/飞线", "txgs", "department", true},
		{"集贸市场秩序", "scjgj", "department", true},
		{"农村集市秩序", "cgj", "grid_officer", true},
		{"校园周边环境", "gaj", "department", true},
		{"违法建设", "cgj", "department", true},
	}
	for _, w := range want {
		c, ok := byName[w.name]
		if !ok {
			t.Errorf("no category %s", w.name)
			continue
		}
		if c.Department != w.department || c.FirstInLine != w.firstInLine || (c.BigClass >= "90") != w.local {
			t.Errorf("%s: %+v", w.name, c)
		}
	}
	if c := byName["路灯"]; c.Kind != "component" || !c.AutoRegister || c.Open311Code == nil || *c.Open311Code != "streetlight-out" {
		t.Errorf("streetlight category %+v: want a component registered without field verification", c)
	}
	if c := byName["违法建设"]; !slices.Equal(c.LookbackDays, []int32{30, 90}) || c.TimeLimitHours != 120 {
		t.Errorf("illegal construction %+v", c)
	}
}

func TestEverySeededCategoryNamesAnExistingDepartment(t *testing.T) {
	e := setup(t)
	var missing []string
	rows, err := e.D.Pool.Query(context.Background(), `
		SELECT c.code FROM categories c LEFT JOIN departments d ON d.code = c.department_code WHERE d.code IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		rows.Scan(&code)
		missing = append(missing, code)
	}
	if rows.Err() != nil || len(missing) > 0 {
		t.Fatalf("categories with unknown departments: %v %v", missing, rows.Err())
	}
	var used int
	e.D.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT department_code) FROM categories`).Scan(&used)
	if used < 8 {
		t.Fatalf("the seed routes to only %d departments", used)
	}
}
