package hotline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// stored is what the tests read back of a problem.
type stored struct {
	ID                                             int64
	Status                                         string
	Grid, Community, Subdistrict, District, Street *string
	StreetM                                        *float64
	Frontage                                       *int64
	Person                                         *int64
	Department, Role                               *string
	ReportedAt                                     time.Time
	DispatchedAt, RegisteredAt, DueAt, ClosedAt    *time.Time
	Limit                                          *float64
	RecursOf                                       *int64
	H3                                             int64
	Chain                                          []duty.Link
}

func get(t *testing.T, db db.DB, where string, arg any) stored {
	t.Helper()
	var s stored
	var chain []byte
	err := db.QueryRow(context.Background(), `SELECT id, status::text, grid_code, community_code, subdistrict_code, district_code,
		street_code, street_distance_m, frontage_id, assignee_person_id, assignee_department, assignee_role,
		reported_at, dispatched_at, registered_at, due_at, closed_at, time_limit_hours::float8, recurs_of, h3_15, problem_chain(chain_links, street_distance_m)
		FROM problems WHERE `+where, arg).Scan(&s.ID, &s.Status, &s.Grid, &s.Community, &s.Subdistrict, &s.District,
		&s.Street, &s.StreetM, &s.Frontage, &s.Person, &s.Department, &s.Role,
		&s.ReportedAt, &s.DispatchedAt, &s.RegisteredAt, &s.DueAt, &s.ClosedAt, &s.Limit, &s.RecursOf, &s.H3, &chain)
	if err != nil {
		t.Fatalf("problem where %s %v: %v", where, arg, err)
	}
	if err := json.Unmarshal(chain, &s.Chain); err != nil {
		t.Fatalf("chain %s: %v", chain, err)
	}
	for i := range s.Chain { // the same instant, whatever zone wrote it
		if s.Chain[i].Since != nil {
			u := s.Chain[i].Since.UTC()
			s.Chain[i].Since = &u
		}
	}
	return s
}

// The same rows land the same way whether the foreign keys are checked
// set-wise (replica mode, the default for a role that may) or row by row.
func TestImportMapsResolvesAndDispatchesAsIntakeDoes(t *testing.T) {
	t.Run("set-wise", func(t *testing.T) { importLikeIntake(t, false) })
	t.Run("row-by-row", func(t *testing.T) { importLikeIntake(t, true) })
}

