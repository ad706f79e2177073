package duty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve duties and the responsibility chain.
type Handlers struct {
	Pool          *pgxpool.Pool
	StreetRadiusM float64
}

// Register mounts the routes on g (the /api/v1 group). Assigning and
// ending duties needs a supervisor (or admin) token.
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	g.GET("/duties", h.list, guard.Optional())
	g.GET("/duties/:id", h.get, guard.Optional())
	g.POST("/duties", h.assign, guard.Require("supervisor"))
	g.POST("/duties/:id/end", h.end, guard.Require("supervisor"))
	g.GET("/responsible", h.responsible, guard.Optional())
}

func (h *Handlers) list(c echo.Context) error {
	if err := httpx.CheckQuery(c, "target", "person", "role", "at"); err != nil {
		return err
	}
	var f Filter
	if raw := c.QueryParam("target"); raw != "" {
		t, reason := ParseTarget(raw)
		if reason != "" {
			return httpx.Invalid("target", reason)
		}
		f.Target = &t
	}
	if raw := c.QueryParam("person"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return httpx.Invalid("person", "a person id is a number")
		}
		f.PersonID = &id
	}
	if f.Target == nil && f.PersonID == nil {
		return httpx.Invalid("target", "give target=kind:key or person=ID")
	}
	role, err := httpx.QueryEnum(c, "role", Roles...)
	if err != nil {
		return err
	}
	f.Role = role
	f.As, _ = auth.From(c)
	if at, ok, err := httpx.QueryTime(c, "at"); err != nil {
		return err
	} else if ok {
		f.At = &at
	}
	ctx := c.Request().Context()
	resp := map[string]any{}
	if f.Target != nil {
		info, err := LookupTarget(ctx, h.Pool, *f.Target)
		if errors.Is(err, ErrNotFound) {
			p := httpx.NotFound("no " + f.Target.Kind + " " + f.Target.Key)
			p.Errors = []httpx.FieldError{{Field: "target", Reason: "unknown " + f.Target.Kind}}
			return p
		}
		if err != nil {
			return err
		}
		resp["target"] = info
	}
	duties, err := List(ctx, h.Pool, f)
	if err != nil {
		return err
	}
	resp["duties"] = duties
	return c.JSON(http.StatusOK, resp)
}

func (h *Handlers) get(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return httpx.Invalid("id", "a duty id is a number")
	}
	as, _ := auth.From(c)
	d, err := GetAs(c.Request().Context(), h.Pool, id, as)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no duty " + c.Param("id"))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// assignBody is the JSON of POST /duties.
type assignBody struct {
	Role       string  `json:"role"`
	Target     string  `json:"target"`
	PersonID   *int64  `json:"person_id"`
	Department string  `json:"department"`
	From       *string `json:"from"`
	To         *string `json:"to"`
	Note       string  `json:"note"`
}

func (h *Handlers) assign(c echo.Context) error {
	var b assignBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	var errs []httpx.FieldError
	if !contains(Roles, b.Role) {
		errs = append(errs, httpx.FieldError{Field: "role", Reason: "want one of grid_officer, street_chief, frontage_owner, leader, department"})
	}
	t, reason := ParseTarget(b.Target)
	if reason != "" {
		errs = append(errs, httpx.FieldError{Field: "target", Reason: reason})
	}
	from := time.Now()
	if b.From != nil {
		var r string
		if from, r = httpx.ParseTime(*b.From); r != "" {
			errs = append(errs, httpx.FieldError{Field: "from", Reason: r})
		}
	}
	var to *time.Time
	if b.To != nil {
		tt, r := httpx.ParseTime(*b.To)
		if r != "" {
			errs = append(errs, httpx.FieldError{Field: "to", Reason: r})
		}
		to = &tt
	}
	if len(b.Note) > 2000 {
		errs = append(errs, httpx.FieldError{Field: "note", Reason: "longer than 2000 bytes"})
	}
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	p, _ := auth.From(c)
	out, err := Assign(c.Request().Context(), h.Pool, Assignment{
		Role: b.Role, Target: t, PersonID: b.PersonID, Department: b.Department,
		From: from, To: to, Note: b.Note, By: p.Name, As: p,
	})
	if err != nil {
		return problem(err)
	}
	status := http.StatusCreated
	if out.Unchanged {
		status = http.StatusOK
	} else {
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/duties/"+strconv.FormatInt(out.Duty.ID, 10))
	}
	return c.JSON(status, out)
}

