package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// row is one feature as the handlers write it: the key, the geometry as
// GeoJSON (PostgreSQL's ST_AsGeoJSON) and the properties as a JSON object.
type row struct {
	Key   string
	Geom  json.RawMessage
	Props json.RawMessage
}

// id is the feature id as GeoJSON writes it: a number for integer keys.
func (c *collection) id(key string) any {
	if c.IntKey {
		if n, err := strconv.ParseInt(key, 10, 64); err == nil {
			return n
		}
	}
	return key
}

// selectList is the key, the geometry and the fields of a feature, as
// k, g, f0, f1, ….
func (c *collection) selectList() string {
	var b strings.Builder
	b.WriteString(c.Key + "::text AS k, ST_AsGeoJSON(" + c.Geom + ", 7) AS g")
	for i, f := range c.Fields {
		b.WriteString(", " + fieldSQL(f) + " AS f" + strconv.Itoa(i))
	}
	return b.String()
}

// columns lists k, g, f0, f1, … for a query over a select list.
func (c *collection) columns() string {
	var b strings.Builder
	b.WriteString("k, g")
	for i := range c.Fields {
		b.WriteString(", f" + strconv.Itoa(i))
	}
	return b.String()
}

// from resolves the collection's FROM clause, building its rows first
// when it has a source; the source's parameters start args.
func (c *collection) from(ctx context.Context, pool *pgxpool.Pool, args *cql2.Args) (string, error) {
	if c.source == nil {
		return c.From, nil
	}
	from, vals, err := c.source(ctx, pool)
	if err != nil {
		return "", err
	}
	args.Values = append(args.Values, vals...)
	return from, nil
}

// conditions is the WHERE clause of the query without its cursor.
func (q *itemsQuery) conditions(args *cql2.Args) (string, error) {
	c := q.c
	conds := []string{"true"}
	if c.Where != "" {
		conds = append(conds, c.Where)
	}
	if q.bbox != nil {
		conds = append(conds, fmt.Sprintf("ST_Intersects(%s, ST_MakeEnvelope(%s, %s, %s, %s, 4326))", c.Geom,
			args.Add(q.bbox.MinLon), args.Add(q.bbox.MinLat), args.Add(q.bbox.MaxLon), args.Add(q.bbox.MaxLat)))
	}
	if q.instant != nil {
		conds = append(conds, c.Time+" = "+args.Add(*q.instant)+"::timestamptz")
	}
	if q.from != nil {
		conds = append(conds, c.Time+" >= "+args.Add(*q.from)+"::timestamptz")
	}
	if q.to != nil {
		conds = append(conds, c.Time+" <= "+args.Add(*q.to)+"::timestamptz")
	}
	for _, e := range q.eq {
		cast := "::text"
		switch e.f.Type {
		case cql2.Number, cql2.Integer:
			cast = "::float8"
		case cql2.Timestamp:
			cast = "::timestamptz"
		}
		conds = append(conds, e.f.SQL+" = "+args.Add(e.value)+cast)
	}
	if q.filter != nil {
		s, err := cql2.ToSQL(q.filter, c.queryables(), args)
		if err != nil {
			return "", err
		}
		conds = append(conds, s)
	}
	return strings.Join(conds, " AND "), nil
}

func (c *collection) keyCast() string {
	if c.IntKey {
		return "::bigint"
	}
	return "::text"
}

// keyArg is a key from a request as the bind parameter of the key's type
// (callers have checked that an integer key parses).
func (c *collection) keyArg(key string) any {
	if c.IntKey {
		n, _ := strconv.ParseInt(key, 10, 64)
		return n
	}
	return key
}

// page is what a page query found beside its rows.
type page struct {
	Rows       int
	First      string // key of the first row on the page
	Last       string // key of the last row
	HasNext    bool
	HasPrev    bool
	NumMatched *int64
}

