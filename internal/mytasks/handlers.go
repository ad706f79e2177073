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

// person is whose worklist a request asks for: a person's token lists its
// own (a `person` parameter naming someone else is refused); a token
// without a person (a city desk, an admin) names the person with
// `person`, and sees their list within its own scope.
func (h *Handlers) person(c echo.Context, pr auth.Principal) (int64, error) {
	raw := c.QueryParam("person")
	if pr.PersonID != nil {
		if raw != "" && raw != strconv.FormatInt(*pr.PersonID, 10) {
			p := httpx.NewProblem(http.StatusForbidden, "a person's token lists its own tasks")
			p.Errors = []httpx.FieldError{{Field: "person", Reason: "not the token's person"}}
			return 0, p
		}
		return *pr.PersonID, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.Invalid("person", "this token belongs to no person: give the id of the person whose tasks to list")
	}
	var active bool
	err = h.Pool.QueryRow(c.Request().Context(), `SELECT active FROM people WHERE id = $1`, id).Scan(&active)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, httpx.NotFound("no person " + raw)
	}
	if err != nil {
		return 0, err
	}
	if !active {
		return 0, httpx.Invalid("person", "person "+raw+" is not active")
	}
	return id, nil
}

// Handlers serve the worklist.
type Handlers struct {
	Pool *pgxpool.Pool
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
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
	pr, _ := auth.From(c)
	person, err := h.person(c, pr)
	if err != nil {
		return err
	}
	at, err := position(c)
	if err != nil {
		return err
	}
	list, err := Tasks(c.Request().Context(), h.Pool, pr, person, at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"person_id": person, "tasks": list})
}

func (h *Handlers) rechecks(c echo.Context) error {
	if err := httpx.CheckQuery(c, "person", "lon", "lat", "days"); err != nil {
		return err
	}
	pr, _ := auth.From(c)
	person, err := h.person(c, pr)
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
	list, err := Rechecks(c.Request().Context(), h.Pool, pr, person, time.Now().AddDate(0, 0, days), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"person_id": person, "rechecks": list})
}
