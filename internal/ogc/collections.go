package ogc

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// gregorian is the temporal reference system of temporal extents.
const gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

func (h *Handlers) collections(c echo.Context) error {
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	r := root(c)
	list := make([]map[string]any, 0, len(catalog))
	for _, col := range catalog {
		d, err := h.describe(c.Request().Context(), r, col)
		if err != nil {
			return err
		}
		list = append(list, d)
	}
	doc := map[string]any{
		"links": []link{
			{r + "/collections", "self", jsonType, "the collections"},
			{r + "/collections?f=html", "alternate", htmlType, "the collections as HTML"},
		},
		"collections": list,
		"crs":         []string{CRS84},
	}
	if wantsHTML(c) {
		return renderHTML(c, "collections", doc)
	}
	return c.JSON(http.StatusOK, doc)
}

func (h *Handlers) collection(c echo.Context) error {
	col, err := lookup(c)
	if err != nil {
		return err
	}
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	d, err := h.describe(c.Request().Context(), root(c), col)
	if err != nil {
		return err
	}
	if wantsHTML(c) {
		return renderHTML(c, "collection", d)
	}
	return c.JSON(http.StatusOK, d)
}

// describe is a collection's metadata with its extent from the data.
func (h *Handlers) describe(ctx context.Context, r string, col *collection) (map[string]any, error) {
	u := r + "/collections/" + col.ID
	d := map[string]any{
		"id": col.ID, "title": col.Title, "description": col.Description,
		"itemType": "feature", "crs": []string{CRS84}, "storageCrs": CRS84,
		"links": []link{
			{u, "self", jsonType, "this collection"},
			{u + "?f=html", "alternate", htmlType, "this collection as HTML"},
			{u + "/items", "items", httpx.GeoJSONContentType, "the features as GeoJSON"},
			{u + "/items?f=html", "items", htmlType, "the features as HTML"},
			{u + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", schemaType, "the queryables"},
		},
	}
	ext, err := extent(ctx, h.Pool, col)
	if err != nil {
		return nil, err
	}
	d["extent"] = ext
	return d, nil
}

// extent is the collection's bounding box and, with a time property, its
// interval, read from the data (problems' box from the planner's
// statistics when they exist: an exact box reads every point).
func extent(ctx context.Context, pool *pgxpool.Pool, col *collection) (map[string]any, error) {
	args := &cql2.Args{}
	from, err := col.from(ctx, pool, args)
	if err != nil {
		return nil, err
	}
	where := "true"
	if col.Where != "" {
		where = col.Where
	}
	var box [4]*float64
	if col.ID == "problems" {
		err = pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
			FROM (SELECT ST_EstimatedExtent('problems', 'geom')::box2d AS e) s`).Scan(&box[0], &box[1], &box[2], &box[3])
		if err != nil {
			box = [4]*float64{}
		}
	}
	if box[0] == nil {
		err = pool.QueryRow(ctx, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent("+col.Geom+") AS e FROM "+from+" WHERE "+where+") s",
			args.Values...).Scan(&box[0], &box[1], &box[2], &box[3])
		if err != nil {
			return nil, fmt.Errorf("extent of %s: %w", col.ID, err)
		}
	}
	bbox := []float64{-180, -90, 180, 90}
	if box[0] != nil {
		bbox = []float64{*box[0], *box[1], *box[2], *box[3]}
	}
	ext := map[string]any{"spatial": map[string]any{"bbox": [][]float64{bbox}, "crs": CRS84}}
	if col.Time != "" {
		var lo, hi *time.Time
		if err := pool.QueryRow(ctx, "SELECT min("+col.Time+"), max("+col.Time+") FROM "+from, args.Values...).Scan(&lo, &hi); err != nil {
			return nil, fmt.Errorf("temporal extent of %s: %w", col.ID, err)
		}
		ext["temporal"] = map[string]any{"interval": [][]*time.Time{{lo, hi}}, "trs": gregorian}
	}
	return ext, nil
}

func (h *Handlers) queryables(c echo.Context) error {
	col, err := lookup(c)
	if err != nil {
		return err
	}
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	props := map[string]any{
		"geometry": map[string]any{"title": "geometry", "format": col.GeomFormat, "x-ogc-role": "primary-geometry"},
	}
	for _, f := range col.Fields {
		s := map[string]any{"title": f.Title}
		switch f.Type {
		case cql2.String:
			s["type"] = "string"
		case cql2.Number:
			s["type"] = "number"
		case cql2.Integer:
			s["type"] = "integer"
		case cql2.Boolean:
			s["type"] = "boolean"
		case cql2.Timestamp:
			s["type"], s["format"] = "string", "date-time"
		}
		if f.SQL == col.Key {
			s["x-ogc-role"] = "id"
		}
		props[f.Name] = s
	}
	doc := map[string]any{
		"$schema": "https://json-schema.org/draft/2019-09/schema",
		"$id":     root(c) + "/collections/" + col.ID + "/queryables",
		"type":    "object", "title": col.Title,
		"properties":           props,
		"additionalProperties": false,
	}
	if wantsHTML(c) {
		return renderHTML(c, "queryables", map[string]any{"id": col.ID, "title": col.Title, "fields": col.Fields, "geometry": col.GeomFormat})
	}
	c.Response().Header().Set(echo.HeaderContentType, schemaType)
	return c.JSON(http.StatusOK, doc)
}
