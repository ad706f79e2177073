package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/heat"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/problem"
	"github.com/gridkeeper/gridkeeper/internal/sample"
	"github.com/gridkeeper/gridkeeper/internal/sample/history"
	"github.com/gridkeeper/gridkeeper/internal/stats"
	"github.com/gridkeeper/gridkeeper/internal/tiles"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
	"github.com/gridkeeper/gridkeeper/web"
)

func init() {
	register("serve", "migrate, optionally load the sample city, and serve the map and API", runServe)
}

func runServe(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flags("serve", &cfg)
	cfg.RegisterServe(fs)
	loadSample := fs.Bool("sample", envBool("GRIDKEEPER_SAMPLE"), "load the sample city from geodata/ when the database has no areas (env GRIDKEEPER_SAMPLE=1)")
	photoDir := fs.String("photo-dir", os.Getenv("GRIDKEEPER_PHOTO_DIR"), "directory of the photo evidence, content-addressed (env GRIDKEEPER_PHOTO_DIR); empty: photos/ under -data-dir")
	sampleProblems := fs.Int("sample-problems", envInt("GRIDKEEPER_SAMPLE_PROBLEMS", 100000),
		"with -sample: hotline tickets of the last year to generate and import when the sample city is first loaded; 0 skips (env GRIDKEEPER_SAMPLE_PROBLEMS)")
	maxExtension := fs.Int("max-extension-days", envInt("GRIDKEEPER_MAX_EXTENSION_DAYS", problem.DefaultMaxExtensionDays),
		"extend: the latest new deadline, in working days after today (env GRIDKEEPER_MAX_EXTENSION_DAYS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *maxExtension < 1 {
		return fmt.Errorf("-max-extension-days: want at least 1, got %d", *maxExtension)
	}
	setupLog(&cfg)
	if *photoDir == "" {
		*photoDir = filepath.Join(cfg.DataDir, "photos")
	}

	t, err := db.Resolve(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer t.Close(context.Background())
	from, to, err := db.Migrate(ctx, t.URL)
	if err != nil {
		return err
	}
	slog.Info("schema ready", "from", from, "to", to)
	pool, err := db.Open(ctx, t.URL, db.PoolOptions{MaxConns: int32(cfg.DBMaxConns),
		StatementTimeout: cfg.DBStatementTimeout, LockTimeout: cfg.DBLockTimeout, AcquireTimeout: cfg.DBAcquireTimeout})
	if err != nil {
		return err
	}
	// Token checks and readiness get connections of their own, so that
	// they never wait behind long list queries.
	control, err := db.Open(ctx, t.URL, db.PoolOptions{MaxConns: 3, Name: "control",
		StatementTimeout: 5 * time.Second, LockTimeout: 2 * time.Second, AcquireTimeout: 2 * time.Second})
	if err != nil {
		pool.Close()
		return err
	}
	defer db.CloseWithin(5*time.Second, pool, control)
	warnDurability(ctx, pool)
	if err := applyCalendar(ctx, pool, cfg.Calendar); err != nil {
		return err
	}
	weights, err := stats.LoadWeights(cfg.RankingWeights)
	if err != nil {
		return err
	}
	if *loadSample {
		if err := loadSampleCity(ctx, t.URL, *sampleProblems); err != nil {
			return err
		}
	}
	if t.Cluster != nil {
		if err := devToken(ctx, pool); err != nil {
			return err
		}
	}

	a := app.New(pool, app.Options{StreetRadiusM: cfg.StreetRadiusM, RequestTimeout: cfg.RequestTimeout, Web: web.FS,
		RankingWeights: &weights, Control: control, MaxExtensionDays: *maxExtension, PhotoDir: *photoDir})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	slog.Info("serving", "url", "http://"+ln.Addr().String(), "database", redact(t), "db_max_conns", pool.Config().MaxConns)
	opt := httpx.DefaultServerOptions
	opt.ReadTimeout, opt.WriteTimeout, opt.IdleTimeout, opt.ShutdownTimeout = cfg.HTTPReadTimeout, cfg.HTTPWriteTimeout, cfg.HTTPIdleTimeout, cfg.ShutdownTimeout
	go tiles.RunFolder(ctx, pool, time.Minute) // packs the tile versions writers append
	go heat.RunFolder(ctx, pool, time.Second)  // folds the heat deltas writers append
	if err := httpx.Serve(ctx, ln, a, opt); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// loadSampleCity loads the sample city, and a year of tickets when it was
// not there yet, on a bulk pool of its own: imports run without the
// request connections' statement and lock timeouts.
func loadSampleCity(ctx context.Context, url string, problems int) error {
	bulk, err := db.Open(ctx, url, db.PoolOptions{Bulk: true, Name: "sample"})
	if err != nil {
		return err
	}
	defer bulk.Close()
	loaded, err := sample.LoadIfEmpty(ctx, bulk, os.Stderr)
	if err != nil {
		return err
	}
	slog.Info("sample city", "loaded", loaded)
	if loaded && problems > 0 {
		if _, err := history.Load(ctx, bulk, problems, os.Stderr); err != nil {
			return err
		}
	}
	return nil
}

// warnDurability says loudly when the database would lose or corrupt
// writes already answered 2xx on a crash.
func warnDurability(ctx context.Context, pool *pgxpool.Pool) {
	problems, err := db.CheckDurability(ctx, pool)
	if err != nil {
		slog.Warn("could not check the database's durability settings", "err", err)
		return
	}
	for _, p := range problems {
		slog.Warn("DATABASE IS NOT DURABLE: acknowledged writes can be lost on a crash", "setting", p)
		fmt.Fprintf(os.Stderr, "\n!!! WARNING: %s\n!!! A 2xx answer would not mean the write is on disk. Fix the server's configuration.\n\n", p)
	}
}

// applyCalendar makes the database's working-hours calendar the one
// configured (a file, or the default), so deadlines follow the flag.
func applyCalendar(ctx context.Context, pool *pgxpool.Pool, path string) error {
	cal := workcal.Default()
	if path != "" {
		var err error
		if cal, err = workcal.Load(path); err != nil {
			return fmt.Errorf("calendar %s: %w", path, err)
		}
	}
	changed, err := workcal.Apply(ctx, pool, cal)
	if err != nil {
		return fmt.Errorf("apply the working-hours calendar: %w", err)
	}
	if changed {
		slog.Info("working-hours calendar changed", "file", path)
	}
	return nil
}

// devToken gives a private cluster one admin token on its first start and
// prints it once; a database that already has tokens gets none.
func devToken(ctx context.Context, pool *pgxpool.Pool) error {
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM api_tokens").Scan(&n); err != nil {
		return fmt.Errorf("count tokens: %w", err)
	}
	if n > 0 {
		return nil
	}
	secret, _, err := auth.Create(ctx, pool, "development admin", "admin")
	if err != nil {
		return err
	}
	fmt.Printf("\nDevelopment admin token (shown once; create more with 'gridkeeper token create'):\n\n    %s\n\n", secret)
	return nil
}

func redact(t *db.Target) string {
	if t.Cluster != nil {
		return "private cluster " + t.Cluster.PGData
	}
	return "DATABASE_URL"
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envBool(key string) bool {
	b, _ := strconv.ParseBool(os.Getenv(key))
	return b
}
