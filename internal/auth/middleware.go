package auth

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

const principalKey = "gridkeeper.principal"

// Guard checks bearer tokens against the database.
type Guard struct{ pool *pgxpool.Pool }

// NewGuard returns a Guard over pool.
func NewGuard(pool *pgxpool.Pool) *Guard { return &Guard{pool: pool} }

// Require admits a request whose bearer token holds one of roles (admin is
// always admitted): 401 without a valid token, 403 with the wrong role.
func (g *Guard) Require(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			secret, ok := bearer(c.Request().Header.Get(echo.HeaderAuthorization))
			if !ok {
				return unauthorized("send Authorization: Bearer <token>")
			}
			p, err := Verify(c.Request().Context(), g.pool, secret)
			if errors.Is(err, ErrUnknownToken) {
				return unauthorized("the token is unknown or revoked")
			}
			if err != nil {
				return err
			}
			if p.Role != "admin" && !slices.Contains(roles, p.Role) {
				return &httpx.Problem{
					Type: "https://gridkeeper.dev/problems/forbidden", Title: "Forbidden", Status: http.StatusForbidden,
					Detail: "role " + p.Role + " may not do this; it needs one of: admin, " + strings.Join(roles, ", "),
					Errors: []httpx.FieldError{{Field: "Authorization", Reason: "role " + p.Role + " is not allowed"}},
				}
			}
			c.Set(principalKey, p)
			return next(c)
		}
	}
}

// From returns the principal Require admitted.
func From(c echo.Context) (Principal, bool) {
	p, ok := c.Get(principalKey).(Principal)
	return p, ok
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func unauthorized(detail string) *httpx.Problem {
	return &httpx.Problem{
		Type: "https://gridkeeper.dev/problems/unauthorized", Title: "Unauthorized", Status: http.StatusUnauthorized,
		Detail: detail, Errors: []httpx.FieldError{{Field: "Authorization", Reason: detail}},
		Header: http.Header{"Www-Authenticate": {`Bearer realm="gridkeeper"`}},
	}
}

// Self answers who the presented token belongs to, so that a client can
// check a token and learn its role before it writes anything. Mount it
// behind Require(Roles...).
func Self(c echo.Context) error {
	p, _ := From(c)
	return c.JSON(http.StatusOK, map[string]any{"token_id": p.TokenID, "name": p.Name, "role": p.Role})
}
