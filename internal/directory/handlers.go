package directory

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve people and departments.
type Handlers struct {
	Pool *pgxpool.Pool
}

// WriteRoles may create and change people and departments (admin always may).
var WriteRoles = []string{"supervisor"}

// Register mounts the routes on g (the /api/v1 group); writes go through
// guard.
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	write := guard.Require(WriteRoles...)
	g.GET("/people", h.listPeople, guard.Optional())
	g.GET("/people/:id", h.getPerson, guard.Optional())
	g.POST("/people", h.createPerson, write)
	g.PATCH("/people/:id", h.patchPerson, write)
	g.GET("/departments", h.listDepartments)
	g.GET("/departments/:code", h.getDepartment)
	g.POST("/departments", h.createDepartment, write)
	g.PATCH("/departments/:code", h.patchDepartment, write)
}

// personBody is the JSON a client sends for a person.
type personBody struct {
	Name       httpx.Opt[string] `json:"name"`
	Phone      httpx.Opt[string] `json:"phone"`
	Title      httpx.Opt[string] `json:"title"`
	Department httpx.Opt[string] `json:"department"`
	Active     httpx.Opt[bool]   `json:"active"`
}

// apply copies the members present in b onto in; null clears an optional
// member and is refused for the others.
func (b *personBody) apply(in *PersonInput) error {
	var errs []httpx.FieldError
	if b.Name.Null {
		errs = append(errs, httpx.FieldError{Field: "name", Reason: "may not be null"})
	} else if b.Name.Set {
		in.Name = b.Name.V
	}
	if b.Active.Null {
		errs = append(errs, httpx.FieldError{Field: "active", Reason: "may not be null; send true or false"})
	} else if b.Active.Set {
		in.Active = b.Active.V
	}
	setNullable(&in.Phone, b.Phone)
	setNullable(&in.Title, b.Title)
	setNullable(&in.DepartmentCode, b.Department)
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	return nil
}

func setNullable(dst **string, o httpx.Opt[string]) {
	switch {
	case o.Null:
		*dst = nil
	case o.Set:
		v := o.V
		*dst = &v
	}
}

func (h *Handlers) listPeople(c echo.Context) error {
	if err := httpx.CheckQuery(c, "q", "department", "active", "limit", "cursor"); err != nil {
		return err
	}
	f := PeopleFilter{Q: strings.TrimSpace(c.QueryParam("q")), Department: c.QueryParam("department"), Limit: DefaultLimit}
	if utf8.RuneCountInString(f.Q) > 100 {
		return httpx.Invalid("q", "longer than 100 characters")
	}
	active, err := queryBool(c, "active")
	if err != nil {
		return err
	}
	f.Active = active
	f.As, _ = auth.From(c)
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > MaxLimit {
			return httpx.Invalid("limit", "want an integer from 1 to "+strconv.Itoa(MaxLimit))
		}
		f.Limit = n
	}
	if raw := c.QueryParam("cursor"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return httpx.Invalid("cursor", "want the cursor of a next link (a non-negative integer)")
		}
		f.After = n
	}
	ctx := c.Request().Context()
	if f.Department != "" {
		if !ValidDepartmentCode(f.Department) {
			return httpx.Invalid("department", "not a department code")
		}
		if _, err := GetDepartment(ctx, h.Pool, f.Department); errors.Is(err, ErrNotFound) {
			p := httpx.NotFound("no department with code " + f.Department)
			p.Errors = []httpx.FieldError{{Field: "department", Reason: "unknown department"}}
			return p
		} else if err != nil {
			return err
		}
	}
	people, more, err := ListPeople(ctx, h.Pool, f)
	if err != nil {
		return err
	}
	if people == nil {
		people = []Person{}
	}
	var next *string
	if more {
		q := c.QueryParams()
		q.Set("cursor", strconv.FormatInt(people[len(people)-1].ID, 10))
		q.Set("limit", strconv.Itoa(f.Limit))
		link := c.Request().URL.Path + "?" + q.Encode()
		next = &link
		c.Response().Header().Set("Link", "<"+link+`>; rel="next"`)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": people, "next": next, "numberReturned": len(people)})
}

func (h *Handlers) getPerson(c echo.Context) error {
	id, err := personID(c)
	if err != nil {
		return err
	}
	as, _ := auth.From(c)
	p, err := GetPersonAs(c.Request().Context(), h.Pool, id, as)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no person with id " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (h *Handlers) createPerson(c echo.Context) error {
	var b personBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	in := PersonInput{Active: true}
	if err := b.apply(&in); err != nil {
		return err
	}
	p, err := CreatePerson(c.Request().Context(), h.Pool, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/people/"+strconv.FormatInt(p.ID, 10))
	return c.JSON(http.StatusCreated, p)
}

func (h *Handlers) patchPerson(c echo.Context) error {
	id, err := personID(c)
	if err != nil {
		return err
	}
	var b personBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	p, err := UpdatePerson(c.Request().Context(), h.Pool, id, b.apply)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no person with id " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// departmentBody is the JSON a client sends for a department.
type departmentBody struct {
	Code httpx.Opt[string] `json:"code"`
	Name httpx.Opt[string] `json:"name"`
}

func (b *departmentBody) apply(in *DepartmentInput) error {
	var errs []httpx.FieldError
	for _, m := range []struct {
		name string
		o    httpx.Opt[string]
		dst  *string
	}{{"code", b.Code, &in.Code}, {"name", b.Name, &in.Name}} {
		if m.o.Null {
			errs = append(errs, httpx.FieldError{Field: m.name, Reason: "may not be null"})
		} else if m.o.Set {
			*m.dst = m.o.V
		}
	}
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	return nil
}

func (h *Handlers) listDepartments(c echo.Context) error {
	if err := httpx.CheckQuery(c); err != nil {
		return err
	}
	ds, err := ListDepartments(c.Request().Context(), h.Pool)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []Department{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": ds, "numberReturned": len(ds)})
}

func (h *Handlers) getDepartment(c echo.Context) error {
	code := c.Param("code")
	if !ValidDepartmentCode(code) {
		return httpx.Invalid("code", "not a department code")
	}
	d, err := GetDepartment(c.Request().Context(), h.Pool, code)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no department with code " + code)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (h *Handlers) createDepartment(c echo.Context) error {
	var b departmentBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	var in DepartmentInput
	if err := b.apply(&in); err != nil {
		return err
	}
	d, err := CreateDepartment(c.Request().Context(), h.Pool, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/departments/"+url.PathEscape(d.Code))
	return c.JSON(http.StatusCreated, d)
}

func (h *Handlers) patchDepartment(c echo.Context) error {
	code := c.Param("code")
	if !ValidDepartmentCode(code) {
		return httpx.Invalid("code", "not a department code")
	}
	var b departmentBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	d, err := UpdateDepartment(c.Request().Context(), h.Pool, code, b.apply)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no department with code " + code)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func personID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, httpx.Invalid("id", "want a positive integer")
	}
	return id, nil
}

// queryBool parses an optional true/false query parameter.
func queryBool(c echo.Context, name string) (*bool, error) {
	switch c.QueryParam(name) {
	case "":
		return nil, nil
	case "true":
		v := true
		return &v, nil
	case "false":
		v := false
		return &v, nil
	}
	return nil, httpx.Invalid(name, "want true or false")
}
