package hotline_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
)

// staffSQL gives the fixture city its holders from 2026 on, as
// internal/problem's tests do: 张伟 grid 001, 李娜 grid 003, 王芳 street
// 测试路, 刘洋 the shop, 陈静 the community, 赵磊 the district; grids 002
// and 004 and 北环路 stay vacant. Before 2026 every place is vacant.
const staffSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL)),
 ('grid_officer', (SELECT id FROM people WHERE name = '李娜'), 'area', '371402001001003', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '陈静'), 'area', '371402001001', tstzrange('2026-01-01', NULL)),
 ('leader', (SELECT id FROM people WHERE name = '赵磊'), 'area', '371402', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, street_code, valid) VALUES
 ('street_chief', (SELECT id FROM people WHERE name = '王芳'), 'street', 'T-0001', tstzrange('2026-01-01', NULL));
INSERT INTO duties (role, person_id, target_kind, frontage_id, valid) VALUES
 ('frontage_owner', (SELECT id FROM people WHERE name = '刘洋'), 'frontage', 1, tstzrange('2026-01-01', NULL));
`

// setup is a fresh database with the fixture city and its staff.
func setup(t *testing.T) *dbtest.DB {
	t.Helper()
	d := dbtest.New(t)
	if _, err := d.Pool.Exec(context.Background(), fixture.CitySQL+staffSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return d
}

// now is the instant the tests import at: after every time in their
// files.
var now = time.Date(2026, 10, 12, 12, 0, 0, 0, time.UTC)

// importString imports csv with opt (Now set to now unless given).
func importString(t *testing.T, d *dbtest.DB, csv string, opt hotline.Options) (hotline.Result, error) {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return now }
	}
	return hotline.Import(context.Background(), d.Pool, strings.NewReader(csv), opt)
}

// mustImport imports csv and fails the test on an error.
func mustImport(t *testing.T, d *dbtest.DB, csv string, opt hotline.Options) hotline.Result {
	t.Helper()
	res, err := importString(t, d, csv, opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func count(t *testing.T, d *dbtest.DB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

const header = "ticket_no,reported_at,category,lon,lat,address,content,status,closed_at\n"
