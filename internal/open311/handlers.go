package open311

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// Handlers serve /open311/v2.
type Handlers struct {
	Pool     *pgxpool.Pool
	Settings problem.Settings
	Clients  Clients // nil: TokenClients over Pool
}

// Register mounts the endpoint on g (the /open311/v2 group).
func (h *Handlers) Register(g *echo.Group) {
	if h.Clients == nil {
		h.Clients = TokenClients{Pool: h.Pool}
	}
	for _, res := range []string{"discovery", "services", "requests", "servicerequestupdates"} {
		g.GET("/"+res+".:format", h.wrap(h.top))
	}
	g.POST("/requests.:format", h.wrap(h.postTop))
	// service_code, id or token with its extension: "exposed-litter.xml".
	g.GET("/services/:file", h.wrap(h.definition))
	g.GET("/requests/:file", h.wrap(h.oneRequest))
	g.GET("/tokens/:file", h.wrap(h.token))
	// Anything else under /open311/v2 is an Open311 404, in the shape
	// Open311 clients parse.
	g.Any("/*", h.wrap(func(c echo.Context, name string, _ format) error {
		return notFound("no Open311 resource " + name + " (see discovery)")
	}))
}

type handler func(c echo.Context, name string, f format) error

// wrap splits the format off the last path segment and turns a Failure
// (or any error) into an Open311 errors answer in that format.
func (h *Handlers) wrap(fn handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		seg := c.Param("file")
		if seg == "" {
			// /discovery.xml: the resource is the path's last segment.
			p := c.Request().URL.Path
			seg = p[strings.LastIndexByte(p, '/')+1:]
		}
		name, f, ok := splitFormat(seg)
		var err error
		if !ok {
			err = notFound("unknown format: use .xml or .json")
		} else {
			err = fn(c, name, f)
		}
		if err == nil {
			return nil
		}
		var fl *Failure
		if !errors.As(err, &fl) {
			if c.Response().Committed {
				return err
			}
			slog.Error("open311", "path", c.Request().URL.Path, "err", err)
			status := http.StatusInternalServerError
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				status = http.StatusServiceUnavailable
			}
			fl = fail(status, "the server could not answer now; try again")
		}
		return writeFailure(c, f, fl)
	}
}

func (h *Handlers) top(c echo.Context, name string, f format) error {
	switch name {
	case "discovery":
		return h.discovery(c, f)
	case "services":
		return h.services(c, f)
	case "requests":
		return h.listRequests(c, f)
	case "servicerequestupdates":
		return h.updates(c, f)
	}
	return notFound("no Open311 resource " + name + " (see discovery)")
}

func (h *Handlers) postTop(c echo.Context, name string, f format) error {
	if name == "requests" {
		return h.postRequest(c, f)
	}
	return fail(http.StatusMethodNotAllowed, "only requests may be posted")
}

// jurisdiction is this server's jurisdiction_id: the code of the city
// area (the lowest, if several), empty when no city is loaded.
func (h *Handlers) jurisdiction(ctx context.Context) (string, error) {
	var code string
	err := h.Pool.QueryRow(ctx, `SELECT code FROM areas WHERE level = 'city' ORDER BY code LIMIT 1`).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("jurisdiction: %w", err)
	}
	return code, nil
}

// checkJurisdiction accepts a missing jurisdiction_id (one jurisdiction
// per endpoint, as the spec allows) or this server's; another is a 404.
func (h *Handlers) checkJurisdiction(c echo.Context, given string) error {
	given = strings.TrimSpace(given)
	if given == "" {
		return nil
	}
	j, err := h.jurisdiction(c.Request().Context())
	if err != nil {
		return err
	}
	if given != j {
		return notFound(fmt.Sprintf("jurisdiction_id %q not found; this endpoint serves %q", given, j))
	}
	return nil
}

// baseURL is the absolute address of this server as the client reached it.
func baseURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}
