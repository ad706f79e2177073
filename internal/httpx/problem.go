package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"syscall"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// ProblemContentType is the media type of every error response.
const ProblemContentType = "application/problem+json"

// FieldError names one input that was wrong and why.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Problem is an RFC 9457 problem detail. It is also an error, so handlers
// simply return it.
type Problem struct {
	Type     string         `json:"type,omitempty"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldError   `json:"errors,omitempty"`
	Extra    map[string]any `json:"-"` // extension members, merged at top level
	Header   http.Header    `json:"-"` // extra response headers (e.g. WWW-Authenticate)
}

func (p *Problem) Error() string {
	if len(p.Errors) > 0 {
		return fmt.Sprintf("%d %s: %s: %s", p.Status, p.Title, p.Errors[0].Field, p.Errors[0].Reason)
	}
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// MarshalJSON merges Extra into the top-level object.
func (p *Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := json.Marshal((*plain)(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	for k, v := range p.Extra {
		m[k] = v
	}
	var base map[string]any
	if err := json.Unmarshal(b, &base); err != nil {
		return nil, err
	}
	for k, v := range base {
		m[k] = v
	}
	return json.Marshal(m)
}

// NewProblem builds a problem with the standard title for status.
func NewProblem(status int, detail string) *Problem {
	return &Problem{Title: http.StatusText(status), Status: status, Detail: detail}
}

// Invalid is a 400 for a query or path parameter that cannot be used.
func Invalid(field, reason string) *Problem {
	return &Problem{
		Type: "https://gridkeeper.dev/problems/invalid-parameter", Title: "Invalid parameter",
		Status: http.StatusBadRequest, Detail: field + ": " + reason,
		Errors: []FieldError{{Field: field, Reason: reason}},
	}
}

// Unprocessable is a 422 for a well-formed body whose values are wrong.
func Unprocessable(errs ...FieldError) *Problem {
	p := &Problem{
		Type: "https://gridkeeper.dev/problems/validation", Title: "Validation failed",
		Status: http.StatusUnprocessableEntity, Errors: errs,
	}
	if len(errs) > 0 {
		p.Detail = errs[0].Field + ": " + errs[0].Reason
	}
	return p
}

// NotFound is a 404 naming what was not found.
func NotFound(what string) *Problem {
	return &Problem{Type: "https://gridkeeper.dev/problems/not-found", Title: "Not found", Status: http.StatusNotFound, Detail: what}
}

// WriteProblem writes p as the response.
func WriteProblem(c echo.Context, p *Problem) error {
	for k, vs := range p.Header {
		for _, v := range vs {
			c.Response().Header().Add(k, v)
		}
	}
	if p.Instance == "" {
		p.Instance = c.Request().URL.Path
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, ProblemContentType)
	c.Response().WriteHeader(p.Status)
	_, err = c.Response().Write(b)
	return err
}

// ErrorHandler is the Echo error handler: every error becomes a problem.
// A database outage or contention is a 503 with Retry-After (see
// Unavailable), a body that could not be read a 400 or 408, and only what
// is left, a server fault, a bare 500 that leaks nothing.
func ErrorHandler(err error, c echo.Context) { handleError(err, c, nil) }

func handleError(err error, c echo.Context, m *Metrics) {
	if c.Response().Committed {
		// A streamed body is under way: the status is gone, so end the
		// connection rather than send a truncated document that parses.
		lvl := slog.LevelError
		if c.Request().Context().Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, os.ErrDeadlineExceeded) {
			lvl = slog.LevelDebug // the client went away or stopped reading mid-stream
		}
		slog.Log(c.Request().Context(), lvl, "error after response started", "path", c.Request().URL.Path, "request_id", requestID(c), "err", err)
		panic(http.ErrAbortHandler)
	}
	var p *Problem
	var he *echo.HTTPError
	class, outage := db.Classify(err)
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he):
		p = NewProblem(he.Code, fmt.Sprint(he.Message))
		if he.Code == http.StatusNotFound {
			p.Detail = "no route for " + c.Request().Method + " " + c.Request().URL.Path
		}
	case bodyFailure(c) != nil:
		p = bodyFailure(c)
		slog.Debug("request body unreadable", "path", c.Request().URL.Path, "request_id", requestID(c), "err", err)
	case errors.Is(c.Request().Context().Err(), context.Canceled):
		// The client went away; nobody reads the answer.
		c.Response().WriteHeader(499)
		return
	case outage:
		m.dbError(class)
		slog.Warn("database unavailable for the request", "class", class, "method", c.Request().Method,
			"path", c.Request().URL.Path, "request_id", requestID(c), "err", err)
		p = Unavailable(class)
	default:
		slog.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "request_id", requestID(c), "err", err)
		p = NewProblem(http.StatusInternalServerError, "")
	}
	if c.Request().Method == http.MethodHead {
		for k, vs := range p.Header {
			c.Response().Header()[k] = vs
		}
		c.Response().Header().Set(echo.HeaderContentType, ProblemContentType)
		c.Response().WriteHeader(p.Status)
		return
	}
	if werr := WriteProblem(c, p); werr != nil {
		slog.Debug("write problem", "err", werr)
	}
}
