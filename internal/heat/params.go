package heat

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// Filter says which problems a heatmap or hot spot map counts.
type Filter struct {
	Res      int    // MinRes..MaxRes; 0 until chosen from the bbox
	Category string // a category code; "" for all
	Source   string // one of problem.ListSources; "" for all
	Window          // reported in [From, To)
	BBox     *httpx.BBox
}

// parseFilter reads res, category, source, from, to and bbox. The category
// is checked against the database later (unknown: 400 too).
func parseFilter(c echo.Context, now time.Time) (Filter, error) {
	var f Filter
	if raw := c.QueryParam("res"); raw != "" {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return f, httpx.Invalid("res", fmt.Sprintf("%q is not an integer", raw))
		}
		if n < MinRes || n > MaxRes {
			return f, httpx.Invalid("res", fmt.Sprintf("%d is outside %d–%d", n, MinRes, MaxRes))
		}
		f.Res = n
	}
	if raw := c.QueryParam("category"); raw != "" {
		if len(raw) > 100 {
			return f, httpx.Invalid("category", "unknown category")
		}
		f.Category = raw
	}
	src, err := httpx.QueryEnum(c, "source", problem.ListSources...)
	if err != nil {
		return f, err
	}
	f.Source = src
	if f.Window, err = parseWindow(c, now); err != nil {
		return f, err
	}
	b, ok, err := httpx.QueryBBox(c, "bbox")
	if err != nil {
		return f, err
	}
	if ok {
		f.BBox = &b
	}
	return f, nil
}

// queryInt parses an optional integer in [lo, hi]; def when absent.
func queryInt(c echo.Context, name string, lo, hi, def int) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		return 0, httpx.Invalid(name, fmt.Sprintf("%q is not an integer", raw))
	}
	if n < lo || n > hi {
		return 0, httpx.Invalid(name, fmt.Sprintf("%d is outside %d–%d", n, lo, hi))
	}
	return n, nil
}

// queryBool parses an optional true or false.
func queryBool(c echo.Context, name string) (bool, error) {
	switch raw := c.QueryParam(name); raw {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, httpx.Invalid(name, fmt.Sprintf("%q is not true or false", raw))
	}
}

// resolve fixes the resolution (chosen from the area when the request has
// none) and refuses a request whose cells would exceed limit, with a 422
// naming res and bbox. area is the bbox, or the city's extent without one
// (nil when there are no areas: nothing to estimate).
func (f *Filter) resolve(area *httpx.BBox, limit int) error {
	if area == nil {
		if f.Res == 0 {
			f.Res = 9
		}
		return nil
	}
	if f.Res == 0 {
		f.Res = chooseRes(*area)
	}
	est := estimateCells(*area, f.Res)
	if est <= float64(limit) {
		return nil
	}
	where := "the bbox"
	if f.BBox == nil {
		where = "the city (no bbox)"
	}
	reason := fmt.Sprintf("resolution %d over %s covers about %.3g cells, more than the limit of %d cells: choose a coarser resolution or a smaller bbox",
		f.Res, where, est, limit)
	p := httpx.Unprocessable(httpx.FieldError{Field: "res", Reason: reason}, httpx.FieldError{Field: "bbox", Reason: reason})
	p.Type = "https://gridkeeper.dev/problems/too-many-cells"
	p.Title = "Too many cells"
	p.Extra = map[string]any{"cell_limit": limit, "estimated_cells": int64(est), "res": f.Res}
	return p
}
