package auth_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// otherDistrictSQL adds a second district east of the fixture city.
const otherDistrictSQL = `
INSERT INTO areas (code, name, level, parent_code, geom) VALUES
 ('371403', '邻区', 'district', '371400', ST_Multi(ST_MakeEnvelope(116.2, 37.0, 116.4, 37.2, 4326))),
 ('371403001', '邻区街道', 'subdistrict', '371403', ST_Multi(ST_MakeEnvelope(116.2, 37.0, 116.4, 37.2, 4326))),
 ('371403001001', '邻区社区', 'community', '371403001', ST_Multi(ST_MakeEnvelope(116.2, 37.0, 116.4, 37.2, 4326))),
 ('371403001001001', '邻区第1网格', 'grid', '371403001001', ST_Multi(ST_MakeEnvelope(116.2, 37.0, 116.4, 37.2, 4326)));
`

// city is the matrix's fixture: places from the fixture SQL, then what a
// city does through the API: staff, duties and tokens by an admin,
// problems reported with the reporter's contact.
type city struct {
	*apitest.Env
	tokens map[string]string // matrix role → bearer token ("" for anonymous)
}

// The places of the matrix: a problem in grid A (001, on street S =
// 测试路, with grid officer 张伟), in the neighbouring grid 002 (vacant:
// it goes to the community leader), in another district, and one
// assigned to the housing department (zjj) in grid 004.
var places = map[string]map[string]any{
	"grid A":         {"lon": 116.05, "lat": 37.1002, "category": "T-DOG"},
	"neighbour":      {"lon": 116.15, "lat": 37.15, "category": "T-DOG"},
	"other district": {"lon": 116.3, "lat": 37.15, "category": "T-DOG"},
	"department":     {"lon": 116.15, "lat": 37.05, "category": "T-BUILD"},
}

var gridOf = map[string]string{
	"grid A": "371402001001001", "neighbour": "371402001001002",
	"other district": "371403001001001", "department": "371402001001004",
}

