package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// List page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

var listParams = []string{"status", "category", "area", "source", "overdue", "light", "unmapped", "bbox", "from", "to", "limit", "cursor", "mine"}

// parseFilter reads the list's query parameters.
func parseFilter(c echo.Context) (Filter, error) {
	f := Filter{Limit: DefaultLimit}
	if err := httpx.CheckQuery(c, listParams...); err != nil {
		return f, err
	}
	if raw := c.QueryParam("status"); raw != "" {
		for _, s := range strings.Split(raw, ",") {
			if !contains(Statuses, s) {
				return f, httpx.Invalid("status", fmt.Sprintf("%q is not one of %s", s, strings.Join(Statuses, ", ")))
			}
			f.Statuses = append(f.Statuses, s)
		}
	}
	f.Category = c.QueryParam("category")
	f.Area = c.QueryParam("area")
	var err error
	if f.Source, err = httpx.QueryEnum(c, "source", ListSources...); err != nil {
		return f, err
	}
	if f.Light, err = httpx.QueryEnum(c, "light", "green", "yellow", "red"); err != nil {
		return f, err
	}
	f.As, _ = auth.From(c)
	if raw := c.QueryParam("mine"); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return f, httpx.Invalid("mine", "want true or false")
		}
		f.Mine = v
	}
	for name, dst := range map[string]**bool{"overdue": &f.Overdue, "unmapped": &f.Unmapped} {
		if raw := c.QueryParam(name); raw != "" {
			v, err := strconv.ParseBool(raw)
			if err != nil {
				return f, httpx.Invalid(name, "want true or false")
			}
			*dst = &v
		}
	}
	if b, ok, err := httpx.QueryBBox(c, "bbox"); err != nil {
		return f, err
	} else if ok {
		f.BBox = &b
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
		cur, ok := ParseCursor(raw)
		if !ok {
			return f, httpx.Invalid("cursor", "not a cursor from a next link")
		}
		f.After = &cur
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextLink is this request's URL with the cursor moved on.
func nextLink(c echo.Context, cur *Cursor) string {
	if cur == nil {
		return ""
	}
	q := c.Request().URL.Query()
	q.Set("cursor", cur.String())
	return (&url.URL{Path: c.Request().URL.Path, RawQuery: q.Encode()}).String()
}

// list streams problems as GeoJSON, or as CSV when the client accepts
// text/csv; both carry the next page's link.
func (h *Handlers) list(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	if strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/csv") {
		return h.listCSV(c, f)
	}
	fw := httpx.NewFeatureWriter(c)
	next, err := Each(c.Request().Context(), h.Pool, f, func(p Problem) error {
		geom, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{round7(p.Lon), round7(p.Lat)}})
		return fw.Write(httpx.Feature{ID: p.ID, Geometry: geom, Properties: p})
	})
	if err != nil {
		return err
	}
	links := []map[string]string{}
	if l := nextLink(c, next); l != "" {
		links = append(links, map[string]string{"rel": "next", "href": l, "type": httpx.GeoJSONContentType})
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count(), "links": links})
}

var csvHeader = []string{"id", "number", "category", "category_name", "status", "light", "overdue", "source", "source_ref",
	"reported_at", "dispatched_at", "due_at", "closed_at", "lon", "lat", "district", "subdistrict", "community", "grid",
	"street", "assignee", "description", "address"}

// listCSV streams the page as CSV; the next page's link goes in a Link
// header, found before the rows are written.
func (h *Handlers) listCSV(c echo.Context, f Filter) error {
	ctx := c.Request().Context()
	next, err := NextCursor(ctx, h.Pool, f)
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set("Content-Disposition", `attachment; filename="problems.csv"`)
	if l := nextLink(c, next); l != "" {
		hdr.Set("Link", "<"+l+`>; rel="next"`)
	}
	// Spooled, so that the rows' connection is released before the
	// client reads (see httpx.Spool).
	w := httpx.NewSpool(c)
	w.Write([]byte("\uFEFF"))   // lets spreadsheet programs read UTF-8
	cw := httpx.NewCSVWriter(w) // cells safe from formula injection
	cw.Write(csvHeader)
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	_, err = Each(ctx, h.Pool, f, func(p Problem) error {
		assignee := ""
		if p.Assignee != nil {
			assignee = p.Assignee.Name
		}
		return cw.Write([]string{strconv.FormatInt(p.ID, 10), p.Number, p.Category, p.CategoryName, p.Status, deref(p.Light),
			strconv.FormatBool(p.Overdue), p.Source, deref(p.SourceRef), p.ReportedAt.Format(time.RFC3339), ts(p.DispatchedAt),
			ts(p.DueAt), ts(p.ClosedAt), strconv.FormatFloat(p.Lon, 'f', 7, 64), strconv.FormatFloat(p.Lat, 'f', 7, 64),
			deref(p.District), deref(p.Subdistrict), deref(p.Community), deref(p.Grid), deref(p.Street), assignee,
			p.Description, p.Address})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return w.Send(c, http.StatusOK, "text/csv; charset=utf-8")
}

func round7(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', 7, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

func (h *Handlers) rechecks(c echo.Context) error {
	if err := httpx.CheckQuery(c, "due_before", "area", "status", "limit"); err != nil {
		return err
	}
	var f RecheckFilter
	if t, ok, err := httpx.QueryTime(c, "due_before"); err != nil {
		return err
	} else if ok {
		f.DueBefore = &t
	}
	f.Area = c.QueryParam("area")
	var err error
	if f.Status, err = httpx.QueryEnum(c, "status", "pending", "held", "rebounded"); err != nil {
		return err
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > MaxLimit {
			return httpx.Invalid("limit", fmt.Sprintf("want a number from 1 to %d", MaxLimit))
		}
		f.Limit = n
	}
	list, err := ListRechecks(c.Request().Context(), h.Pool, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list, "numberReturned": len(list)})
}

func (h *Handlers) recordRecheck(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var b struct {
		Result   string `json:"result"`
		Note     string `json:"note"`
		PhotoURL string `json:"photo_url"`
	}
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(b.Note); n > MaxRecheckNote {
		return httpx.Unprocessable(httpx.FieldError{Field: "note", Reason: fmt.Sprintf("%d characters; the limit is %d", n, MaxRecheckNote)})
	}
	if b.PhotoURL != "" {
		if u, err := url.Parse(b.PhotoURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || len(b.PhotoURL) > 500 {
			return httpx.Unprocessable(httpx.FieldError{Field: "photo_url", Reason: "want an http(s) URL of up to 500 characters"})
		}
	}
	pr, _ := auth.From(c)
	r, rebound, err := RecordRecheck(c.Request().Context(), h.Pool, h.Settings, id, RecheckResult{Result: b.Result, Note: b.Note, PhotoURL: b.PhotoURL, Actor: pr.Name, As: pr})
	if errors.Is(err, ErrRecheckNotFound) {
		return httpx.NotFound("no re-check " + c.Param("id"))
	}
	if err != nil {
		return problem(err)
	}
	return c.JSON(http.StatusOK, map[string]any{"recheck": r, "rebound": rebound})
}
