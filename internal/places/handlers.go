package places

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve areas, streets and locate.
type Handlers struct {
	Pool          *pgxpool.Pool
	StreetRadiusM float64
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group) {
	g.GET("/areas", h.listAreas)
	g.GET("/areas/:code", h.getArea)
	g.GET("/streets", h.listStreets)
	g.GET("/locate", h.locate)
}

func (h *Handlers) listAreas(c echo.Context) error {
	if err := httpx.CheckQuery(c, "level", "parent", "bbox"); err != nil {
		return err
	}
	level, err := httpx.QueryEnum(c, "level", Levels...)
	if err != nil {
		return err
	}
	f := AreaFilter{Level: level, Parent: c.QueryParam("parent")}
	if bbox, ok, err := httpx.QueryBBox(c, "bbox"); err != nil {
		return err
	} else if ok {
		f.BBox = &bbox
	}
	ctx := c.Request().Context()
	if f.Parent != "" {
		if !codePattern.MatchString(f.Parent) {
			return httpx.Invalid("parent", "an area code has 6, 9, 12 or 15 digits")
		}
		ok, err := AreaExists(ctx, h.Pool, f.Parent)
		if err != nil {
			return err
		}
		if !ok {
			p := httpx.NotFound("no area with code " + f.Parent)
			p.Errors = []httpx.FieldError{{Field: "parent", Reason: "unknown area code"}}
			return p
		}
	}
	fw := httpx.NewFeatureWriter(c)
	err = EachArea(ctx, h.Pool, f, func(p AreaProps, geom json.RawMessage) error {
		return fw.Write(httpx.Feature{ID: p.Code, Geometry: geom, Properties: p})
	})
	if err != nil {
		return err
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count()})
}

func (h *Handlers) getArea(c echo.Context) error {
	code := c.Param("code")
	if !codePattern.MatchString(code) {
		return httpx.Invalid("code", "an area code has 6, 9, 12 or 15 digits")
	}
	d, geom, err := GetArea(c.Request().Context(), h.Pool, code)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no area with code " + code)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, httpx.GeoJSONContentType)
	return c.JSONBlob(http.StatusOK, mustJSON(httpx.Feature{Type: "Feature", ID: d.Code, Geometry: geom, Properties: d}))
}

func (h *Handlers) listStreets(c echo.Context) error {
	if err := httpx.CheckQuery(c, "bbox"); err != nil {
		return err
	}
	bbox, ok, err := httpx.QueryBBox(c, "bbox")
	if err != nil {
		return err
	}
	var bp *httpx.BBox
	if ok {
		bp = &bbox
	}
	fw := httpx.NewFeatureWriter(c)
	err = EachStreet(c.Request().Context(), h.Pool, bp, func(p StreetProps, geom json.RawMessage) error {
		return fw.Write(httpx.Feature{ID: p.Code, Geometry: geom, Properties: p})
	})
	if err != nil {
		return err
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count()})
}

func (h *Handlers) locate(c echo.Context) error {
	if err := httpx.CheckQuery(c, "lon", "lat"); err != nil {
		return err
	}
	lon, err := httpx.QueryFloat(c, "lon", -180, 180)
	if err != nil {
		return err
	}
	lat, err := httpx.QueryFloat(c, "lat", -90, 90)
	if err != nil {
		return err
	}
	loc, err := Locate(c.Request().Context(), h.Pool, lon, lat, h.StreetRadiusM)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, loc)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