func importLikeIntake(t *testing.T, rowByRow bool) {
	d := setup(t)
	ctx := context.Background()
	// Each row and what problem.Intake decides for the same point,
	// category and time (as a patrol report, which intake dispatches).
	rows := []struct {
		ticket, at, category string
		lon, lat             float64
		status, closedAt     string
		wantStatus, holder   string
	}{
		{"T1", "2026-09-01 09:00:00+08:00", "T-LITTER", 116.05, 37.100045, "处理中", "", "dispatched", "刘洋"},
		{"T2", "2026-09-01 10:00:00+08:00", "测试道路不洁", 116.05, 37.100045, "已办结", "2026-09-01 15:30:00+08:00", "closed", "王芳"},
		{"T3", "2026-09-02T08:00:00+08:00", "T-DOG", 116.05, 37.15, "处理中", "", "dispatched", "张伟"},
		{"T4", "2026-09-02 09:00:00+08:00", "T-BUILD", 116.05, 37.100045, "处理中", "", "dispatched", "住房和城乡建设局"},
		{"T5", "2026-09-03 09:00:00+08:00", "T-DOG", 116.15, 37.15, "已办结", "2026-09-03 11:00:00+08:00", "closed", "陈静"},
		{"T6", "2025-12-01 09:00:00+08:00", "T-LITTER", 116.05, 37.100045, "处理中", "", "dispatched", "城市管理局"},
		{"T7", "2026-09-04 09:00:00+08:00", "T-DOG", 117.5, 38.5, "已办结", "2026-09-04 10:00:00+08:00", "reported", ""},
	}
	csv := header
	for _, r := range rows {
		csv += fmt.Sprintf("%s,%s,%s,%.6f,%.6f,测试地址,内容 %s,%s,%s\n", r.ticket, r.at, r.category, r.lon, r.lat, r.ticket, r.status, r.closedAt)
	}
	opt := hotline.Options{Actor: "tester"}
	if rowByRow {
		hotline.RowByRow(&opt)
	}
	res := mustImport(t, d, csv, opt)
	if res.Read != 7 || res.Imported != 7 || res.Dispatched != 4 || res.Closed != 2 || res.Unmapped != 1 || res.Rejected != 0 {
		t.Fatalf("result %+v", res)
	}
	for _, r := range rows {
		got := get(t, d.Pool, "source = 'hotline' AND source_ref = $1", r.ticket)
		at, _ := time.Parse("2006-01-02 15:04:05Z07:00", r.at)
		if at.IsZero() {
			at, _ = time.Parse(time.RFC3339, r.at)
		}
		code := r.category
		if code == "测试道路不洁" {
			code = "T-ROAD"
		}
		p, _, err := problem.Intake(ctx, d.Pool, problem.Settings{StreetRadiusM: 50}, problem.Report{
			Category: code, Source: "patrol", SourceRef: "intake-" + r.ticket, Lon: r.lon, Lat: r.lat, ReportedAt: at, Actor: "tester"})
		if err != nil {
			t.Fatalf("%s: intake: %v", r.ticket, err)
		}
		want := get(t, d.Pool, "id = $1", p.ID)

		if got.Status != r.wantStatus {
			t.Errorf("%s: status %s, want %s", r.ticket, got.Status, r.wantStatus)
		}
		same := func(what string, a, b any) {
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s %s, intake says %s", r.ticket, what, show(a), show(b))
			}
		}
		same("grid", got.Grid, want.Grid)
		same("community", got.Community, want.Community)
		same("subdistrict", got.Subdistrict, want.Subdistrict)
		same("district", got.District, want.District)
		same("street", got.Street, want.Street)
		same("street distance", got.StreetM, want.StreetM)
		same("frontage", got.Frontage, want.Frontage)
		same("h3 cell", got.H3, want.H3)
		same("time limit", got.Limit, want.Limit)
		same("chain", got.Chain, want.Chain)
		if r.wantStatus == "reported" {
			if got.Person != nil || got.Department != nil || got.DueAt != nil || got.DispatchedAt != nil || got.ClosedAt != nil {
				t.Errorf("%s: an unmapped row has a handler or times: %+v", r.ticket, got)
			}
			continue
		}
		same("handler", got.Person, want.Person)
		same("handler department", got.Department, want.Department)
		same("handler role", got.Role, want.Role)
		if p.Assignee == nil || p.Assignee.Name != r.holder {
			t.Errorf("%s: intake dispatched to %+v, the test expects %s", r.ticket, p.Assignee, r.holder)
		}
		if !got.DispatchedAt.Equal(at) || !got.RegisteredAt.Equal(at) {
			t.Errorf("%s: dispatched %v registered %v, want the reported time %v", r.ticket, got.DispatchedAt, got.RegisteredAt, at)
		}
	}
	// The deadline runs on the working-hours calendar from the report.
	if n := count(t, d, `SELECT count(*) FROM problems WHERE source = 'hotline' AND grid_code IS NOT NULL
		AND due_at IS DISTINCT FROM work_add(reported_at, time_limit_hours::float8 * 60)`); n != 0 {
		t.Errorf("%d imported problems whose due_at is not work_add(reported_at, limit)", n)
	}
	closed := get(t, d.Pool, "source_ref = $1", "T2")
	if want := time.Date(2026, 9, 1, 7, 30, 0, 0, time.UTC); closed.ClosedAt == nil || !closed.ClosedAt.Equal(want) {
		t.Errorf("T2 closed at %v, want %v", closed.ClosedAt, want)
	}
	// One import event per problem, by the importer, saying what the hotline said.
	var actor, action, to, hotlineStatus string
	var line int
	if err := d.Pool.QueryRow(ctx, `SELECT e.actor, e.action, e.to_status::text, e.data->>'hotline_status', (e.data->>'line')::int
		FROM problem_events e JOIN problems p ON p.id = e.problem_id WHERE p.source_ref = 'T7'`).Scan(&actor, &action, &to, &hotlineStatus, &line); err != nil {
		t.Fatal(err)
	}
	if actor != "tester" || action != "import" || to != "reported" || hotlineStatus != "closed" || line != 8 {
		t.Errorf("T7's event: %s %s → %s, hotline %s, line %d", actor, action, to, hotlineStatus, line)
	}
	if n := count(t, d, `SELECT count(*) FROM problem_events e JOIN problems p ON p.id = e.problem_id WHERE p.source = 'hotline'`); n != 7 {
		t.Errorf("%d events for 7 imported problems", n)
	}
	// The heat rollup counts every imported problem (its triggers fire in
	// replica mode too): heat_day with the deltas not folded yet equals the
	// rollup recomputed from problems.
	if n := count(t, d, `WITH want AS (
			SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(h3_15, 6) AS area, (h3_15 >> 15) & 4095 AS off,
				category_code, source, count(*)::int AS n
			FROM problems WHERE status NOT IN ('void', 'merged') GROUP BY 1, 2, 3, 4, 5
		), have AS (
			SELECT h.day, h.area, h.k >> 13 AS off, hk.category_code, hk.source, h.n
			FROM heat_entries h JOIN heat_keys hk ON hk.id = h.k & 8191
		)
		SELECT count(*) FROM want w FULL JOIN have h USING (day, area, off, category_code, source) WHERE w.n IS DISTINCT FROM h.n`); n != 0 {
		t.Errorf("the heat rollup differs from the problems in %d entries", n)
	}
	// No look-back is scheduled for the past.
	if n := count(t, d, `SELECT count(*) FROM rechecks`); n != 0 {
		t.Errorf("%d re-checks scheduled", n)
	}
	// Numbers follow the reporting day; ids follow the reporting order.
	if n := count(t, d, `SELECT count(*) FROM problems WHERE source = 'hotline'
		AND number <> to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(id::text, 7, '0')`); n != 0 {
		t.Errorf("%d numbers do not follow the rule", n)
	}
	if n := count(t, d, `SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY reported_at) AS prev FROM problems WHERE source = 'hotline') x WHERE id < prev`); n != 0 {
		t.Errorf("ids do not follow the reporting order")
	}
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
