package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

type row struct {
	actor, action, object string
	tokenID               *int64
}

func last(t *testing.T, e *apitest.Env) (int, row) {
	t.Helper()
	var n int
	var r row
	if err := e.D.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM audit_log), actor, action, object, token_id
		FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&n, &r.actor, &r.action, &r.object, &r.tokenID); err != nil {
		t.Fatal(err)
	}
	return n, r
}

func tokenID(t *testing.T, e *apitest.Env, name string) int64 {
	t.Helper()
	var id int64
	if err := e.D.Pool.QueryRow(context.Background(), `SELECT id FROM api_tokens WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEveryWriteEndpointLeavesOneAuditRowNamingItsActor walks each write
// endpoint once, as a city's staff would, and checks that each left
// exactly one row, with the token that made it.
func TestEveryWriteEndpointLeavesOneAuditRowNamingItsActor(t *testing.T) {
	e := apitest.Setup(t)
	if _, err := e.D.Pool.Exec(t.Context(), fixture.CitySQL); err != nil {
		t.Fatal(err)
	}
	type step struct {
		method, path, token, body, ct, action string
		status                                int
		after                                 func(apitest.Response)
	}
	var personID, dutyID, problemID, tokenRowID int64
	version := 0
	id := func(dst *int64) func(apitest.Response) {
		return func(r apitest.Response) {
			var v struct{ ID int64 }
			r.Decode(t, &v)
			*dst = v.ID
		}
	}
	steps := []step{
		{"POST", "/api/v1/people", e.Sup, `{"name":"周敏","phone":"13800000010"}`, "", "person.create", 201, id(&personID)},
		{"PATCH", "/api/v1/people/{person}", e.Sup, `{"title":"网格员"}`, "", "person.update", 200, nil},
		{"POST", "/api/v1/departments", e.Sup, `{"code":"hbj","name":"环保局"}`, "", "department.create", 201, nil},
		{"PATCH", "/api/v1/departments/hbj", e.Sup, `{"name":"环境保护局"}`, "", "department.update", 200, nil},
		{"POST", "/api/v1/categories", e.Admin, `{"code":"L97-01","name":"共享单车堆积","kind":"event","big_class":"97","big_class_name":"共享出行",
			"small_class":"01","department":"jtysj","time_limit_hours":4,"first_in_line":"grid_officer"}`, "", "category.create", 201, nil},
		{"PATCH", "/api/v1/categories/L97-01", e.Admin, `{"name":"共享单车乱停"}`, "", "category.update", 200, nil},
		{"PUT", "/api/v1/categories/L97-01/photo-rule", e.Admin, `{"after_required":false,"recheck_required":false}`, "", "photo_rule.set", 200, nil},
		{"POST", "/api/v1/duties", e.Sup, `{"role":"grid_officer","target":"area:371402001001001","person_id":{person}}`, "", "duty.assign", 201,
			func(r apitest.Response) {
				var v struct{ Duty struct{ ID int64 } }
				r.Decode(t, &v)
				dutyID = v.Duty.ID
			}},
		{"POST", "/api/v1/problems", e.Dispatcher, `{"category":"T-DOG","lon":116.05,"lat":37.15,"source":"patrol"}`, "", "problem.report", 201,
			func(r apitest.Response) {
				var v struct{ ID, Version int64 }
				r.Decode(t, &v)
				problemID, version = v.ID, int(v.Version)
			}},
		{"POST", "/api/v1/problems/{problem}/actions", e.Dispatcher, `{"action":"resolve"}`, "", "problem.resolve", 200, nil},
		{"POST", "/api/v1/problems/{problem}/actions", e.Sup, `{"action":"close"}`, "", "problem.close", 200, nil},
		{"POST", "/api/v1/rechecks/{recheck}", e.Sup, `{"result":"held"}`, "", "recheck.record", 200, nil},
		{"POST", "/api/v1/duties/{duty}/end", e.Sup, `{"note":"调岗"}`, "", "duty.end", 200, nil},
		{"POST", "/api/v1/frontages/import", e.Sup, "name,contact,lon,lat\n好又多超市,孙丽,116.013,37.10014\n", "text/csv", "import.frontages", 200, nil},
		{"POST", "/api/v1/tokens", e.Admin, `{"name":"周敏 phone","role":"officer","person_id":{person}}`, "", "token.create", 201,
			func(r apitest.Response) {
				var v struct{ Token struct{ ID int64 } }
				r.Decode(t, &v)
				tokenRowID = v.Token.ID
			}},
		{"POST", "/api/v1/tokens/{token}/revoke", e.Admin, "", "", "token.revoke", 200, nil},
	}
	names := map[string]string{e.Sup: "supervisor token", e.Admin: "admin token", e.Dispatcher: "dispatcher token"}
	for _, s := range steps {
		fill := strings.NewReplacer("{person}", fmt.Sprint(personID), "{duty}", fmt.Sprint(dutyID),
			"{problem}", fmt.Sprint(problemID), "{token}", fmt.Sprint(tokenRowID))
		path, body := fill.Replace(s.path), fill.Replace(s.body)
		if strings.Contains(path, "{recheck}") {
			var rc int64
			if err := e.D.Pool.QueryRow(t.Context(), `UPDATE rechecks SET due_at = now() - interval '1 minute'
				WHERE problem_id = $1 AND days = 7 RETURNING id`, problemID).Scan(&rc); err != nil {
				t.Fatal(err)
			}
			path = strings.Replace(path, "{recheck}", fmt.Sprint(rc), 1)
		}
		before, _ := last(t, e)
		headers := []string{}
		if s.ct != "" {
			headers = append(headers, "Content-Type", s.ct)
		}
		if strings.HasSuffix(path, "/actions") {
			headers = append(headers, "If-Match", fmt.Sprintf(`"%d"`, version))
		}
		r := e.DoWith(t, s.method, path, s.token, body, headers...)
		if r.Status != s.status {
			t.Fatalf("%s %s: %d %s", s.method, path, r.Status, r.Body)
		}
		if strings.HasSuffix(path, "/actions") {
			version++
		}
		if s.after != nil {
			s.after(r)
		}
		n, got := last(t, e)
		want := names[s.token]
		if n != before+1 || got.action != s.action || got.actor != want || got.tokenID == nil || *got.tokenID != tokenID(t, e, want) {
			t.Errorf("%s %s: %d new rows, last %+v; want one %s by %s (token %d)", s.method, path, n-before, got, s.action, want, tokenID(t, e, want))
		}
	}
	// A refused write leaves no row.
	before, _ := last(t, e)
	e.Do(t, "POST", "/api/v1/people", e.Viewer, `{"name":"无权"}`).WantProblem(t, "viewer writing", 403, "")
	e.Do(t, "POST", "/api/v1/people", e.Sup, `{"name":""}`).WantProblem(t, "bad person", 422, "")
	if n, _ := last(t, e); n != before {
		t.Errorf("refused writes left %d audit rows", n-before)
	}
}

func TestTheAuditLogCannotBeChangedOrDeleted(t *testing.T) {
	e := apitest.Setup(t)
	if r := e.Do(t, "POST", "/api/v1/departments", e.Sup, `{"code":"hbj","name":"环保局"}`); r.Status != 201 {
		t.Fatalf("write: %d", r.Status)
	}
	ctx := context.Background()
	var rows int
	if err := e.D.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE audit_log SET actor = 'nobody'`,
		`DELETE FROM audit_log`,
	} {
		if _, err := e.D.Pool.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the application's role: %v, want refused as append-only", sql, err)
		}
	}
	var actor string
	var n int
	if err := e.D.Pool.QueryRow(ctx, `SELECT count(*), (SELECT actor FROM audit_log WHERE action = 'department.create') FROM audit_log`).
		Scan(&n, &actor); err != nil || n != rows || actor != "supervisor token" {
		t.Fatalf("after the attempts: %d rows, the write's by %q (%v); want %d rows as written", n, actor, err, rows)
	}
	// A role that is neither owner nor superuser lacks the privilege too.
	// (Roles belong to the cluster, which tests share: a unique name, dropped after.)
	role := fmt.Sprintf("gk_app_test_%d", time.Now().UnixNano())
	if _, err := e.D.Pool.Exec(ctx, `CREATE ROLE `+role+` NOLOGIN; GRANT SELECT, INSERT ON audit_log TO `+role); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.D.Pool.Exec(context.Background(), `REVOKE ALL ON audit_log FROM `+role+`; DROP ROLE `+role)
	})
	tx, err := e.D.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL ROLE `+role); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `TRUNCATE audit_log`); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("TRUNCATE by a plain role: %v, want permission denied", err)
	}
}

func TestTheAuditAPIIsForAdminsAndPagesByKeyset(t *testing.T) {
	e := apitest.Setup(t)
	for i := range 5 {
		if r := e.Do(t, "POST", "/api/v1/people", e.Sup, fmt.Sprintf(`{"name":"人%d"}`, i)); r.Status != 201 {
			t.Fatalf("write: %d", r.Status)
		}
	}
	e.Do(t, "GET", "/api/v1/audit", e.Sup, "").WantProblem(t, "supervisor reading the audit", 403, "")
	e.Do(t, "GET", "/api/v1/audit", "", "").WantProblem(t, "anonymous reading the audit", 401, "")
	e.Do(t, "GET", "/api/v1/audit?limit=0", e.Admin, "").WantProblem(t, "bad limit", 400, "limit")
	e.Do(t, "GET", "/api/v1/audit?from=yesterday", e.Admin, "").WantProblem(t, "bad from", 400, "from")
	type page struct {
		Items []struct {
			ID     int64
			Actor  string
			Object string
		}
		Links []struct{ Rel, Href string }
	}
	var seen []int64
	path := "/api/v1/audit?object=person&actor=token:" + fmt.Sprint(tokenID(t, e, "supervisor token")) + "&limit=2"
	for path != "" {
		var p page
		r := e.Do(t, "GET", path, e.Admin, "")
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		r.Decode(t, &p)
		for _, it := range p.Items {
			if it.Actor != "supervisor token" || !strings.HasPrefix(it.Object, "person:") {
				t.Fatalf("filtered item %+v", it)
			}
			seen = append(seen, it.ID)
		}
		path = ""
		for _, l := range p.Links {
			if l.Rel == "next" {
				path = l.Href
			}
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %v, want the 5 rows", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("ids %v not newest first", seen)
		}
	}
	r := e.DoWith(t, "GET", "/api/v1/audit?limit=3", e.Admin, "", "Accept", "text/csv")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Link"), "cursor=") ||
		strings.Count(string(r.Body), "\n") != 4 {
		t.Fatalf("CSV: %d %q link %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Link"), r.Body)
	}
}
