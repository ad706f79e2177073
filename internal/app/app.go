// Package app assembles Gridkeeper's HTTP application: it mounts every
// capability's routes under /api/v1, the health probes and the embedded map
// page on one Echo instance. It holds no business logic of its own; the
// serve command and the HTTP tests both build their server here, so tests
// exercise exactly the router that production runs.
package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gridkeeper/gridkeeper/internal/apidoc"
	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/category"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/directory"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/heat"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/mytasks"
	"github.com/gridkeeper/gridkeeper/internal/ogc"
	"github.com/gridkeeper/gridkeeper/internal/open311"
	"github.com/gridkeeper/gridkeeper/internal/photo"
	"github.com/gridkeeper/gridkeeper/internal/places"
	"github.com/gridkeeper/gridkeeper/internal/problem"
	"github.com/gridkeeper/gridkeeper/internal/qa"
	"github.com/gridkeeper/gridkeeper/internal/stats"
	"github.com/gridkeeper/gridkeeper/internal/tiles"
)

// Options configure the application.
type Options struct {
	StreetRadiusM  float64       // locate: nearest street within this distance
	RequestTimeout time.Duration // per-request deadline; zero means none
	Quiet          bool          // no access log
	Web            fs.FS         // the map page; nil serves none

	// MaxExtensionDays bounds a problem's extension (working days ahead);
	// zero: problem.DefaultMaxExtensionDays.
	MaxExtensionDays int
	// PhotoDir holds the photos, content-addressed; empty: a new temporary
	// directory (tests). The serve command passes -photo-dir.
	PhotoDir string

	// RankingWeights weigh the ranking's composite score; nil: stats.DefaultWeights.
	RankingWeights *stats.Weights

	// Control is the small pool of token checks and /readyz, so that they
	// never queue behind long list queries; nil shares the request pool.
	Control *pgxpool.Pool
}

// App is the assembled server.
type App struct {
	*echo.Echo
	Guard *auth.Guard
	// Metrics is the registry /metrics serves; capabilities may add to it.
	Metrics *prometheus.Registry
}

// New builds the application over pool.
func New(pool *pgxpool.Pool, opt Options) *App {
	if opt.StreetRadiusM <= 0 {
		opt.StreetRadiusM = 50
	}
	control := opt.Control
	if control == nil {
		control = pool
	}
	reg := newRegistry(pool, control)
	e := httpx.New(httpx.Options{RequestTimeout: opt.RequestTimeout, Quiet: opt.Quiet, Metrics: httpx.NewMetrics(reg)})
	a := &App{Echo: e, Guard: auth.NewGuard(control), Metrics: reg}

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error { return ready(c, control) })
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, DisableCompression: true /* the gzip middleware compresses */})))
	apidoc.Register(e) // GET /api and /openapi.json

	api := e.Group("/api/v1")
	a.Guard.Register(api)
	(&audit.Handlers{Pool: pool}).Register(api, a.Guard)
	(&places.Handlers{Pool: pool, StreetRadiusM: opt.StreetRadiusM}).Register(api)
	(&frontage.Handlers{Pool: pool}).Register(api, a.Guard)
	(&directory.Handlers{Pool: pool}).Register(api, a.Guard)
	(&category.Handlers{Pool: pool}).Register(api, a.Guard)
	(&duty.Handlers{Pool: pool, StreetRadiusM: opt.StreetRadiusM}).Register(api, a.Guard)
	(&qa.Handlers{Pool: pool}).Register(api)
	(&heat.Handlers{Pool: pool}).Register(api)
	(&problem.Handlers{Pool: pool, Settings: problem.Settings{StreetRadiusM: opt.StreetRadiusM, MaxExtensionDays: opt.MaxExtensionDays}}).Register(api, a.Guard)
	(&stats.Handlers{Pool: pool, Weights: opt.RankingWeights}).Register(api)
	photos := photo.DirStore{Dir: photoDir(opt.PhotoDir)}
	(&photo.Handlers{Pool: pool, Store: photos}).Register(api, a.Guard)
	(&mytasks.Handlers{Pool: pool}).Register(api, a.Guard)
	(&open311.Handlers{Pool: pool, Settings: problem.Settings{StreetRadiusM: opt.StreetRadiusM}}).Register(e.Group("/open311/v2"))
	(&ogc.Handlers{Pool: pool}).Register(e) // OGC API – Features at /ogc

	(&tiles.Handlers{Pool: pool}).Register(e)

	if opt.Web != nil {
		files := http.FileServer(http.FS(httpx.NoListing(opt.Web)))
		e.GET("/*", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		})))
	}
	return a
}

// photoDir is dir, or a new temporary directory when dir is empty.
func photoDir(dir string) string {
	if dir != "" {
		return dir
	}
	tmp, err := os.MkdirTemp("", "gridkeeper-photos-")
	if err != nil {
		panic(fmt.Sprintf("temporary photo directory: %v", err))
	}
	slog.Debug("photos go to a temporary directory; set -photo-dir", "dir", tmp)
	return tmp
}

// ready answers 200 when a query reaches the database within two seconds,
// 503 otherwise; the reason is logged, never sent. It runs on the control
// pool, so busy request connections do not make the server look down. The
// pool reconnects by itself, so readiness comes back when the database
// does, without a restart.
func ready(c echo.Context, pool *pgxpool.Pool) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	var one int
	if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		slog.Warn("readyz: database not reachable", "request_id", httpx.RequestID(c), "err", err)
		p := httpx.Unavailable(db.Unavailable)
		p.Type = "https://gridkeeper.dev/problems/not-ready"
		p.Detail = "the database is not reachable"
		return p
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "database": "ok"})
}

// newRegistry holds the process's series and the pools' statistics.
func newRegistry(pool, control *pgxpool.Pool) *prometheus.Registry {
	pools := map[string]*pgxpool.Pool{"request": pool}
	if control != pool {
		pools["control"] = control
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		db.PoolCollector(pools))
	return reg
}
