package directory_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/directory"
)

func TestPersonRoundTripCreateReadUpdateAndDeactivate(t *testing.T) {
	e := setup(t)
	r := e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":" 张伟 ","phone":"138 0000 0001","title":"网格员","department":"cgj"}`)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var p person
	r.Decode(t, &p)
	if p.ID == 0 || p.Name != "张伟" || str(p.Phone) != "138 0000 0001" || str(p.Title) != "网格员" ||
		str(p.Department) != "cgj" || str(p.DepartmentName) != "城市管理局" || !p.Active {
		t.Fatalf("created %+v", p)
	}
	loc := r.Header.Get("Location")
	if loc != fmt.Sprintf("/api/v1/people/%d", p.ID) {
		t.Fatalf("Location %q", loc)
	}
	var created, read map[string]any
	r.Decode(t, &created)
	e.Do(t, "GET", loc, e.Sup, "").Decode(t, &read)
	if !reflect.DeepEqual(created, read) {
		t.Fatalf("read back %v, want %v", read, created)
	}
	// Anonymous callers see the person, never the phone.
	var anon map[string]any
	e.Do(t, "GET", loc, "", "").Decode(t, &anon)
	if anon["phone"] != nil || anon["name"] != "张伟" {
		t.Fatalf("anonymous read %v, want the person without a phone", anon)
	}
	var got person

	r = e.Do(t, "PATCH", loc, e.Admin, `{"title":"街长","department":"jjzd"}`)
	r.Decode(t, &got)
	if r.Status != 200 || got.Name != "张伟" || str(got.Phone) != "138 0000 0001" || str(got.Title) != "街长" ||
		str(got.Department) != "jjzd" || str(got.DepartmentName) != "公安局交警支队" {
		t.Fatalf("patch: %d %+v", r.Status, got)
	}

	r = e.Do(t, "PATCH", loc, e.Sup, `{"active":false,"phone":null,"department":null}`)
	r.Decode(t, &got)
	if r.Status != 200 || got.Active || got.Phone != nil || got.Department != nil || got.DepartmentName != nil || str(got.Title) != "街长" {
		t.Fatalf("deactivate: %d %+v", r.Status, got)
	}
	var page peoplePage
	e.Do(t, "GET", "/api/v1/people?active=false", "", "").Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != p.ID {
		t.Fatalf("inactive people %+v", page.Items)
	}
	e.Do(t, "GET", "/api/v1/people?active=true", "", "").Decode(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("active people %+v, want none", page.Items)
	}
	if n := e.Count(t, "people"); n != 1 {
		t.Fatalf("%d people stored, want 1 (nothing is deleted or duplicated)", n)
	}
}

func TestPeopleSearchMatchesAnyPartOfTheNameIgnoringCase(t *testing.T) {
	e := setup(t)
	for _, b := range []string{
		`{"name":"张伟","department":"cgj"}`, `{"name":"张伟明","department":"gaj"}`, `{"name":"李张伟"}`,
		`{"name":"王芳"}`, `{"name":"Zhang Wei"}`, `{"name":"ZHANG San","active":false}`, `{"name":"100%_x"}`,
	} {
		if r := e.Do(t, "POST", "/api/v1/people", e.Sup, b); r.Status != 201 {
			t.Fatalf("create %s: %d %s", b, r.Status, r.Body)
		}
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"q=张伟", []string{"张伟", "张伟明", "李张伟"}},
		{"q=伟明", []string{"张伟明"}},
		{"q=zhang", []string{"Zhang Wei", "ZHANG San"}},
		{"q=zhang&active=true", []string{"Zhang Wei"}},
		{"q=张伟&department=gaj", []string{"张伟明"}},
		{"q=%25", []string{"100%_x"}}, // % and _ are plain characters, not wildcards
		{"q=_", []string{"100%_x"}},
		{"q=赵", nil},
	}
	for _, tc := range cases {
		var page peoplePage
		r := e.Do(t, "GET", "/api/v1/people?"+tc.query, "", "")
		r.Decode(t, &page)
		var names []string
		for _, p := range page.Items {
			names = append(names, p.Name)
		}
		if r.Status != 200 || strings.Join(names, ",") != strings.Join(tc.want, ",") || page.NumberReturned != len(tc.want) {
			t.Errorf("%s: %d %v, want %v", tc.query, r.Status, names, tc.want)
		}
	}
}