func buildCity(t *testing.T) *city {
	t.Helper()
	e := apitest.Setup(t)
	if _, err := e.D.Pool.Exec(t.Context(), fixture.CitySQL+otherDistrictSQL); err != nil {
		t.Fatalf("places: %v", err)
	}
	c := &city{Env: e, tokens: map[string]string{"anonymous": "", "admin": e.Admin}}
	person := func(name string) int64 {
		var id int64
		if err := e.D.Pool.QueryRow(t.Context(), `SELECT id FROM people WHERE name = $1`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// A member of the housing department, who holds no place.
	r := e.Do(t, "POST", "/api/v1/people", e.Admin, `{"name":"孙强","phone":"13800000009","department":"zjj"}`)
	if r.Status != 201 {
		t.Fatalf("create department staff: %d %s", r.Status, r.Body)
	}
	var staff struct{ ID int64 }
	r.Decode(t, &staff)
	for _, d := range []string{
		fmt.Sprintf(`{"role":"grid_officer","target":"area:371402001001001","person_id":%d,"from":"2026-01-01T00:00:00Z"}`, person("张伟")),
		fmt.Sprintf(`{"role":"street_chief","target":"street:T-0001","person_id":%d,"from":"2026-01-01T00:00:00Z"}`, person("王芳")),
		fmt.Sprintf(`{"role":"leader","target":"area:371402001001","person_id":%d,"from":"2026-01-01T00:00:00Z"}`, person("陈静")),
	} {
		if r := e.Do(t, "POST", "/api/v1/duties", e.Admin, d); r.Status != 201 {
			t.Fatalf("duty %s: %d %s", d, r.Status, r.Body)
		}
	}
	for role, spec := range map[string]string{
		"officer of grid A":   fmt.Sprintf(`{"name":"张伟","role":"officer","person_id":%d,"ttl":"90d"}`, person("张伟")),
		"street chief of S":   fmt.Sprintf(`{"name":"王芳","role":"officer","person_id":%d}`, person("王芳")),
		"community leader":    fmt.Sprintf(`{"name":"陈静","role":"supervisor","person_id":%d}`, person("陈静")),
		"district dispatcher": `{"name":"测试区 desk","role":"dispatcher","area":"371402"}`,
		"department staff":    fmt.Sprintf(`{"name":"孙强","role":"officer","person_id":%d}`, staff.ID),
		"supervisor":          `{"name":"city supervisor","role":"supervisor"}`,
	} {
		r := e.Do(t, "POST", "/api/v1/tokens", e.Admin, spec)
		if r.Status != 201 {
			t.Fatalf("token %s: %d %s", role, r.Status, r.Body)
		}
		var out struct{ Secret string }
		r.Decode(t, &out)
		c.tokens[role] = out.Secret
	}
	return c
}

// report files a problem at place as admin (with a reporter's contact),
// walks it to the state the action needs, and returns its id and version.
func (c *city) report(t *testing.T, place, state string) (int64, int) {
	t.Helper()
	body := map[string]any{"source": "patrol", "reporter": map[string]any{"name": "市民甲", "phone": "13900000000"}}
	for k, v := range places[place] {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	r := c.Do(t, "POST", "/api/v1/problems", c.Admin, string(b))
	var p struct {
		ID      int64
		Version int
		Status  string
	}
	r.Decode(t, &p)
	if r.Status != 201 || p.Status != "dispatched" {
		t.Fatalf("report at %s: %d %s", place, r.Status, r.Body)
	}
	steps := map[string][]string{"dispatched": nil, "resolved": {"resolve"}, "closed": {"resolve", "close"}}[state]
	for _, s := range steps {
		r := c.act(t, c.Admin, p.ID, p.Version, fmt.Sprintf(`{"action":%q}`, s))
		if r.Status != 200 {
			t.Fatalf("%s at %s: %d %s", s, place, r.Status, r.Body)
		}
		p.Version++
	}
	return p.ID, p.Version
}

func (c *city) act(t *testing.T, token string, id int64, version int, body string) apitest.Response {
	t.Helper()
	return c.DoWith(t, "POST", fmt.Sprintf("/api/v1/problems/%d/actions", id), token, body, "If-Match", fmt.Sprintf(`"%d"`, version))
}

// covers is where each role answers, written out by hand from the rules
// (not computed by the code under test).
var covers = map[string][]string{
	"officer of grid A":   {"grid A"},
	"street chief of S":   {"grid A"}, // the grid A problem lies on 测试路
	"community leader":    {"grid A", "neighbour", "department"},
	"district dispatcher": {"grid A", "neighbour", "department"},
	"department staff":    {"department"},
	"supervisor":          {"grid A", "neighbour", "other district", "department"},
	"admin":               {"grid A", "neighbour", "other district", "department"},
	"anonymous":           {},
}

// may is what each role may do, from the workflow's role table.
var may = map[string][]string{
	"officer of grid A":   {"start", "resolve", "send back", "re-check"},
	"street chief of S":   {"start", "resolve", "send back", "re-check"},
	"department staff":    {"start", "resolve", "send back", "re-check"},
	"community leader":    {"start", "resolve", "close", "send back", "extend", "re-check", "assign a duty"},
	"district dispatcher": {"start", "resolve", "close", "send back", "extend", "re-check"},
	"supervisor":          {"start", "resolve", "close", "send back", "extend", "re-check", "assign a duty"},
	"admin":               {"start", "resolve", "close", "send back", "extend", "re-check", "assign a duty"},
	"anonymous":           {},
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestScopeMatrix: every role × every place × every action gives the
// expected answer, and nothing succeeds outside a role's rights or
// scope (an escape).
func TestScopeMatrix(t *testing.T) {
	c := buildCity(t)
	roles := []string{"officer of grid A", "street chief of S", "community leader", "district dispatcher",
		"department staff", "supervisor", "admin", "anonymous"}
	actions := []string{"read with contacts", "start", "resolve", "close", "send back", "extend", "re-check", "assign a duty"}
	escapes, cells := 0, 0
	for _, role := range roles {
		tok := c.tokens[role]
		for _, place := range []string{"grid A", "neighbour", "other district", "department"} {
			covered := contains(covers[role], place)
			for _, action := range actions {
				cells++
				var r apitest.Response
				want := 200
				switch {
				case action == "read with contacts":
				case tok == "":
					want = 401
				case !contains(may[role], action) || !covered:
					want = 403
				}
				switch action {
				case "read with contacts":
					id, _ := c.report(t, place, "dispatched")
					r = c.Do(t, "GET", fmt.Sprintf("/api/v1/problems/%d", id), tok, "")
					shows := strings.Contains(string(r.Body), "13900000000")
					holderPhone := strings.Contains(string(r.Body), `"phone":"138`)
					wantShown := covered && tok != ""
					if r.Status != 200 || shows != wantShown || (holderPhone && !wantShown) {
						t.Errorf("%s reads a problem in %s: %d, reporter phone shown %v, holder phone shown %v; want 200 and shown %v",
							role, place, r.Status, shows, holderPhone, wantShown)
						if (shows || holderPhone) && !wantShown {
							escapes++
						}
					}
					continue
				case "start", "resolve":
					id, v := c.report(t, place, "dispatched")
					r = c.act(t, tok, id, v, fmt.Sprintf(`{"action":%q}`, action))
				case "close":
					id, v := c.report(t, place, "resolved")
					r = c.act(t, tok, id, v, `{"action":"close","note":"现场核查已清理"}`)
				case "send back":
					id, v := c.report(t, place, "dispatched")
					r = c.act(t, tok, id, v, `{"action":"send_back","note":"不属于我们"}`)
				case "extend":
					id, v := c.report(t, place, "dispatched")
					due := time.Now().Add(40 * 24 * time.Hour).UTC().Format(time.RFC3339)
					r = c.act(t, tok, id, v, `{"action":"extend","note":"材料未到","due_at":"`+due+`"}`)
				case "re-check":
					id, _ := c.report(t, place, "closed")
					var recheck int64
					if err := c.D.Pool.QueryRow(t.Context(), `UPDATE rechecks SET due_at = now() - interval '1 minute'
						WHERE problem_id = $1 AND days = 7 RETURNING id`, id).Scan(&recheck); err != nil {
						t.Fatal(err) // the look-back falls due: time passes
					}
					r = c.Do(t, "POST", fmt.Sprintf("/api/v1/rechecks/%d", recheck), tok, `{"result":"held","note":"已复查"}`)
				case "assign a duty":
					r = c.Do(t, "POST", "/api/v1/duties", tok, fmt.Sprintf(
						`{"role":"leader","target":"area:%s","person_id":%d}`, gridOf[place], c.newPerson(t)))
					if r.Status == 201 {
						r.Status = 200
					}
				}
				if r.Status != want {
					t.Errorf("%s: %s a problem in %s: %d, want %d; body %s", role, action, place, r.Status, want, r.Body)
					if r.Status < 300 {
						escapes++
					}
				}
			}
		}
	}
	t.Logf("%d cells, %d escapes", cells, escapes)
	if escapes != 0 {
		t.Errorf("%d escapes", escapes)
	}
}

func (c *city) newPerson(t *testing.T) int64 {
	t.Helper()
	r := c.Do(t, "POST", "/api/v1/people", c.Admin, `{"name":"新人"}`)
	var p struct{ ID int64 }
	r.Decode(t, &p)
	if r.Status != 201 {
		t.Fatalf("person: %d %s", r.Status, r.Body)
	}
	return p.ID
}
