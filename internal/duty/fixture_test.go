package duty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// fixtureSQL: a 0.2° square city in four grids (001 NW, 002 NE, 003 SW,
// 004 SE), 测试路 along latitude 37.1 (the middle), 北环路 along the
// north edge with no chief, a shop 15 m north of 测试路 at 116.05, people,
// and two test categories (litter: frontage owner first; structures:
// department first).
const fixtureSQL = `
INSERT INTO areas (code, name, level, parent_code, geom) VALUES
 ('371400', '测试市', 'city', NULL, ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402', '测试区', 'district', '371400', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001', '测试街道', 'subdistrict', '371402', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001001', '测试社区', 'community', '371402001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.2, 37.2, 4326))),
 ('371402001001001', '第1网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.1, 116.1, 37.2, 4326))),
 ('371402001001002', '第2网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.1, 116.2, 37.2, 4326))),
 ('371402001001003', '第3网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.0, 37.0, 116.1, 37.1, 4326))),
 ('371402001001004', '第4网格', 'grid', '371402001001', ST_Multi(ST_MakeEnvelope(116.1, 37.0, 116.2, 37.1, 4326)));
INSERT INTO streets (code, name, geom) VALUES
 ('T-0001', '测试路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.1, 116.1 37.1)', 4326))),
 ('T-0002', '北环路', ST_Multi(ST_GeomFromText('LINESTRING(116.0 37.2, 116.2 37.2)', 4326)));
INSERT INTO frontages (name, geom, street_code, width_m) VALUES
 ('老王烧烤', ST_SetSRID(ST_MakePoint(116.05, 37.100135), 4326), 'T-0001', 12);
INSERT INTO people (name, phone, title) VALUES
 ('张伟', '13800000001', '网格员'), ('李娜', '13800000002', '网格员'), ('王芳', '13800000003', '街长'),
 ('刘洋', '13800000004', '店主'), ('陈静', '13800000005', '社区书记'), ('赵磊', '13800000006', '区领导');
INSERT INTO people (name, active) VALUES ('离职者', false);
INSERT INTO categories (code, name, kind, big_class, big_class_name, small_class, department_code, time_limit_hours, first_in_line) VALUES
 ('T-LITTER', '测试暴露垃圾', 'event', '99', '测试', '01', 'cgj', 8, 'frontage_owner'),
 ('T-BUILD', '测试私搭乱建', 'event', '99', '测试', '02', 'zjj', 120, 'department');
`

type env struct {
	srv   *httptest.Server
	d     *dbtest.DB
	token string
	ids   map[string]int64 // person name → id
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixtureSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	tok, _, err := auth.Create(ctx, d.Pool, "supervisor", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, token: tok, ids: map[string]int64{}}
	rows, _ := d.Pool.Query(ctx, "SELECT name, id FROM people")
	for rows.Next() {
		var n string
		var id int64
		rows.Scan(&n, &id)
		e.ids[n] = id
	}
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request with the supervisor token and decodes the answer.
func (e *env) do(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

type problemBody struct {
	Status int
	Detail string
	Errors []struct{ Field, Reason string }
}

func (e *env) countDuties(t *testing.T) int {
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM duties").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