func TestPeopleListPagesByIDFollowingNextLinks(t *testing.T) {
	e := setup(t)
	var ids []int64
	for i := range 7 {
		var p person
		e.Do(t, "POST", "/api/v1/people", e.Sup, fmt.Sprintf(`{"name":"网格员%d"}`, i)).Decode(t, &p)
		ids = append(ids, p.ID)
	}
	e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":"街长"}`)

	path := "/api/v1/people?q=网格员&limit=3"
	var seen []int64
	pages := 0
	for path != "" {
		r := e.Do(t, "GET", path, "", "")
		var page peoplePage
		r.Decode(t, &page)
		pages++
		if r.Status != 200 || len(page.Items) > 3 || pages > 5 {
			t.Fatalf("page %d of %s: %d %s", pages, path, r.Status, r.Body)
		}
		for _, p := range page.Items {
			seen = append(seen, p.ID)
		}
		path = ""
		if page.Next != nil {
			path = *page.Next
			if !strings.Contains(path, "q=") || !strings.Contains(path, "limit=3") {
				t.Fatalf("next link %q lost the filter or the limit", path)
			}
			if link := r.Header.Get("Link"); link != "<"+path+`>; rel="next"` {
				t.Fatalf("Link header %q, next %q", link, path)
			}
		} else if r.Header.Get("Link") != "" {
			t.Fatalf("Link header on the last page")
		}
	}
	if pages != 3 || fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("%d pages gave %v, want 3 pages of %v", pages, seen, ids)
	}
	// A page that ends exactly at the last person has no next link.
	var page peoplePage
	e.Do(t, "GET", "/api/v1/people?q=网格员&limit=7", "", "").Decode(t, &page)
	if len(page.Items) != 7 || page.Next != nil {
		t.Fatalf("exact page: %d items, next %v", len(page.Items), page.Next)
	}
}

func TestPeopleWritesNeedASupervisorOrAdminToken(t *testing.T) {
	e := setup(t)
	cases := []struct {
		who, token string
		status     int
	}{
		{"no token", "", 401},
		{"unknown token", "gk_nope", 401},
		{"viewer", e.Viewer, 403},
		{"dispatcher", e.Dispatcher, 403},
		{"supervisor", e.Sup, 201},
		{"admin", e.Admin, 201},
	}
	for _, tc := range cases {
		r := e.Do(t, "POST", "/api/v1/people", tc.token, `{"name":"测试"}`)
		if tc.status >= 400 {
			r.WantProblem(t, "POST people as "+tc.who, tc.status, "Authorization")
		} else if r.Status != tc.status {
			t.Errorf("POST people as %s: %d %s", tc.who, r.Status, r.Body)
		}
	}
	if n := e.Count(t, "people"); n != 2 {
		t.Fatalf("%d people stored, want 2", n)
	}
	var p person
	e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":"原名"}`).Decode(t, &p)
	loc := fmt.Sprintf("/api/v1/people/%d", p.ID)
	e.Do(t, "PATCH", loc, "", `{"name":"改名"}`).WantProblem(t, "PATCH without token", 401, "Authorization")
	e.Do(t, "PATCH", loc, e.Viewer, `{"name":"改名"}`).WantProblem(t, "PATCH as viewer", 403, "Authorization")
	e.Do(t, "GET", loc, "", "").Decode(t, &p)
	if p.Name != "原名" {
		t.Fatalf("refused PATCH changed the name to %q", p.Name)
	}
}

