package tiles

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// Tile is a tile address in the web-mercator tiling scheme (XYZ, y down).
type Tile struct{ Z, X, Y int }

// parseTile reads z, x and y (y with its ".mvt" suffix) and checks them
// against the zoom's range and the layer's zooms.
func parseTile(l Layer, zs, xs, ys string) (Tile, error) {
	var t Tile
	z, err := strconv.Atoi(zs)
	if err != nil {
		return t, httpx.Invalid("z", fmt.Sprintf("%q is not a whole number", zs))
	}
	if z < l.MinZoom || z > l.MaxZoom {
		return t, httpx.Invalid("z", fmt.Sprintf("%d is outside layer %s's zooms %d to %d", z, l.Name, l.MinZoom, l.MaxZoom))
	}
	n := 1 << z
	for _, p := range []struct {
		name, raw string
		dst       *int
	}{{"x", xs, &t.X}, {"y", ys, &t.Y}} {
		v, err := strconv.Atoi(p.raw)
		if err != nil {
			return t, httpx.Invalid(p.name, fmt.Sprintf("%q is not a whole number", p.raw))
		}
		if v < 0 || v >= n {
			return t, httpx.Invalid(p.name, fmt.Sprintf("%d is outside 0 to %d at zoom %d", v, n-1, z))
		}
		*p.dst = v
	}
	t.Z = z
	return t, nil
}

// Filter is the problems' filter of the map page.
type Filter struct {
	Categories []string
	Statuses   []string
	Sources    []string
	From, To   *time.Time // reported_at in [From, To)
	DueBefore  *time.Time // with a handler and due_at < DueBefore
}

var filterParams = []string{"category", "status", "source", "from", "to", "due_before"}

// parseFilter reads the filter of a problems or heat tile; other layers
// take no query parameters.
func parseFilter(c echo.Context, l Layer) (Filter, error) {
	var f Filter
	if !l.filtered() {
		return f, httpx.CheckQuery(c)
	}
	if err := httpx.CheckQuery(c, filterParams...); err != nil {
		return f, err
	}
	var err error
	if f.Categories, err = csvList(c, "category", nil); err != nil {
		return f, err
	}
	if f.Statuses, err = csvList(c, "status", problem.Statuses); err != nil {
		return f, err
	}
	if f.Sources, err = csvList(c, "source", problem.Sources); err != nil {
		return f, err
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To, "due_before": &f.DueBefore} {
		if t, ok, err := httpx.QueryTime(c, name); err != nil {
			return f, err
		} else if ok {
			*dst = &t
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, httpx.Invalid("to", "is not after from")
	}
	return f, nil
}

// csvList reads a comma-separated list; allowed nil takes any non-empty value.
func csvList(c echo.Context, name string, allowed []string) ([]string, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return nil, nil
	}
	var out []string
	for _, s := range strings.Split(raw, ",") {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > 100 {
			return nil, httpx.Invalid(name, "want a comma-separated list of values")
		}
		if allowed != nil && !slices.Contains(allowed, s) {
			return nil, httpx.Invalid(name, fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", ")))
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// query is the filter in canonical form, for ETags and TileJSON URLs.
func (f Filter) query() string {
	q := url.Values{}
	if len(f.Categories) > 0 {
		q.Set("category", strings.Join(f.Categories, ","))
	}
	if len(f.Statuses) > 0 {
		q.Set("status", strings.Join(f.Statuses, ","))
	}
	if len(f.Sources) > 0 {
		q.Set("source", strings.Join(f.Sources, ","))
	}
	for name, t := range map[string]*time.Time{"from": f.From, "to": f.To, "due_before": f.DueBefore} {
		if t != nil {
			q.Set(name, t.UTC().Format(time.RFC3339Nano))
		}
	}
	return q.Encode()
}

// where is the filter as SQL conditions on problems p, its values
// appended to args as parameters.
func (f Filter) where(args []any) (string, []any) {
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	conds := []string{}
	if len(f.Categories) > 0 {
		conds = append(conds, "p.category_code = ANY("+arg(f.Categories)+"::text[])")
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status::text = ANY("+arg(f.Statuses)+"::text[])")
	}
	if len(f.Sources) > 0 {
		conds = append(conds, "p.source = ANY("+arg(f.Sources)+"::text[])")
	}
	if f.From != nil {
		conds = append(conds, "p.reported_at >= "+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, "p.reported_at < "+arg(*f.To))
	}
	if f.DueBefore != nil {
		conds = append(conds, "p.status IN ('dispatched', 'in_progress') AND p.due_at < "+arg(*f.DueBefore))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " AND " + strings.Join(conds, " AND "), args
}
