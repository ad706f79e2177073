package directory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/directory"
)

type department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func TestDepartmentsAreSeededAndListedInCodeOrder(t *testing.T) {
	e := setup(t)
	var list struct {
		Items []department `json:"items"`
	}
	r := e.Do(t, "GET", "/api/v1/departments", "", "")
	r.Decode(t, &list)
	want := map[string]string{"cgj": "城市管理局", "gaj": "公安局", "scjgj": "市场监督管理局", "zjj": "住房和城乡建设局",
		"ylj": "园林绿化局", "jtysj": "交通运输局", "jjzd": "公安局交警支队"}
	got := map[string]string{}
	for i, d := range list.Items {
		got[d.Code] = d.Name
		if i > 0 && list.Items[i-1].Code >= d.Code {
			t.Fatalf("not in code order: %v", list.Items)
		}
	}
	if r.Status != 200 || len(list.Items) != 13 {
		t.Fatalf("%d: %d departments, want the 13 seeded", r.Status, len(list.Items))
	}
	for code, name := range want {
		if got[code] != name {
			t.Errorf("department %s = %q, want %q", code, got[code], name)
		}
	}
	var d department
	e.Do(t, "GET", "/api/v1/departments/cgj", "", "").Decode(t, &d)
	if d.Name != "城市管理局" {
		t.Fatalf("GET cgj: %+v", d)
	}
}

func TestDepartmentRoundTripAndItsCodeNeverChanges(t *testing.T) {
	e := setup(t)
	r := e.Do(t, "POST", "/api/v1/departments", e.Sup, `{"code":"rfb","name":"人防办"}`)
	var d department
	r.Decode(t, &d)
	if r.Status != 201 || d.Code != "rfb" || d.Name != "人防办" || r.Header.Get("Location") != "/api/v1/departments/rfb" {
		t.Fatalf("create: %d %s Location %q", r.Status, r.Body, r.Header.Get("Location"))
	}
	r = e.Do(t, "PATCH", "/api/v1/departments/rfb", e.Admin, `{"name":"人民防空办公室"}`)
	r.Decode(t, &d)
	if r.Status != 200 || d.Name != "人民防空办公室" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	e.Do(t, "GET", "/api/v1/departments/rfb", "", "").Decode(t, &d)
	if d.Name != "人民防空办公室" {
		t.Fatalf("read back %+v", d)
	}
	// A person can now belong to it.
	if r := e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":"周强","department":"rfb"}`); r.Status != 201 {
		t.Fatalf("person in new department: %d %s", r.Status, r.Body)
	}
	e.Do(t, "PATCH", "/api/v1/departments/rfb", e.Sup, `{"code":"rfb2"}`).WantProblem(t, "change code", 422, "code")
	e.Do(t, "PATCH", "/api/v1/departments/rfb", e.Sup, `{"code":"rfb","name":"人防"}`)
	e.Do(t, "GET", "/api/v1/departments/rfb", "", "").Decode(t, &d)
	if d.Name != "人防" {
		t.Fatalf("patch repeating the same code: %+v", d)
	}
}

func TestBadDepartmentInputIsRefusedNamingTheField(t *testing.T) {
	e := setup(t)
	before := e.Count(t, "departments")
	cases := []struct {
		what, method, path, token, body string
		status                          int
		field                           string
	}{
		{"no token", "POST", "/api/v1/departments", "", `{"code":"rfb","name":"人防办"}`, 401, "Authorization"},
		{"viewer", "POST", "/api/v1/departments", e.Viewer, `{"code":"rfb","name":"人防办"}`, 403, "Authorization"},
		{"duplicate code", "POST", "/api/v1/departments", e.Sup, `{"code":"cgj","name":"另一个城管"}`, 409, "code"},
		{"duplicate name", "POST", "/api/v1/departments", e.Sup, `{"code":"cg2","name":"城市管理局"}`, 409, "name"},
		{"missing code", "POST", "/api/v1/departments", e.Sup, `{"name":"人防办"}`, 422, "code"},
		{"upper-case code", "POST", "/api/v1/departments", e.Sup, `{"code":"RFB","name":"人防办"}`, 422, "code"},
		{"blank name", "POST", "/api/v1/departments", e.Sup, `{"code":"rfb","name":" "}`, 422, "name"},
		{"null name", "POST", "/api/v1/departments", e.Sup, `{"code":"rfb","name":null}`, 422, "name"},
		{"unknown member", "POST", "/api/v1/departments", e.Sup, `{"code":"rfb","name":"人防办","head":"x"}`, 422, "head"},
		{"malformed", "POST", "/api/v1/departments", e.Sup, `{"code":"rfb",`, 400, "body"},
		{"rename onto a taken name", "PATCH", "/api/v1/departments/gaj", e.Sup, `{"name":"城市管理局"}`, 409, "name"},
		{"unknown department", "PATCH", "/api/v1/departments/nosuch", e.Sup, `{"name":"x"}`, 404, ""},
		{"bad code in path", "PATCH", "/api/v1/departments/No!", e.Sup, `{"name":"x"}`, 400, "code"},
		{"GET unknown", "GET", "/api/v1/departments/nosuch", "", ``, 404, ""},
		{"GET bad code", "GET", "/api/v1/departments/X", "", ``, 400, "code"},
		{"list with unknown parameter", "GET", "/api/v1/departments?q=x", "", ``, 400, "q"},
	}
	for _, tc := range cases {
		e.Do(t, tc.method, tc.path, tc.token, tc.body).WantProblem(t, tc.what, tc.status, tc.field)
	}
	if n := e.Count(t, "departments"); n != before {
		t.Fatalf("refused writes changed the number of departments from %d to %d", before, n)
	}
	var d department
	e.Do(t, "GET", "/api/v1/departments/gaj", "", "").Decode(t, &d)
	if d.Name != "公安局" {
		t.Fatalf("refused rename changed gaj to %q", d.Name)
	}
}

func TestGetDepartmentReportsErrNotFound(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := directory.GetDepartment(ctx, e.D.Pool, "nosuch"); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("GetDepartment unknown: %v", err)
	}
	if d, err := directory.GetDepartment(ctx, e.D.Pool, "ylj"); err != nil || d.Name != "园林绿化局" {
		t.Fatalf("GetDepartment ylj: %+v %v", d, err)
	}
}