func (h *Handlers) end(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return httpx.Invalid("id", "a duty id is a number")
	}
	var b struct {
		At   *string `json:"at"`
		Note string  `json:"note"`
	}
	if c.Request().ContentLength != 0 {
		if err := httpx.DecodeJSON(c, &b); err != nil {
			return err
		}
	}
	at := time.Now()
	if b.At != nil {
		var r string
		if at, r = httpx.ParseTime(*b.At); r != "" {
			return httpx.Unprocessable(httpx.FieldError{Field: "at", Reason: r})
		}
	}
	as, _ := auth.From(c)
	d, err := End(c.Request().Context(), h.Pool, id, at, b.Note, as)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no duty " + c.Param("id"))
	}
	if err != nil {
		return problem(err)
	}
	return c.JSON(http.StatusOK, d)
}

func (h *Handlers) responsible(c echo.Context) error {
	if err := httpx.CheckQuery(c, "lon", "lat", "category", "at"); err != nil {
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
	cat := c.QueryParam("category")
	if cat == "" {
		return httpx.Invalid("category", "is required (a category code, see /api/v1/categories)")
	}
	at := time.Now()
	if t, ok, err := httpx.QueryTime(c, "at"); err != nil {
		return err
	} else if ok {
		at = t
	}
	ch, err := Resolve(c.Request().Context(), h.Pool, lon, lat, cat, at, h.StreetRadiusM)
	if errors.Is(err, ErrUnknownCategory) {
		p := httpx.NotFound("no category " + cat)
		p.Errors = []httpx.FieldError{{Field: "category", Reason: "unknown category code"}}
		return p
	}
	if err != nil {
		return err
	}
	as, _ := auth.From(c)
	if err := hidePhonesOutsideScope(c.Request().Context(), h.Pool, &ch, as); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

// hidePhonesOutsideScope blanks the holders' phones of a chain unless the
// point's grid lies in as's scope (asked of the database, AreaScope).
func hidePhonesOutsideScope(ctx context.Context, q querier, ch *Chain, as auth.Principal) error {
	covered := as.CityWide()
	if !covered && as.Staff() {
		for _, l := range ch.Links {
			if l.Target.Kind == "area" && l.Target.Level == "grid" {
				var a auth.Args
				code := a.Arg(l.Target.Key)
				if err := q.QueryRow(ctx, `SELECT `+as.AreaScope(code, &a), a.List...).Scan(&covered); err != nil {
					return fmt.Errorf("check scope: %w", err)
				}
			}
		}
	}
	if covered {
		return nil
	}
	for i := range ch.Links {
		if ch.Links[i].Holder != nil {
			ch.Links[i].Holder.Phone = ""
		}
	}
	return nil
}

// problem turns the package's errors into problem responses.
func problem(err error) error {
	var in *InputError
	var cf *ConflictError
	var sc *ScopeError
	switch {
	case errors.As(err, &sc):
		p := httpx.NewProblem(http.StatusForbidden, sc.Error())
		p.Type = "https://gridkeeper.dev/problems/out-of-scope"
		p.Errors = []httpx.FieldError{{Field: "target", Reason: "outside the token's scope"}}
		return p
	case errors.As(err, &in):
		return httpx.Unprocessable(httpx.FieldError{Field: in.Field, Reason: in.Reason})
	case errors.As(err, &cf):
		p := httpx.NewProblem(http.StatusConflict, cf.Error())
		p.Type = "https://gridkeeper.dev/problems/duty-conflict"
		p.Errors = []httpx.FieldError{{Field: "target", Reason: "already held by " + cf.Holding.Holder.Name + " in that period"}}
		p.Extra = map[string]any{"holding": cf.Holding}
		return p
	}
	return err
}
