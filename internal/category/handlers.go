package category

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve the categories.
type Handlers struct {
	Pool *pgxpool.Pool
}

// Register mounts the routes on g (the /api/v1 group); writes are for
// admin tokens only.
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	admin := guard.Require()
	g.GET("/categories", h.list)
	g.GET("/categories/:code", h.get)
	g.POST("/categories", h.create, admin)
	g.PATCH("/categories/:code", h.patch, admin)
}

// body is the JSON a client sends for a category: every member optional,
// so that one type serves POST (over Defaults) and PATCH (over the row).
type body struct {
	Code             httpx.Opt[string]  `json:"code"`
	Name             httpx.Opt[string]  `json:"name"`
	Kind             httpx.Opt[string]  `json:"kind"`
	BigClass         httpx.Opt[string]  `json:"big_class"`
	BigClassName     httpx.Opt[string]  `json:"big_class_name"`
	SmallClass       httpx.Opt[string]  `json:"small_class"`
	NationalCode     httpx.Opt[string]  `json:"national_code"`
	Open311Code      httpx.Opt[string]  `json:"open311_code"`
	Department       httpx.Opt[string]  `json:"department"`
	TimeLimitHours   httpx.Opt[float64] `json:"time_limit_hours"`
	FirstInLine      httpx.Opt[string]  `json:"first_in_line"`
	LookbackDays     httpx.Opt[[]int32] `json:"lookback_days"`
	AutoRegister     httpx.Opt[bool]    `json:"auto_register"`
	RecurRadiusM     httpx.Opt[float64] `json:"recur_radius_m"`
	RecurDays        httpx.Opt[int32]   `json:"recur_days"`
	DuplicateRadiusM httpx.Opt[float64] `json:"duplicate_radius_m"`
	RegisterRule     httpx.Opt[string]  `json:"register_rule"`
	CloseRule        httpx.Opt[string]  `json:"close_rule"`
	Active           httpx.Opt[bool]    `json:"active"`
}

// apply copies the members present in b onto in. null clears
// national_code and open311_code and is refused for the others.
func (b *body) apply(in *Input) error {
	var errs []httpx.FieldError
	set(&errs, "code", b.Code, &in.Code)
	set(&errs, "name", b.Name, &in.Name)
	set(&errs, "kind", b.Kind, &in.Kind)
	set(&errs, "big_class", b.BigClass, &in.BigClass)
	set(&errs, "big_class_name", b.BigClassName, &in.BigClassName)
	set(&errs, "small_class", b.SmallClass, &in.SmallClass)
	setNullable(b.NationalCode, &in.NationalCode)
	setNullable(b.Open311Code, &in.Open311Code)
	set(&errs, "department", b.Department, &in.DepartmentCode)
	set(&errs, "time_limit_hours", b.TimeLimitHours, &in.TimeLimitHours)
	set(&errs, "first_in_line", b.FirstInLine, &in.FirstInLine)
	set(&errs, "lookback_days", b.LookbackDays, &in.LookbackDays)
	set(&errs, "auto_register", b.AutoRegister, &in.AutoRegister)
	set(&errs, "recur_radius_m", b.RecurRadiusM, &in.RecurRadiusM)
	set(&errs, "recur_days", b.RecurDays, &in.RecurDays)
	set(&errs, "duplicate_radius_m", b.DuplicateRadiusM, &in.DuplicateRadiusM)
	set(&errs, "register_rule", b.RegisterRule, &in.RegisterRule)
	set(&errs, "close_rule", b.CloseRule, &in.CloseRule)
	set(&errs, "active", b.Active, &in.Active)
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	return nil
}

func set[T any](errs *[]httpx.FieldError, field string, o httpx.Opt[T], dst *T) {
	switch {
	case o.Null:
		*errs = append(*errs, httpx.FieldError{Field: field, Reason: "may not be null"})
	case o.Set:
		*dst = o.V
	}
}

func setNullable(o httpx.Opt[string], dst **string) {
	switch {
	case o.Null:
		*dst = nil
	case o.Set:
		v := o.V
		*dst = &v
	}
}

func (h *Handlers) list(c echo.Context) error {
	if err := httpx.CheckQuery(c, "kind", "active"); err != nil {
		return err
	}
	var f Filter
	var err error
	if f.Kind, err = httpx.QueryEnum(c, "kind", Kinds...); err != nil {
		return err
	}
	switch c.QueryParam("active") {
	case "":
	case "true":
		f.Active = new(true)
	case "false":
		f.Active = new(false)
	default:
		return httpx.Invalid("active", "want true or false")
	}
	cs, err := List(c.Request().Context(), h.Pool, f)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []Category{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": cs, "numberReturned": len(cs)})
}

func (h *Handlers) get(c echo.Context) error {
	code := c.Param("code")
	if !ValidCode(code) {
		return httpx.Invalid("code", "not a category code")
	}
	cat, err := Get(c.Request().Context(), h.Pool, code)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no category with code " + code)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cat)
}

func (h *Handlers) create(c echo.Context) error {
	var b body
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	in := Defaults()
	if err := b.apply(&in); err != nil {
		return err
	}
	cat, err := Create(c.Request().Context(), h.Pool, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/categories/"+url.PathEscape(cat.Code))
	return c.JSON(http.StatusCreated, cat)
}

func (h *Handlers) patch(c echo.Context) error {
	code := c.Param("code")
	if !ValidCode(code) {
		return httpx.Invalid("code", "not a category code")
	}
	var b body
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	cat, err := Update(c.Request().Context(), h.Pool, code, b.apply)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no category with code " + code)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cat)
}
