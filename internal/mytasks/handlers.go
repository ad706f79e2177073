package mytasks

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Who says which person a request acts for.
type Who interface {
	Person(c echo.Context) (int64, error)
}

// QueryPerson is the interim Who: the `person` parameter, an active
// person's id.
type QueryPerson struct{ Pool *pgxpool.Pool }

// Person reads and checks the `person` parameter.
func (q QueryPerson) Person(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.QueryParam("person"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.Invalid("person", "give the id of the person whose tasks to list")
	}
	var active bool
	err = q.Pool.QueryRow(c.Request().Context(), `SELECT active FROM people WHERE id = $1`, id).Scan(&active)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, httpx.NotFound("no person " + c.QueryParam("person"))
	}
	if err != nil {
		return 0, err
	}
	if !active {
		return 0, httpx.Invalid("person", "person "+c.QueryParam("person")+" is not active")
	}
	return id, nil
}

// Handlers serve the worklist.
type Handlers struct {
	Pool *pgxpool.Pool
	Who  Who // nil: QueryPerson
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	if h.Who == nil {
		h.Who = QueryPerson{Pool: h.Pool}
	}
	staff := guard.Require("supervisor", "dispatcher", "officer")
	g.GET("/my/tasks", h.tasks, staff)
	g.GET("/my/rechecks", h.rechecks, staff)
}

// position reads the phone's optional lon/lat.
func position(c echo.Context) (*[2]float64, error) {
	if c.QueryParam("lon") == "" && c.QueryParam("lat") == "" {
		return nil, nil
	}
	lon, err := strconv.ParseFloat(c.QueryParam("lon"), 64)
	if err != nil || math.IsNaN(lon) || lon < -180 || lon > 180 {
		return nil, httpx.Invalid("lon", "want a longitude in [-180, 180] (with lat)")
	}
	lat, err := strconv.ParseFloat(c.QueryParam("lat"), 64)
	if err != nil || math.IsNaN(lat) || lat < -90 || lat > 90 {
		return nil, httpx.Invalid("lat", "want a latitude in [-90, 90] (with lon)")
	}
	return &[2]float64{lon, lat}, nil
}

func (h *Handlers) tasks(c echo.Context) error {
	if err := httpx.CheckQuery(c, "person", "lon", "lat"); err != nil {
		return err
	}
	person, err := h.Who.Person(c)
	if err != nil {
		return err
	}
	at, err := position(c)
	if err != nil {
		return err
	}
	list, err := Tasks(c.Request().Context(), h.Pool, person, at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"person_id": person, "tasks": list})
}

func (h *Handlers) rechecks(c echo.Context) error {
	if err := httpx.CheckQuery(c, "person", "lon", "lat", "days"); err != nil {
		return err
	}
	person, err := h.Who.Person(c)
	if err != nil {
		return err
	}
	at, err := position(c)
	if err != nil {
		return err
	}
	days := 3
	if raw := c.QueryParam("days"); raw != "" {
		if days, err = strconv.Atoi(raw); err != nil || days < 0 || days > 60 {
			return httpx.Invalid("days", "want a whole number of days from 0 to 60")
		}
	}
	list, err := Rechecks(c.Request().Context(), h.Pool, person, time.Now().AddDate(0, 0, days), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"person_id": person, "rechecks": list})
}
