package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
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
	// Metrics receives the request series; nil records none.
	Metrics *Metrics
}

// New returns an Echo instance with Gridkeeper's middleware and error
// handler installed and no routes.
func New(opt Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	m := opt.Metrics
	e.HTTPErrorHandler = func(err error, c echo.Context) { handleError(err, c, m) }
	e.Use(observe(m, !opt.Quiet))
	e.Pre(HeadAsGet)
	e.Use(SecurityHeaders)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			slog.Error("panic in handler", "path", c.Request().URL.Path, "request_id", requestID(c), "err", err, "stack", string(stack))
			return err
		}}))
	e.Use(trackBody)
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
			orig := c.Request()
			ctx, cancel := context.WithTimeout(orig.Context(), d)
			defer cancel()
			// The error handler runs after this returns: it must see the
			// connection's own context (done only when the client went
			// away), not this one, which is cancelled by then.
			defer c.SetRequest(orig)
			c.SetRequest(orig.WithContext(ctx))
			return next(c)
		}
	}
}

// ServerOptions bound what one connection may take from the server.
type ServerOptions struct {
	// ReadHeaderTimeout, ReadTimeout: the longest the request's headers,
	// and the whole request with its body, may take to arrive (a body
	// sent a byte a second is cut off and answered 408).
	ReadHeaderTimeout, ReadTimeout time.Duration
	// WriteTimeout: the longest from the end of the headers to the end of
	// the answer; a client that does not read loses its connection then.
	WriteTimeout time.Duration
	// IdleTimeout: how long a keep-alive connection may wait for its next
	// request.
	IdleTimeout time.Duration
	// ShutdownTimeout: how long shutdown lets in-flight requests finish
	// before it cancels them and closes their connections.
	ShutdownTimeout time.Duration
}

// DefaultServerOptions are the documented defaults of serve's flags.
var DefaultServerOptions = ServerOptions{
	ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
	WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, ShutdownTimeout: 15 * time.Second,
}

// Serve answers h on ln until ctx ends, then shuts down: it stops
// accepting, lets in-flight requests finish for ShutdownTimeout, then
// cancels those still running (their queries are cancelled with them) and
// closes every connection, including those of clients that hang. It
// returns within about ShutdownTimeout of ctx's end.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, opt ServerOptions) error {
	base, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: opt.ReadHeaderTimeout, ReadTimeout: opt.ReadTimeout,
		WriteTimeout: opt.WriteTimeout, IdleTimeout: opt.IdleTimeout,
		BaseContext: func(net.Listener) context.Context { return base },
		ErrorLog:    slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: draining requests", "bound", opt.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), opt.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		slog.Warn("shutdown: requests still running at the bound; cancelling them and closing their connections")
		cancelAll()
		err = srv.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
