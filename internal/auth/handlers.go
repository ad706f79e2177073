package auth

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Register mounts the token routes on g (the /api/v1 group): who am I for
// every token, and the admin API that creates, lists and revokes tokens.
func (g *Guard) Register(api *echo.Group) {
	admin := g.Require()
	api.GET("/tokens/self", Self, g.Require(Roles...))
	api.GET("/tokens", g.list, admin)
	api.POST("/tokens", g.create, admin)
	api.POST("/tokens/:id/revoke", g.revoke, admin)
	api.DELETE("/tokens/:id", g.revoke, admin)
}

// Self answers who the presented token belongs to, so that a client can
// check a token and learn its role and scope before it writes anything.
// Mount it behind Require(Roles...).
func Self(c echo.Context) error {
	p, _ := From(c)
	return c.JSON(http.StatusOK, map[string]any{
		"token_id": p.TokenID, "name": p.Name, "role": p.Role, "person_id": p.PersonID,
		"client": nilIfEmpty(p.Client), "area": nilIfEmpty(p.Area), "sources": sourcesOrEmpty(p.Sources),
		"city_wide": p.CityWide(), "staff": p.Staff(),
	})
}

type createBody struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	PersonID *int64   `json:"person_id"`
	Client   string   `json:"client"`
	Area     string   `json:"area"`
	Sources  []string `json:"sources"`
	TTL      string   `json:"ttl"` // 90d, 12h, or any Go duration
}

func (g *Guard) create(c echo.Context) error {
	var b createBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	s := Spec{Name: b.Name, Role: b.Role, PersonID: b.PersonID, Client: strings.TrimSpace(b.Client), Area: strings.TrimSpace(b.Area), Sources: b.Sources}
	if b.TTL != "" {
		d, err := ParseTTL(b.TTL)
		if err != nil {
			return httpx.Unprocessable(httpx.FieldError{Field: "ttl", Reason: err.Error()})
		}
		s.TTL = d
	}
	ctx := c.Request().Context()
	secret, id, err := CreateToken(ctx, g.db, s)
	var in *InputError
	if errors.As(err, &in) {
		if in.Field == "name" && strings.Contains(in.Reason, "unique") {
			p := httpx.NewProblem(http.StatusConflict, in.Reason)
			p.Errors = []httpx.FieldError{{Field: in.Field, Reason: in.Reason}}
			return p
		}
		return httpx.Unprocessable(httpx.FieldError{Field: in.Field, Reason: in.Reason})
	}
	if err != nil {
		return err
	}
	t, err := get(ctx, g.db, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/tokens/"+strconv.FormatInt(id, 10))
	return c.JSON(http.StatusCreated, map[string]any{"token": t, "secret": secret})
}

func (g *Guard) list(c echo.Context) error {
	if err := httpx.CheckQuery(c); err != nil {
		return err
	}
	tokens, err := List(c.Request().Context(), g.db)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": tokens, "numberReturned": len(tokens)})
}

func (g *Guard) revoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.Invalid("id", "a token id is a positive number")
	}
	ctx := c.Request().Context()
	ok, err := Revoke(ctx, g.db, id)
	if err != nil {
		return err
	}
	if !ok {
		return httpx.NotFound("no live token " + c.Param("id"))
	}
	t, err := get(ctx, g.db, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// ParseTTL reads a lifetime: "90d" (days), or a Go duration ("12h").
func ParseTTL(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d <= 0 || d > 3650 {
			return 0, errors.New("want a number of days from 1 to 3650, such as 90d")
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("want a lifetime such as 90d or 12h")
	}
	return d, nil
}

func nilIfEmpty(s string) *string { return nullable(s) }
