package sample

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// staffSince is when the sample city's duties begin.
const staffSince = "2026-01-01T00:00:00+08:00"

// Shares of the sample city that are staffed: the rest stays vacant, so
// that the vacancy layer and the QA report have something to show and a
// supervisor has something to staff.
const (
	gridsStaffed   = 0.85
	streetsStaffed = 0.70
)

var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
		"平", "刚", "桂英", "建华", "玉兰", "志强", "海燕", "晓东", "春梅", "红霞", "国庆", "建国", "文博", "子涵", "雨轩", "浩然", "欣怡"}
)

// staff gives the sample city people and duties, deterministically: a
// grid officer for most grids, a street chief for most named streets (one
// chief answers for every segment of a street), and a leader (包联) for
// every community, sub-district and district.
func staff(ctx context.Context, pool *pgxpool.Pool) (people, duties int, err error) {
	rng := rand.New(rand.NewPCG(2026, 911))
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())

	type target struct{ role, kind, key, title string }
	var targets []target
	rows, err := tx.Query(ctx, `SELECT code, level::text FROM areas WHERE level <> 'city' ORDER BY code`)
	if err != nil {
		return 0, 0, fmt.Errorf("areas: %w", err)
	}
	for rows.Next() {
		var code, level string
		if err := rows.Scan(&code, &level); err != nil {
			return 0, 0, err
		}
		switch level {
		case "grid":
			if rng.Float64() < gridsStaffed {
				targets = append(targets, target{"grid_officer", "area", code, "网格员"})
			}
		case "community":
			targets = append(targets, target{"leader", "area", code, "社区书记"})
		case "subdistrict":
			targets = append(targets, target{"leader", "area", code, "街道包联领导"})
		case "district":
			targets = append(targets, target{"leader", "area", code, "区级包联领导"})
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	rows, err = tx.Query(ctx, `SELECT DISTINCT name FROM streets ORDER BY name`)
	if err != nil {
		return 0, 0, fmt.Errorf("street names: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, 0, fmt.Errorf("street names: %w", err)
	}
	var streetNames []string
	for _, n := range names {
		if rng.Float64() < streetsStaffed {
			streetNames = append(streetNames, n)
			targets = append(targets, target{"street_chief", "street", n, "街长"})
		}
	}

	// One person per target; the street chief of a name holds its segments.
	pNames, phones, titles, depts := make([]string, len(targets)), make([]string, len(targets)), make([]string, len(targets)), make([]*string, len(targets))
	cgj := "cgj"
	for i, t := range targets {
		pNames[i] = string(surnames[rng.IntN(len(surnames))]) + given[rng.IntN(len(given))]
		phones[i] = fmt.Sprintf("1%d%09d", []int{38, 39, 58, 59, 86, 87}[rng.IntN(6)], rng.IntN(1_000_000_000))
		titles[i] = t.title
		if t.role == "street_chief" {
			depts[i] = &cgj
		}
	}
	rows, err = tx.Query(ctx, `
		INSERT INTO people (name, phone, title, department_code)
		SELECT n, ph, t, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(n, ph, t, d, i)
		ORDER BY i RETURNING id`, pNames, phones, titles, depts)
	if err != nil {
		return 0, 0, fmt.Errorf("insert people: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, 0, fmt.Errorf("insert people: %w", err)
	}
	slices.Sort(ids) // identities ascend in insertion order, which is target order
	var areaRoles, areaKeys, streetKeys []string
	var areaIDs, streetIDs []int64
	for i, t := range targets {
		if t.kind == "area" {
			areaRoles, areaKeys, areaIDs = append(areaRoles, t.role), append(areaKeys, t.key), append(areaIDs, ids[i])
		} else {
			streetKeys, streetIDs = append(streetKeys, t.key), append(streetIDs, ids[i])
		}
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO duties (role, person_id, target_kind, area_code, valid, note, created_by)
		SELECT r::duty_role, p, 'area', k, tstzrange($4::timestamptz, NULL), '', 'sample'
		FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(r, k, p)`, areaRoles, areaKeys, areaIDs, staffSince)
	if err != nil {
		return 0, 0, fmt.Errorf("area duties: %w", err)
	}
	duties = int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		INSERT INTO duties (role, person_id, target_kind, street_code, valid, note, created_by)
		SELECT 'street_chief', u.p, 'street', s.code, tstzrange($3::timestamptz, NULL), '', 'sample'
		FROM unnest($1::text[], $2::bigint[]) AS u(n, p) JOIN streets s ON s.name = u.n
		ORDER BY s.code -- duty ids in one order whatever join the planner picks`, streetKeys, streetIDs, staffSince)
	if err != nil {
		return 0, 0, fmt.Errorf("street duties: %w", err)
	}
	duties += int(tag.RowsAffected())
	if err := tx.Commit(ctx); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return len(targets), duties, nil
}
