package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Entry is one row of the log.
type Entry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	TokenID  *int64          `json:"token_id"`
	PersonID *int64          `json:"person_id"`
	Client   *string         `json:"client"`
	Action   string          `json:"action"`
	Object   string          `json:"object"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// Filter selects entries, newest first.
type Filter struct {
	Object   string // "problem:12" exactly, or a kind ("problem") for all of them
	Actor    string // a token name, or token:ID, person:ID, client:NAME
	From, To *time.Time
	Before   int64 // keyset: entries with a smaller id
	Limit    int
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 5000
)

func (f Filter) where() (string, []any) {
	conds := []string{"true"}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Object != "" {
		if strings.Contains(f.Object, ":") {
			conds = append(conds, "object = "+arg(f.Object))
		} else {
			conds = append(conds, "starts_with(object, "+arg(f.Object+":")+")")
		}
	}
	if f.Actor != "" {
		kind, key, _ := strings.Cut(f.Actor, ":")
		n, numErr := strconv.ParseInt(key, 10, 64)
		switch {
		case kind == "token" && numErr == nil:
			conds = append(conds, "token_id = "+arg(n))
		case kind == "person" && numErr == nil:
			conds = append(conds, "person_id = "+arg(n))
		case kind == "client" && key != "":
			conds = append(conds, "client = "+arg(key))
		default:
			conds = append(conds, "actor = "+arg(f.Actor))
		}
	}
	if f.From != nil {
		conds = append(conds, "at >= "+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, "at < "+arg(*f.To))
	}
	if f.Before > 0 {
		conds = append(conds, "id < "+arg(f.Before))
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Each calls fn for up to f.Limit entries, newest first, as rows arrive,
// and returns the cursor of the next page (0 on the last).
func Each(ctx context.Context, pool *pgxpool.Pool, f Filter, fn func(Entry) error) (int64, error) {
	where, args := f.where()
	args = append(args, f.Limit+1)
	rows, err := pool.Query(ctx, `SELECT id, at, actor, token_id, person_id, client, action, object, before, after
		FROM audit_log`+where+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return 0, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	n := 0
	var last int64
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.TokenID, &e.PersonID, &e.Client, &e.Action, &e.Object, &e.Before, &e.After); err != nil {
			return 0, fmt.Errorf("scan audit: %w", err)
		}
		if n++; n > f.Limit {
			return last, nil
		}
		last = e.ID
		if err := fn(e); err != nil {
			return 0, err
		}
	}
	return 0, rows.Err()
}

// Handlers serve the log to admins.
type Handlers struct{ Pool *pgxpool.Pool }

// Guard is what the routes need from auth (kept as an interface so that
// auth may record into this package without an import cycle).
type Guard interface {
	Require(roles ...string) echo.MiddlewareFunc
}

// Register mounts GET /audit (admin only) on g.
func (h *Handlers) Register(g *echo.Group, guard Guard) {
	g.GET("/audit", h.list, guard.Require())
}

func parseFilter(c echo.Context) (Filter, error) {
	f := Filter{Limit: DefaultLimit, Object: c.QueryParam("object"), Actor: c.QueryParam("actor")}
	if err := httpx.CheckQuery(c, "object", "actor", "from", "to", "limit", "cursor"); err != nil {
		return f, err
	}
	if len(f.Object) > 200 {
		return f, httpx.Invalid("object", "longer than 200 characters")
	}
	if len(f.Actor) > 200 {
		return f, httpx.Invalid("actor", "longer than 200 characters")
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if t, ok, err := httpx.QueryTime(c, name); err != nil {
			return f, err
		} else if ok {
			*dst = &t
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, httpx.Invalid("to", "is not after from")
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > MaxLimit {
			return f, httpx.Invalid("limit", fmt.Sprintf("want a number from 1 to %d", MaxLimit))
		}
		f.Limit = n
	}
	if raw := c.QueryParam("cursor"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			return f, httpx.Invalid("cursor", "want the cursor of a next link")
		}
		f.Before = n
	}
	return f, nil
}

func nextLink(c echo.Context, cur int64) string {
	if cur == 0 {
		return ""
	}
	q := c.Request().URL.Query()
	q.Set("cursor", strconv.FormatInt(cur, 10))
	return (&url.URL{Path: c.Request().URL.Path, RawQuery: q.Encode()}).String()
}

// list streams a page as JSON ({"items": [...], "links": [...]}) or CSV.
func (h *Handlers) list(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/csv") {
		return h.listCSV(c, f)
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	w.Write([]byte(`{"items":[`))
	n := 0
	next, err := Each(ctx, h.Pool, f, func(e Entry) error {
		if n > 0 {
			w.Write([]byte(","))
		}
		n++
		return enc.Encode(e)
	})
	if err != nil {
		return err // the status is sent; the connection is cut and the client sees broken JSON
	}
	links := []map[string]string{}
	if l := nextLink(c, next); l != "" {
		links = append(links, map[string]string{"rel": "next", "href": l, "type": echo.MIMEApplicationJSON})
	}
	tail, _ := json.Marshal(map[string]any{"numberReturned": n, "links": links})
	w.Write([]byte("],"))
	w.Write(tail[1:])
	return nil
}

func (h *Handlers) listCSV(c echo.Context, f Filter) error {
	ctx := c.Request().Context()
	next, err := nextCursor(ctx, h.Pool, f)
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	if l := nextLink(c, next); l != "" {
		w.Header().Set("Link", "<"+l+`>; rel="next"`)
	}
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("\uFEFF"))
	cw := httpx.NewCSVWriter(w) // cells safe from formula injection, as every CSV export
	cw.Write([]string{"id", "at", "actor", "token_id", "person_id", "client", "action", "object", "before", "after"})
	_, err = Each(ctx, h.Pool, f, func(e Entry) error {
		return cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), e.Actor, num(e.TokenID), num(e.PersonID),
			deref(e.Client), e.Action, e.Object, string(e.Before), string(e.After)})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// nextCursor finds the next page's cursor before the page is streamed
// (CSV announces it in a Link header): the id of the Limit-th row when a
// row follows it.
func nextCursor(ctx context.Context, pool *pgxpool.Pool, f Filter) (int64, error) {
	where, args := f.where()
	args = append(args, f.Limit-1)
	rows, err := pool.Query(ctx, `SELECT id FROM audit_log`+where+` ORDER BY id DESC OFFSET $`+strconv.Itoa(len(args))+` LIMIT 2`, args...)
	if err != nil {
		return 0, fmt.Errorf("audit next page: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) < 2 {
		return 0, err
	}
	return ids[0], nil
}

// cell escapes a text cell a spreadsheet would read as a formula (OWASP:
// a leading = + - @, tab or carriage return gets a leading quote).

func num(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
