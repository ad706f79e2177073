package tiles

import (
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// MediaType is the media type of a Mapbox vector tile.
const MediaType = "application/vnd.mapbox-vector-tile"

// Handlers serve the tiles and their TileJSON.
type Handlers struct {
	Pool *pgxpool.Pool
	// CacheBytes bounds the rendered tiles kept by ETag (see cache.go):
	// 0 is DefaultCacheBytes, a negative value keeps none.
	CacheBytes int

	cache *cache
}

// Register mounts GET /tiles/{layer}/{z}/{x}/{y}.mvt and
// GET /tiles/{layer}.json on e.
func (h *Handlers) Register(e *echo.Echo) {
	switch {
	case h.CacheBytes == 0:
		h.cache = newCache(DefaultCacheBytes)
	case h.CacheBytes > 0:
		h.cache = newCache(h.CacheBytes)
	}
	e.GET("/tiles/:layer/:z/:x/:y.mvt", h.tile)
	e.GET("/tiles/:layer.json", h.tileJSON)
}

// tile answers one tile, or 304 when the client holds its ETag.
func (h *Handlers) tile(c echo.Context) error {
	l, ok := layerByName(c.Param("layer"))
	if !ok {
		return httpx.NotFound("no tile layer " + c.Param("layer") + "; layers: " + layerNames())
	}
	ys, ok := strings.CutSuffix(c.Param("y.mvt"), ".mvt")
	if !ok {
		return httpx.NotFound("tiles are {z}/{x}/{y}.mvt")
	}
	t, err := parseTile(l, c.Param("z"), c.Param("x"), ys)
	if err != nil {
		return err
	}
	f, err := parseFilter(c, l)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tag, err := ETag(ctx, h.Pool, l, t, f)
	if err != nil {
		return err
	}
	if notModified(c, tag) {
		return nil
	}
	b, ok := h.cache.get(tag)
	if !ok {
		if b, err = Render(ctx, h.Pool, l, t, f); err != nil {
			return err
		}
		h.cache.put(tag, b)
	}
	return c.Blob(http.StatusOK, MediaType, b)
}

// tileJSON answers a layer's TileJSON; the problem filters given are
// carried into its tile URL.
func (h *Handlers) tileJSON(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("layer.json"), ".json")
	l, found := layerByName(name)
	if !ok || !found {
		return httpx.NotFound("no tile layer " + name + "; layers: " + layerNames())
	}
	f, err := parseFilter(c, l)
	if err != nil {
		return err
	}
	u := c.Scheme() + "://" + c.Request().Host + "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt"
	if q := f.query(); q != "" {
		u += "?" + q
	}
	doc, err := Describe(c.Request().Context(), h.Pool, l, u)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, doc)
}

func layerNames() string {
	names := make([]string, len(Layers))
	for i, l := range Layers {
		names[i] = l.Name
	}
	return strings.Join(names, ", ")
}
