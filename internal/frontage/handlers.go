package frontage

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// MaxBBoxDegrees is the largest box side GET /frontages serves: at city
// scale a bigger box holds thousands of units, and the map asks for them
// at street zoom only.
const MaxBBoxDegrees = 0.2

// maxImportBytes bounds an uploaded file.
const maxImportBytes = 64 << 20

// Handlers serve frontage units and their zones.
type Handlers struct {
	Pool *pgxpool.Pool
	// StreetRadiusM for uploads (default DefaultStreetRadiusM).
	StreetRadiusM float64
}

// Register mounts the routes on g (the /api/v1 group). Uploading a file
// needs a supervisor (or admin) token.
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	g.GET("/frontages", h.list)
	g.GET("/frontages/:id", h.get)
	g.POST("/frontages/import", h.importFile, guard.Require("supervisor"))
}

// list streams a FeatureCollection: each unit, then its zone.
func (h *Handlers) list(c echo.Context) error {
	if err := httpx.CheckQuery(c, "bbox", "street"); err != nil {
		return err
	}
	bbox, ok, err := httpx.QueryBBox(c, "bbox")
	if err != nil {
		return err
	}
	if !ok {
		return httpx.Invalid("bbox", fmt.Sprintf("is required: minLon,minLat,maxLon,maxLat, at most %g° × %g°", MaxBBoxDegrees, MaxBBoxDegrees))
	}
	if w, hgt := bbox.MaxLon-bbox.MinLon, bbox.MaxLat-bbox.MinLat; w > MaxBBoxDegrees+1e-9 || hgt > MaxBBoxDegrees+1e-9 {
		return httpx.Invalid("bbox", fmt.Sprintf("the box is %.4g° × %.4g°; at most %g° × %g° is served (zoom in to street level)",
			w, hgt, MaxBBoxDegrees, MaxBBoxDegrees))
	}
	f := Filter{BBox: bbox, Street: c.QueryParam("street")}
	if f.Street != "" && !streetCodePattern.MatchString(f.Street) {
		return httpx.Invalid("street", "not a street segment code")
	}
	fw := httpx.NewFeatureWriter(c)
	err = Each(c.Request().Context(), h.Pool, f, func(p Props, unit, zone json.RawMessage) error {
		id := strconv.FormatInt(p.FrontageID, 10)
		if err := fw.Write(httpx.Feature{ID: "unit:" + id, Geometry: unit, Properties: p}); err != nil {
			return err
		}
		p.Kind = "zone"
		return fw.Write(httpx.Feature{ID: "zone:" + id, Geometry: zone, Properties: p})
	})
	if err != nil {
		return err
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count()})
}

func (h *Handlers) get(c echo.Context) error {
	raw := c.Param("id")
	id, err := strconv.ParseInt(strings.TrimPrefix(raw, "unit:"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.Invalid("id", "a frontage id is a positive number")
	}
	d, geom, err := Get(c.Request().Context(), h.Pool, id)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no frontage unit with id " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	b, err := json.Marshal(httpx.Feature{Type: "Feature", ID: "unit:" + strconv.FormatInt(id, 10), Geometry: geom, Properties: d})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, httpx.GeoJSONContentType)
	return c.JSONBlob(http.StatusOK, b)
}

// importFile loads the request body: text/csv as ImportCSV reads it,
// application/geo+json (or application/json) as ImportGeoJSON does. The
// answer is the Result, or a 422 listing every rejection.
func (h *Handlers) importFile(c echo.Context) error {
	if err := httpx.CheckQuery(c); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	load := ImportGeoJSON
	switch mt {
	case "text/csv":
		load = ImportCSV
	case "application/geo+json", "application/json":
	default:
		p := httpx.NewProblem(http.StatusUnsupportedMediaType, "send text/csv or application/geo+json")
		p.Errors = []httpx.FieldError{{Field: "Content-Type", Reason: fmt.Sprintf("%q is not text/csv or application/geo+json", mt)}}
		return p
	}
	opt := Options{StreetRadiusM: h.StreetRadiusM, Actor: "import"}
	if p, ok := auth.From(c); ok {
		opt.Actor = "import by " + p.Name
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBytes)
	res, err := load(c.Request().Context(), h.Pool, body, opt)
	var rej *RejectedError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &rej):
		errs := make([]httpx.FieldError, len(rej.Rejections))
		for i, r := range rej.Rejections {
			errs[i] = httpx.FieldError{Field: r.Where(), Reason: r.Reason}
		}
		rows, _ := rej.Rows()
		httpx.CountImport(c, "frontages", rej.Read, rows)
		// Each rejection is listed once (in errors), the first
		// httpx.MaxListed of them, with the count of all.
		p := httpx.UnprocessableList(errs)
		p.Detail = fmt.Sprintf("%d of %d rows rejected (%d reasons), nothing written; the first: %s", rows, rej.Read, len(errs), rej.Rejections[0])
		p.Extra["read"] = rej.Read
		p.Extra["rejected_rows"] = rows
		return p
	case errors.As(err, &tooBig):
		return httpx.NewProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the file is larger than %d MB", maxImportBytes>>20))
	case err != nil:
		return err
	}
	httpx.CountImport(c, "frontages", res.Read, 0)
	return c.JSON(http.StatusOK, res)
}