// each runs the page query and calls fn for each row as it arrives, in
// key order. A page after a cursor (or the first page) asks for limit+1
// rows: one more means a next page. A page before a cursor takes the
// limit+1 keys just below it in descending order and returns them
// ascending; one more means a previous page, and the extra row is skipped.
func (q *itemsQuery) each(ctx context.Context, pool *pgxpool.Pool, fn func(row) error) (page, error) {
	var pg page
	c := q.c
	args := &cql2.Args{}
	from, err := c.from(ctx, pool, args)
	if err != nil {
		return pg, err
	}
	where, err := q.conditions(args)
	if err != nil {
		return pg, err
	}
	if c.CheapCount {
		var n int64
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+from+" WHERE "+where, append([]any{pgx.QueryExecModeExec}, args.Values...)...).Scan(&n); err != nil {
			return pg, fmt.Errorf("count %s: %w", c.ID, err)
		}
		pg.NumMatched = &n
	}
	var sql string
	switch {
	case q.before != "":
		inner := "SELECT " + c.selectList() + ", " + c.Key + " AS o FROM " + from + " WHERE " + where +
			" AND " + c.Key + " < " + args.Add(c.keyArg(q.before)) + c.keyCast() + " ORDER BY " + c.Key + " DESC LIMIT " + args.Add(q.limit+1)
		sql = "SELECT " + c.columns() + ", count(*) OVER () > " + args.Add(q.limit) + " FROM (" + inner + ") s ORDER BY o"
		pg.HasNext = true
	default:
		if q.after != "" {
			where += " AND " + c.Key + " > " + args.Add(c.keyArg(q.after)) + c.keyCast()
			pg.HasPrev = true
		}
		sql = "SELECT " + c.selectList() + ", false FROM " + from + " WHERE " + where + " ORDER BY " + c.Key + " LIMIT " + args.Add(q.limit+1)
	}
	// QueryExecModeExec plans every request with its own values: a cached
	// generic plan does not know how small a bbox is.
	rows, err := pool.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, args.Values...)...)
	if err != nil {
		return pg, fmt.Errorf("items of %s: %w", c.ID, err)
	}
	defer rows.Close()
	var extraFirst bool
	sc := newScanner(c.Fields, &extraFirst)
	var props []byte
	seen := 0
	for rows.Next() {
		if err := rows.Scan(sc.dests...); err != nil {
			return pg, fmt.Errorf("items of %s: %w", c.ID, err)
		}
		seen++
		if extraFirst && seen == 1 {
			pg.HasPrev = true // the row below the page: there is a page before
			continue
		}
		if pg.Rows == q.limit {
			pg.HasNext = true // the row above the page
			break
		}
		if pg.Rows == 0 {
			pg.First = sc.key
		}
		pg.Rows++
		pg.Last = sc.key
		props = sc.appendProps(props[:0], c.Fields)
		if err := fn(row{Key: sc.key, Geom: sc.geom, Props: props}); err != nil {
			return pg, err
		}
	}
	rows.Close()
	return pg, rows.Err()
}

// one reads the feature with key fid; ok is false when there is none.
func (c *collection) one(ctx context.Context, pool *pgxpool.Pool, fid string) (r row, ok bool, err error) {
	if !c.validKey(fid) {
		return r, false, nil
	}
	args := &cql2.Args{}
	from, err := c.from(ctx, pool, args)
	if err != nil {
		return r, false, err
	}
	where := c.Key + " = " + args.Add(c.keyArg(fid)) + c.keyCast()
	if c.Where != "" {
		where += " AND " + c.Where
	}
	sc := newScanner(c.Fields)
	err = pool.QueryRow(ctx, "SELECT "+c.selectList()+" FROM "+from+" WHERE "+where, args.Values...).Scan(sc.dests...)
	if err == pgx.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("feature %s/%s: %w", c.ID, fid, err)
	}
	return row{Key: sc.key, Geom: sc.geom, Props: sc.appendProps(nil, c.Fields)}, true, nil
}
