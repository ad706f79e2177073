package qa

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/places"
)

// Handlers serve the QA report.
type Handlers struct{ Pool *pgxpool.Pool }

// Register mounts GET /qa on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group) { g.GET("/qa", h.report) }

// report streams findings as a GeoJSON FeatureCollection; each feature's
// properties are the finding, with numberReturned and counts by type at
// the end.
func (h *Handlers) report(c echo.Context) error {
	if err := httpx.CheckQuery(c, "parent", "type", "at"); err != nil {
		return err
	}
	s := Scope{Parent: c.QueryParam("parent"), At: time.Now()}
	ctx := c.Request().Context()
	if s.Parent != "" {
		ok, err := places.AreaExists(ctx, h.Pool, s.Parent)
		if err != nil {
			return err
		}
		if !ok {
			p := httpx.NotFound("no area with code " + s.Parent)
			p.Errors = []httpx.FieldError{{Field: "parent", Reason: "unknown area code"}}
			return p
		}
	}
	types, reason := ParseTypes(c.QueryParam("type"))
	if reason != "" {
		return httpx.Invalid("type", reason)
	}
	s.Types = types
	if at, ok, err := httpx.QueryTime(c, "at"); err != nil {
		return err
	} else if ok {
		s.At = at
	}
	counts := map[string]int{}
	fw := httpx.NewFeatureWriter(c)
	err := Each(ctx, h.Pool, s, func(f Finding) error {
		counts[f.Type]++
		return fw.Write(httpx.Feature{Geometry: f.Geometry, Properties: f})
	})
	if err != nil {
		return err
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count(), "counts": counts})
}
