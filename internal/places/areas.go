package places

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Levels of the area hierarchy, top down.
var Levels = []string{"city", "district", "subdistrict", "community", "grid"}

// codePattern accepts the shapes an area code can take (6, 9, 12 or 15 digits).
var codePattern = regexp.MustCompile(`^[0-9]{6}([0-9]{3}){0,3}$`)

// AreaProps are the properties of an area in a collection.
type AreaProps struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Level  string  `json:"level"`
	Parent *string `json:"parent"`
}

// AreaRef names an area in a chain of ancestors.
type AreaRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// AreaDetail are the properties of a single area.
type AreaDetail struct {
	AreaProps
	Ancestors  []AreaRef       `json:"ancestors"`
	Children   int             `json:"children"`
	AreaKm2    float64         `json:"area_km2"`
	Attributes json.RawMessage `json:"attributes"`
}

// AreaFilter selects areas for a collection.
type AreaFilter struct {
	Level  string
	Parent string
	BBox   *httpx.BBox
}

// where turns f into SQL conditions over alias a with bound arguments.
func (f AreaFilter) where() (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Level != "" {
		conds = append(conds, "a.level = "+arg(f.Level)+"::area_level")
	}
	if f.Parent != "" {
		conds = append(conds, "a.parent_code = "+arg(f.Parent))
	}
	if f.BBox != nil {
		conds = append(conds, "ST_Intersects(a.geom, "+envelope(f.BBox, arg)+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func envelope(b *httpx.BBox, arg func(any) string) string {
	return fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", arg(b.MinLon), arg(b.MinLat), arg(b.MaxLon), arg(b.MaxLat))
}

// AreaExists reports whether code names an area.
func AreaExists(ctx context.Context, pool *pgxpool.Pool, code string) (bool, error) {
	var ok bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM areas WHERE code = $1)`, code).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up area %s: %w", code, err)
	}
	return ok, nil
}

// EachArea calls fn for every area matching f, in level then code order,
// as rows arrive from the database.
func EachArea(ctx context.Context, pool *pgxpool.Pool, f AreaFilter, fn func(AreaProps, json.RawMessage) error) error {
	where, args := f.where()
	rows, err := pool.Query(ctx, `SELECT a.code, a.name, a.level::text, a.parent_code, ST_AsGeoJSON(a.geom, 7)::json
		FROM areas a`+where+` ORDER BY a.level, a.code`, args...)
	if err != nil {
		return fmt.Errorf("query areas: %w", err)
	}
	defer rows.Close()
	var p AreaProps
	var geom json.RawMessage
	for rows.Next() {
		if err := rows.Scan(&p.Code, &p.Name, &p.Level, &p.Parent, &geom); err != nil {
			return fmt.Errorf("scan area: %w", err)
		}
		if err := fn(p, geom); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	return nil
}

// ErrNotFound is returned for an unknown code.
var ErrNotFound = errors.New("not found")

// GetArea returns one area with its ancestors (city first) and geometry.
func GetArea(ctx context.Context, pool *pgxpool.Pool, code string) (AreaDetail, json.RawMessage, error) {
	var d AreaDetail
	var geom, ancestors json.RawMessage
	err := pool.QueryRow(ctx, `
		WITH RECURSIVE chain AS (
			SELECT p.code, p.name, p.level, p.parent_code FROM areas p
			WHERE p.code = (SELECT parent_code FROM areas WHERE code = $1)
			UNION ALL
			SELECT p.code, p.name, p.level, p.parent_code FROM areas p JOIN chain c ON p.code = c.parent_code)
		SELECT a.code, a.name, a.level::text, a.parent_code, ST_AsGeoJSON(a.geom, 7)::json, a.properties,
			(SELECT coalesce(json_agg(json_build_object('code', code, 'name', name, 'level', level) ORDER BY level), '[]') FROM chain),
			(SELECT count(*) FROM areas c WHERE c.parent_code = a.code),
			round((ST_Area(a.geom::geography) / 1e6)::numeric, 4)::float8
		FROM areas a WHERE a.code = $1`, code).
		Scan(&d.Code, &d.Name, &d.Level, &d.Parent, &geom, &d.Attributes, &ancestors, &d.Children, &d.AreaKm2)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, nil, ErrNotFound
	}
	if err != nil {
		return d, nil, fmt.Errorf("get area %s: %w", code, err)
	}
	if err := json.Unmarshal(ancestors, &d.Ancestors); err != nil {
		return d, nil, fmt.Errorf("decode ancestors: %w", err)
	}
	return d, geom, nil
}
