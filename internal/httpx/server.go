package httpx

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Options configure the Echo instance.
type Options struct {
	// RequestTimeout bounds each request's context (and so its queries).
	RequestTimeout time.Duration
	// Quiet turns off the per-request log line (benchmarks).
	Quiet bool
}

// New returns an Echo instance with Gridkeeper's middleware and error
// handler installed and no routes.
func New(opt Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler
	e.Pre(HeadAsGet)
	e.Use(SecurityHeaders)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			slog.Error("panic in handler", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		}}))
	if !opt.Quiet {
		e.Use(accessLog)
	}
	if opt.RequestTimeout > 0 {
		e.Use(timeout(opt.RequestTimeout))
	}
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 2048}))
	e.Use(CheckInput)
	return e
}

// timeout puts a deadline on the request context: queries run with it and
// are cancelled by PostgreSQL when it passes or the client goes away.
func timeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

func accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		lvl := slog.LevelInfo
		if status >= 500 {
			lvl = slog.LevelError
		}
		slog.Log(c.Request().Context(), lvl, "http",
			"method", c.Request().Method, "path", c.Request().URL.Path, "query", c.Request().URL.RawQuery,
			"status", status, "bytes", c.Response().Size, "ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}
