package ogc

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve OGC API – Features.
type Handlers struct {
	Pool *pgxpool.Pool
}

// Register mounts /ogc and everything under it on e.
func (h *Handlers) Register(e *echo.Echo) {
	g := e.Group("/ogc")
	g.GET("", h.landing)
	g.GET("/api", h.api)
	g.GET("/conformance", h.conformance)
	g.GET("/collections", h.collections)
	g.GET("/collections/:id", h.collection)
	g.GET("/collections/:id/items", h.items)
	g.GET("/collections/:id/items/:fid", h.item)
	g.GET("/collections/:id/queryables", h.queryables)
}

// link is an OGC API link.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

const (
	jsonType    = "application/json"
	htmlType    = "text/html"
	openAPIType = "application/vnd.oai.openapi+json;version=3.0"
	schemaType  = "application/schema+json"
)

// root is the absolute URL of /ogc as the client reached it.
func root(c echo.Context) string { return c.Scheme() + "://" + c.Request().Host + "/ogc" }

// conformanceClasses are the classes implemented, exactly.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/property-property",
}

func (h *Handlers) landing(c echo.Context) error {
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	r := root(c)
	api := c.Scheme() + "://" + c.Request().Host + "/api"
	doc := map[string]any{
		"title":       "Gridkeeper OGC API – Features",
		"description": "Districts, sub-districts, communities, grids, streets, frontage units, problems and heat cells of Gridkeeper (网格化管理) as OGC API – Features with CQL2 filtering.",
		"links": []link{
			{r, "self", jsonType, "this document"},
			{r + "?f=html", "alternate", htmlType, "this document as HTML"},
			{r + "/api", "service-desc", openAPIType, "the OpenAPI 3.0 definition of this API (paths relative to /ogc)"},
			{api, "service-desc", openAPIType, "the OpenAPI 3.0 definition of all of Gridkeeper"},
			{api + ".html", "service-doc", htmlType, "the API documentation"},
			{r + "/conformance", "conformance", jsonType, "conformance classes implemented"},
			{r + "/collections", "data", jsonType, "the collections"},
		},
	}
	if wantsHTML(c) {
		return renderHTML(c, "landing", doc)
	}
	return c.JSON(http.StatusOK, doc)
}

func (h *Handlers) conformance(c echo.Context) error {
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	doc := map[string]any{"conformsTo": conformanceClasses}
	if wantsHTML(c) {
		return renderHTML(c, "conformance", doc)
	}
	return c.JSON(http.StatusOK, doc)
}

// lookup finds the collection named in the path, or a 404.
func lookup(c echo.Context) (*collection, error) {
	col := byID(c.Param("id"))
	if col == nil {
		p := httpx.NotFound("no collection " + c.Param("id") + "; see /ogc/collections")
		p.Errors = []httpx.FieldError{{Field: "collectionId", Reason: "unknown collection"}}
		return nil, p
	}
	return col, nil
}
