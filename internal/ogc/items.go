package ogc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// contentCrs is the Content-Crs header of every feature response.
const contentCrs = "<" + CRS84 + ">"

func (h *Handlers) items(c echo.Context) error {
	col, err := lookup(c)
	if err != nil {
		return err
	}
	q, err := parseItems(c, col)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if wantsHTML(c) {
		var rows []row
		pg, err := q.each(ctx, h.Pool, func(r row) error {
			// each reuses its buffers from row to row
			rows = append(rows, row{Key: r.Key, Geom: bytes.Clone(r.Geom), Props: bytes.Clone(r.Props)})
			return nil
		})
		if err != nil {
			return err
		}
		return renderHTML(c, "items", itemsPage(c, col, rows, pageLinks(c, col, pg, "html")))
	}
	c.Response().Header().Set("Content-Crs", contentCrs)
	fw := httpx.NewFeatureWriter(c)
	pg, err := q.each(ctx, h.Pool, func(r row) error {
		return fw.Write(httpx.Feature{ID: col.id(r.Key), Geometry: r.Geom, Properties: r.Props})
	})
	if err != nil {
		return err
	}
	extra := map[string]any{
		"links":          pageLinks(c, col, pg, "json"),
		"numberReturned": fw.Count(),
		"timeStamp":      time.Now().UTC().Format(time.RFC3339),
	}
	if pg.NumMatched != nil {
		extra["numberMatched"] = *pg.NumMatched
	}
	return fw.Close(extra)
}

// pageLinks are self, alternate, collection, next and prev of an items
// page in format ("json" or "html"), keeping every parameter of the
// request; next and prev replace its cursor.
func pageLinks(c echo.Context, col *collection, pg page, format string) []link {
	base := root(c) + "/collections/" + col.ID + "/items"
	href := func(f string, cursor ...string) string {
		v := url.Values{}
		for k, vs := range c.QueryParams() {
			v[k] = append([]string(nil), vs...)
		}
		v.Del("f")
		if f == "html" {
			v.Set("f", "html")
		}
		if len(cursor) == 2 {
			v.Del("after")
			v.Del("before")
			v.Set(cursor[0], cursor[1])
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	}
	self, other, otherF, otherName := httpx.GeoJSONContentType, htmlType, "html", "HTML"
	if format == "html" {
		self, other, otherF, otherName = htmlType, httpx.GeoJSONContentType, "json", "GeoJSON"
	}
	links := []link{
		{href(format), "self", self, "this page"},
		{href(otherF), "alternate", other, "this page as " + otherName},
		{root(c) + "/collections/" + col.ID, "collection", jsonType, "the collection"},
	}
	if pg.HasNext && pg.Rows > 0 {
		links = append(links, link{href(format, "after", pg.Last), "next", self, "next page"})
	}
	if pg.HasPrev && pg.Rows > 0 {
		links = append(links, link{href(format, "before", pg.First), "prev", self, "previous page"})
	}
	return links
}

// feature is one GeoJSON feature with its links.
type feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	Links      []link          `json:"links"`
}

func (h *Handlers) item(c echo.Context) error {
	col, err := lookup(c)
	if err != nil {
		return err
	}
	if err := httpx.CheckQuery(c, "f", "crs"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	if v := c.QueryParam("crs"); v != "" && v != CRS84 {
		return httpx.Invalid("crs", "\""+v+"\" is not supported; the only CRS is "+CRS84)
	}
	fid := c.Param("fid")
	r, ok, err := col.one(c.Request().Context(), h.Pool, fid)
	if err != nil {
		return err
	}
	if !ok {
		p := httpx.NotFound("no feature " + fid + " in collection " + col.ID)
		p.Errors = []httpx.FieldError{{Field: "featureId", Reason: "unknown feature"}}
		return p
	}
	u := root(c) + "/collections/" + col.ID + "/items/" + url.PathEscape(fid)
	f := feature{Type: "Feature", ID: col.id(r.Key), Geometry: r.Geom, Properties: r.Props, Links: []link{
		{u, "self", httpx.GeoJSONContentType, "this feature"},
		{u + "?f=html", "alternate", htmlType, "this feature as HTML"},
		{root(c) + "/collections/" + col.ID, "collection", jsonType, "the collection"},
	}}
	if wantsHTML(c) {
		return renderHTML(c, "item", itemsPage(c, col, []row{r}, f.Links))
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Crs", contentCrs)
	return c.Blob(http.StatusOK, httpx.GeoJSONContentType, b)
}
