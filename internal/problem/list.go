package problem

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Cursor is a keyset position in the newest-first order.
type Cursor struct {
	ReportedAt time.Time
	ID         int64
}

// String encodes the cursor for a next link.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.ReportedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)))
}

// ParseCursor decodes a cursor from a next link.
func ParseCursor(s string) (Cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false
	}
	ts, id, ok := strings.Cut(string(b), "|")
	t, err1 := time.Parse(time.RFC3339Nano, ts)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return Cursor{}, false
	}
	return Cursor{t, n}, true
}

// Filter selects problems for a list.
type Filter struct {
	Statuses []string
	Category string
	Area     string // any level's code
	Source   string
	Overdue  *bool
	Light    string
	Unmapped *bool
	BBox     *httpx.BBox
	From, To *time.Time // reported_at in [From, To)
	Limit    int
	After    *Cursor
	// As is who asks: reporter contacts appear where their scope covers
	// the problem; Mine keeps only those problems.
	As   auth.Principal
	Mine bool
}

// where returns the WHERE clause, the caller's scope expression (for the
// contact columns) and their arguments.
func (f Filter) where() (string, string, []any) {
	conds := []string{"true"}
	var a auth.Args
	arg := a.Arg
	scope := f.As.ProblemScope("p", &a)
	if f.Mine {
		conds = append(conds, scope)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status::text = ANY("+arg(f.Statuses)+")")
	}
	if f.Category != "" {
		conds = append(conds, "p.category_code = "+arg(f.Category))
	}
	if f.Area != "" {
		n := arg(f.Area)
		conds = append(conds, fmt.Sprintf("(p.grid_code = %[1]s OR p.community_code = %[1]s OR p.subdistrict_code = %[1]s OR p.district_code = %[1]s)", n))
	}
	if f.Source != "" {
		conds = append(conds, "p.source = "+arg(f.Source))
	}
	if f.Overdue != nil {
		conds = append(conds, overdueSQL+" = "+arg(*f.Overdue))
	}
	if f.Light != "" {
		conds = append(conds, "("+lightSQL+") = "+arg(f.Light))
	}
	if f.Unmapped != nil {
		conds = append(conds, "(p.grid_code IS NULL) = "+arg(*f.Unmapped))
	}
	if f.BBox != nil {
		conds = append(conds, fmt.Sprintf("p.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
			arg(f.BBox.MinLon), arg(f.BBox.MinLat), arg(f.BBox.MaxLon), arg(f.BBox.MaxLat)))
	}
	if f.From != nil {
		conds = append(conds, "p.reported_at >= "+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, "p.reported_at < "+arg(*f.To))
	}
	if f.After != nil {
		conds = append(conds, fmt.Sprintf("(p.reported_at, p.id) < (%s, %s)", arg(f.After.ReportedAt), arg(f.After.ID)))
	}
	return " WHERE " + strings.Join(conds, " AND "), scope, a.List
}

// Each calls fn for up to f.Limit problems, newest first, as rows arrive,
// and returns the cursor of the next page (nil on the last page).
func Each(ctx context.Context, pool *pgxpool.Pool, f Filter, fn func(Problem) error) (*Cursor, error) {
	where, scope, args := f.where()
	args = append(args, f.Limit+1)
	rows, err := pool.Query(ctx, `SELECT `+problemCols+contactCols(scope)+` `+problemFrom+where+
		` ORDER BY p.reported_at DESC, p.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	defer rows.Close()
	n := 0
	var last Problem
	for rows.Next() {
		p, err := scanProblem(rows)
		if err != nil {
			return nil, fmt.Errorf("scan problem: %w", err)
		}
		n++
		if n > f.Limit {
			rows.Close()
			return &Cursor{last.ReportedAt, last.ID}, rows.Err()
		}
		last = p
		if err := fn(p); err != nil {
			return nil, err
		}
	}
	return nil, rows.Err()
}

// NextCursor finds the next page's cursor before a page is streamed, for
// responses that must announce it in a header (CSV's Link): the key of the
// Limit-th row, when a row follows it.
func NextCursor(ctx context.Context, pool *pgxpool.Pool, f Filter) (*Cursor, error) {
	where, _, args := f.where()
	args = append(args, f.Limit-1)
	rows, err := pool.Query(ctx, `SELECT p.reported_at, p.id `+problemFrom+where+
		` ORDER BY p.reported_at DESC, p.id DESC OFFSET $`+strconv.Itoa(len(args))+` LIMIT 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("next page: %w", err)
	}
	defer rows.Close()
	var keys []Cursor
	for rows.Next() {
		var c Cursor
		if err := rows.Scan(&c.ReportedAt, &c.ID); err != nil {
			return nil, fmt.Errorf("next page: %w", err)
		}
		keys = append(keys, c)
	}
	if err := rows.Err(); err != nil || len(keys) < 2 {
		return nil, err
	}
	return &keys[0], nil
}