func TestBadPersonInputIsRefusedNamingTheFieldAndStoresNothing(t *testing.T) {
	e := setup(t)
	big := `{"name":"` + strings.Repeat("a", 70<<10) + `"}`
	cases := []struct {
		what, body, ct string
		status         int
		field          string
	}{
		{"missing name", `{"phone":"13800000000"}`, "", 422, "name"},
		{"blank name", `{"name":"   "}`, "", 422, "name"},
		{"null name", `{"name":null}`, "", 422, "name"},
		{"long name", `{"name":"` + strings.Repeat("长", 101) + `"}`, "", 422, "name"},
		{"name not a string", `{"name":42}`, "", 422, "name"},
		{"bad phone", `{"name":"张伟","phone":"call me"}`, "", 422, "phone"},
		{"short phone", `{"name":"张伟","phone":"123"}`, "", 422, "phone"},
		{"unknown department", `{"name":"张伟","department":"nosuch"}`, "", 422, "department"},
		{"active not a boolean", `{"name":"张伟","active":"yes"}`, "", 422, "active"},
		{"unknown member", `{"name":"张伟","nickname":"伟哥"}`, "", 422, "nickname"},
		{"malformed JSON", `{"name":"张伟"`, "", 400, "body"},
		{"not JSON at all", `name=张伟`, "", 400, "body"},
		{"two objects", `{"name":"张伟"}{"name":"李娜"}`, "", 400, "body"},
		{"array", `[{"name":"张伟"}]`, "", 422, "body"},
		{"empty body", ``, "", 400, "body"},
		{"form content type", `{"name":"张伟"}`, "application/x-www-form-urlencoded", 415, "Content-Type"},
		{"over 64 KiB", big, "", 413, "body"},
	}
	for _, tc := range cases {
		var r response
		if tc.ct != "" {
			r = e.Do(t, "POST", "/api/v1/people", e.Sup, tc.body, tc.ct)
		} else {
			r = e.Do(t, "POST", "/api/v1/people", e.Sup, tc.body)
		}
		r.WantProblem(t, tc.what, tc.status, tc.field)
	}
	if n := e.Count(t, "people"); n != 0 {
		t.Fatalf("refused creates stored %d people", n)
	}

	var p person
	e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":"张伟","department":"cgj"}`).Decode(t, &p)
	loc := fmt.Sprintf("/api/v1/people/%d", p.ID)
	patches := []struct {
		what, path, body string
		status           int
		field            string
	}{
		{"name and unknown department", loc, `{"name":"李娜","department":"nosuch"}`, 422, "department"},
		{"name and bad phone", loc, `{"name":"李娜","phone":"x"}`, 422, "phone"},
		{"blank name", loc, `{"name":""}`, 422, "name"},
		{"null active", loc, `{"active":null}`, 422, "active"},
		{"unknown member", loc, `{"name":"李娜","id":7}`, 422, "id"},
		{"malformed", loc, `{"name":`, 400, "body"},
		{"unknown person", "/api/v1/people/999999", `{"name":"李娜"}`, 404, ""},
		{"bad id", "/api/v1/people/abc", `{"name":"李娜"}`, 400, "id"},
		{"zero id", "/api/v1/people/0", `{"name":"李娜"}`, 400, "id"},
	}
	for _, tc := range patches {
		e.Do(t, "PATCH", tc.path, e.Sup, tc.body).WantProblem(t, "PATCH "+tc.what, tc.status, tc.field)
	}
	var got person
	e.Do(t, "GET", loc, "", "").Decode(t, &got)
	if got.Name != "张伟" || str(got.Department) != "cgj" || got.Phone != nil {
		t.Fatalf("refused patches changed the person: %+v", got)
	}
	e.Do(t, "GET", "/api/v1/people/999999", "", "").WantProblem(t, "GET unknown person", 404, "")
	e.Do(t, "GET", "/api/v1/people/-3", "", "").WantProblem(t, "GET negative id", 400, "id")
}

func TestPeopleListRefusesBadQueryParameters(t *testing.T) {
	e := setup(t)
	cases := []struct {
		query  string
		status int
		field  string
	}{
		{"limit=0", 400, "limit"},
		{"limit=501", 400, "limit"},
		{"limit=ten", 400, "limit"},
		{"cursor=-1", 400, "cursor"},
		{"cursor=abc", 400, "cursor"},
		{"active=maybe", 400, "active"},
		{"department=BAD!", 400, "department"},
		{"department=nosuch", 404, "department"},
		{"name=张伟", 400, "name"},
		{"q=" + strings.Repeat("长", 101), 400, "q"},
	}
	for _, tc := range cases {
		e.Do(t, "GET", "/api/v1/people?"+tc.query, "", "").WantProblem(t, tc.query, tc.status, tc.field)
	}
}

func TestPersonGoAPIReportsErrNotFoundAndAbortsOnChangeError(t *testing.T) {
	e := setup(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	if _, err := directory.GetPerson(ctx, e.D.Pool, 424242); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("GetPerson unknown: %v", err)
	}
	if _, err := directory.UpdatePerson(ctx, e.D.Pool, 424242, func(*directory.PersonInput) error { return nil }); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("UpdatePerson unknown: %v", err)
	}
	p, err := directory.CreatePerson(ctx, e.D.Pool, directory.PersonInput{Name: "陈静", Phone: new(""), Active: true})
	if err != nil || p.Phone != nil {
		t.Fatalf("CreatePerson: %+v %v (an empty phone is stored as none)", p, err)
	}
	stop := errors.New("stop")
	_, err = directory.UpdatePerson(ctx, e.D.Pool, p.ID, func(in *directory.PersonInput) error {
		in.Name = "改了"
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("UpdatePerson: %v, want the change's error", err)
	}
	if got, _ := directory.GetPerson(ctx, e.D.Pool, p.ID); got.Name != "陈静" {
		t.Fatalf("aborted update stored %q", got.Name)
	}
}
