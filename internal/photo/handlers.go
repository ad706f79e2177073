package photo

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/category"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// StaffRoles may upload photos and see originals, GPS and uploaders, each
// where their scope covers the problem.
var StaffRoles = []string{"supervisor", "dispatcher", "officer"}

// Handlers serve photos.
type Handlers struct {
	Pool   *pgxpool.Pool
	Store  Store
	Limits Limits // zero: DefaultLimits
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	if h.Limits == (Limits{}) {
		h.Limits = DefaultLimits
	}
	g.POST("/problems/:id/photos", h.upload, guard.Require(StaffRoles...))
	g.GET("/problems/:id/photos", h.list, guard.Optional())
	g.GET("/photos/:photo", h.serve("public"))
	g.GET("/photos/:photo/thumb", h.serve("thumb"))
	g.GET("/photos/:photo/original", h.serve("original"), guard.Require(StaffRoles...))
	g.GET("/categories/:code/photo-rule", h.getRule)
	g.PUT("/categories/:code/photo-rule", h.putRule, guard.Require("admin"))
}

func (h *Handlers) upload(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := readUpload(c, h.Limits)
	if err != nil {
		return err
	}
	pr, _ := auth.From(c)
	u.ProblemID, u.Actor, u.As = id, pr.Name, pr
	p, err := Save(c.Request().Context(), h.Pool, h.Store, h.Limits, u)
	if errors.Is(err, ErrProblemNotFound) {
		return httpx.NotFound("no problem " + c.Param("id"))
	}
	if errors.Is(err, ErrOutOfScope) {
		return outOfScope(id)
	}
	if err != nil {
		return rejectProblem(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, p.URL)
	return c.JSON(http.StatusCreated, p)
}

func (h *Handlers) list(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pr, _ := auth.From(c)
	err = checkScope(ctx, h.Pool, pr, id)
	if errors.Is(err, ErrProblemNotFound) {
		return httpx.NotFound("no problem " + c.Param("id"))
	}
	if err != nil && !errors.Is(err, ErrOutOfScope) {
		return err
	}
	staff := err == nil && pr.Staff() // staff whose scope covers the problem
	photos, err := List(ctx, h.Pool, id)
	if err != nil {
		return err
	}
	if !staff {
		for i := range photos {
			photos[i] = photos[i].Public()
		}
	}
	c.Response().Header().Set("Vary", "Authorization")
	return c.JSON(http.StatusOK, map[string]any{"problem_id": id, "photos": photos})
}

func outOfScope(id int64) error {
	p := httpx.NewProblem(http.StatusForbidden, fmt.Sprintf("problem %d is outside the places and cases this token answers for", id))
	p.Errors = []httpx.FieldError{{Field: "Authorization", Reason: "out of scope"}}
	return p
}

// serve answers one copy of a photo. A photo never changes, so the answer
// is cached for a year as immutable, with its digest as the ETag.
func (h *Handlers) serve(copyName string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "photo")
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		p, err := Get(ctx, h.Pool, id)
		if errors.Is(err, ErrNotFound) {
			return httpx.NotFound("no photo " + c.Param("photo"))
		}
		if err != nil {
			return err
		}
		sha, mt, cache := p.publicSHA, p.MediaType, "public, max-age=31536000, immutable"
		if copyName == "original" {
			pr, _ := auth.From(c)
			if err := checkScope(ctx, h.Pool, pr, p.ProblemID); errors.Is(err, ErrOutOfScope) {
				return outOfScope(p.ProblemID)
			} else if err != nil {
				return err
			}
		}
		switch copyName {
		case "thumb":
			sha, mt = p.thumbSHA, "image/jpeg"
		case "original":
			sha, cache = p.originalSHA, "private, max-age=31536000, immutable"
		}
		f, err := h.Store.Open(ctx, sha)
		if errors.Is(err, ErrNoBlob) {
			return httpx.NotFound("the file of photo " + c.Param("photo") + " is missing from the photo store")
		}
		if err != nil {
			return err
		}
		defer f.Close()
		hd := c.Response().Header()
		hd.Set(echo.HeaderContentType, mt)
		hd.Set("ETag", `"`+sha+`"`)
		hd.Set("Cache-Control", cache)
		hd.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(c.Response(), c.Request(), "", time.Time{}, f)
		return nil
	}
}

func (h *Handlers) getRule(c echo.Context) error {
	ctx := c.Request().Context()
	code := c.Param("code")
	if _, err := category.Get(ctx, h.Pool, code); errors.Is(err, category.ErrNotFound) {
		return httpx.NotFound("no category " + code)
	} else if err != nil {
		return err
	}
	r, err := RuleFor(ctx, h.Pool, code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

type ruleBody struct {
	AfterRequired   *bool `json:"after_required"`
	RecheckRequired *bool `json:"recheck_required"`
}

func (h *Handlers) putRule(c echo.Context) error {
	ctx := c.Request().Context()
	code := c.Param("code")
	var b ruleBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	var errs []httpx.FieldError
	if b.AfterRequired == nil {
		errs = append(errs, httpx.FieldError{Field: "after_required", Reason: "is required (true or false)"})
	}
	if b.RecheckRequired == nil {
		errs = append(errs, httpx.FieldError{Field: "recheck_required", Reason: "is required (true or false)"})
	}
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	if _, err := category.Get(ctx, h.Pool, code); errors.Is(err, category.ErrNotFound) {
		return httpx.NotFound("no category " + code)
	} else if err != nil {
		return err
	}
	if err := SetRule(ctx, h.Pool, code, *b.AfterRequired, *b.RecheckRequired); err != nil {
		return err
	}
	r, err := RuleFor(ctx, h.Pool, code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.Invalid(name, "an id is a positive number")
	}
	return id, nil
}
