package ogc

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// CRS84 is the only coordinate reference system served: longitude,
// latitude on WGS 84, as GeoJSON has it.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// Paging limits.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// itemsQuery is a parsed items request.
type itemsQuery struct {
	c             *collection
	limit         int
	bbox          *httpx.BBox
	from, to      *time.Time // datetime: t >= from AND t <= to
	instant       *time.Time // datetime: an instant
	filter        cql2.Expr
	eq            []eqFilter // property=value parameters
	after, before string     // keyset cursors (the key as text)
}

type eqFilter struct {
	f     field
	value any
}

// itemsParams are the parameters an items request may carry besides the
// collection's queryables.
var itemsParams = []string{"limit", "bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "crs", "f", "after", "before"}

func parseItems(c echo.Context, col *collection) (*itemsQuery, error) {
	q := &itemsQuery{c: col, limit: DefaultLimit}
	params := c.QueryParams()
	for k := range params {
		if contains(itemsParams, k) {
			continue
		}
		if _, ok := col.field(k); !ok {
			return nil, httpx.Invalid(k, "unknown query parameter; items take "+strings.Join(itemsParams, ", ")+" and the queryables "+strings.Join(fieldNames(col), ", "))
		}
	}
	if err := checkFormat(c); err != nil {
		return nil, err
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return nil, httpx.Invalid("limit", fmt.Sprintf("%q is not a whole number", raw))
		}
		if n < 1 || n > MaxLimit {
			return nil, httpx.Invalid("limit", fmt.Sprintf("%d is outside 1–%d", n, MaxLimit))
		}
		q.limit = n
	}
	for _, name := range []string{"crs", "bbox-crs", "filter-crs"} {
		if v := c.QueryParam(name); v != "" && v != CRS84 {
			return nil, httpx.Invalid(name, fmt.Sprintf("%q is not supported; the only CRS is %s", v, CRS84))
		}
	}
	if b, ok, err := httpx.QueryBBox(c, "bbox"); err != nil {
		return nil, err
	} else if ok {
		q.bbox = &b
	}
	if raw := c.QueryParam("datetime"); raw != "" {
		if col.Time == "" {
			return nil, httpx.Invalid("datetime", "collection "+col.ID+" has no time property to filter")
		}
		if err := q.parseDatetime(raw); err != nil {
			return nil, err
		}
	}
	// cql-text is the draft's name, which GDAL 3.6 sends; its filters are
	// CQL2 text.
	if lang := c.QueryParam("filter-lang"); lang != "" && lang != "cql2-text" && lang != "cql-text" {
		return nil, httpx.Invalid("filter-lang", fmt.Sprintf("%q is not supported; use cql2-text", lang))
	}
	if raw, ok := params["filter"]; ok {
		e, err := cql2.Parse(raw[0])
		if err != nil {
			return nil, filterError(err)
		}
		// Compile once now so that unknown queryables are a 400 before
		// anything is written; the query compiles it again into its SQL.
		if _, err := cql2.ToSQL(e, col.queryables(), &cql2.Args{}); err != nil {
			return nil, filterError(err)
		}
		q.filter = e
	}
	for _, f := range col.Fields {
		raw := c.QueryParam(f.Name)
		if _, present := params[f.Name]; !present {
			continue
		}
		v, err := fieldValue(f, raw)
		if err != nil {
			return nil, httpx.Invalid(f.Name, err.Error())
		}
		q.eq = append(q.eq, eqFilter{f, v})
	}
	q.after, q.before = c.QueryParam("after"), c.QueryParam("before")
	if q.after != "" && q.before != "" {
		return nil, httpx.Invalid("before", "give after or before, not both")
	}
	for name, v := range map[string]string{"after": q.after, "before": q.before} {
		if v != "" && !col.validKey(v) {
			return nil, httpx.Invalid(name, fmt.Sprintf("%q is not a feature id of %s", v, col.ID))
		}
	}
	return q, nil
}

// codeKey is the form of every text key (area and street codes).
var codeKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// validKey reports whether key can be one of the collection's keys.
func (c *collection) validKey(key string) bool {
	if c.IntKey {
		_, err := strconv.ParseInt(key, 10, 64)
		return err == nil
	}
	return codeKey.MatchString(key)
}

func filterError(err error) error {
	var e *cql2.Error
	if errors.As(err, &e) {
		p := httpx.Invalid("filter", e.Error())
		p.Extra = map[string]any{"position": e.Pos}
		return p
	}
	return httpx.Invalid("filter", err.Error())
}

// parseDatetime reads an instant or an interval start/end whose open ends
// are ".." or empty (RFC 3339 with a zone).
func (q *itemsQuery) parseDatetime(raw string) error {
	parse := func(s string) (*time.Time, error) {
		if s == "" || s == ".." {
			return nil, nil
		}
		t, reason := httpx.ParseTime(s)
		if reason != "" {
			return nil, httpx.Invalid("datetime", reason)
		}
		return &t, nil
	}
	start, end, interval := strings.Cut(raw, "/")
	if !interval {
		t, err := parse(raw)
		if err != nil {
			return err
		}
		if t == nil {
			return httpx.Invalid("datetime", "an instant or an interval start/end is required")
		}
		q.instant = t
		return nil
	}
	if strings.Contains(end, "/") {
		return httpx.Invalid("datetime", "an interval has one '/'")
	}
	var err error
	if q.from, err = parse(start); err != nil {
		return err
	}
	if q.to, err = parse(end); err != nil {
		return err
	}
	if q.from == nil && q.to == nil {
		return httpx.Invalid("datetime", "an interval needs at least one end")
	}
	if q.from != nil && q.to != nil && q.from.After(*q.to) {
		return httpx.Invalid("datetime", "the interval starts after it ends")
	}
	return nil
}

func fieldValue(f field, raw string) (any, error) {
	switch f.Type {
	case cql2.Number, cql2.Integer:
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", raw)
		}
		return v, nil
	case cql2.Timestamp:
		t, reason := httpx.ParseTime(raw)
		if reason != "" {
			return nil, errors.New(reason)
		}
		return t, nil
	}
	return raw, nil
}

// checkFormat refuses an f other than json and html.
func checkFormat(c echo.Context) error {
	_, err := httpx.QueryEnum(c, "f", "json", "html")
	return err
}

// wantsHTML: f=html, or a browser's Accept without f.
func wantsHTML(c echo.Context) bool {
	switch c.QueryParam("f") {
	case "html":
		return true
	case "json":
		return false
	}
	acc := c.Request().Header.Get("Accept")
	return strings.Contains(acc, "text/html")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func fieldNames(col *collection) []string {
	names := make([]string, len(col.Fields))
	for i, f := range col.Fields {
		names[i] = f.Name
	}
	return names
}
