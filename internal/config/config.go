// Package config holds the settings every gridkeeper subcommand shares:
// flags, each with an environment fallback, so that `gridkeeper import` run
// beside `gridkeeper serve` finds the same database.
package config

import (
	"flag"
	"os"
	"strconv"
	"time"
)

// Config is what the subcommands share.
type Config struct {
	DatabaseURL    string        // DATABASE_URL; empty: private cluster under DataDir
	DataDir        string        // GRIDKEEPER_DATA_DIR, default .gridkeeper
	Addr           string        // GRIDKEEPER_ADDR, default 127.0.0.1:8080
	StreetRadiusM  float64       // GRIDKEEPER_STREET_RADIUS_M, default 50
	RequestTimeout time.Duration // GRIDKEEPER_REQUEST_TIMEOUT, default 30s
	LogLevel       string        // GRIDKEEPER_LOG_LEVEL: debug, info, warn, error
	Calendar       string        // GRIDKEEPER_CALENDAR: working-hours calendar JSON; empty: the default
	RankingWeights string        // GRIDKEEPER_RANKING_WEIGHTS: the ranking's score weights JSON; empty: the defaults
	LogFormat      string        // GRIDKEEPER_LOG_FORMAT: text or json

	// serve: the request pool and its connections' timeouts
	DBMaxConns         int           // GRIDKEEPER_DB_MAX_CONNS; 0: db.DefaultMaxConns
	DBStatementTimeout time.Duration // GRIDKEEPER_DB_STATEMENT_TIMEOUT, default 25s
	DBLockTimeout      time.Duration // GRIDKEEPER_DB_LOCK_TIMEOUT, default 10s
	DBAcquireTimeout   time.Duration // GRIDKEEPER_DB_ACQUIRE_TIMEOUT, default 5s

	// serve: what one connection may take from the HTTP server
	HTTPReadTimeout  time.Duration // GRIDKEEPER_HTTP_READ_TIMEOUT, default 30s
	HTTPWriteTimeout time.Duration // GRIDKEEPER_HTTP_WRITE_TIMEOUT, default 60s
	HTTPIdleTimeout  time.Duration // GRIDKEEPER_HTTP_IDLE_TIMEOUT, default 120s
	ShutdownTimeout  time.Duration // GRIDKEEPER_SHUTDOWN_TIMEOUT, default 15s
}

// Register adds the shared flags to fs, with defaults from the environment.
func (c *Config) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL/PostGIS connection string (env DATABASE_URL); empty starts a private cluster under -data-dir")
	fs.StringVar(&c.DataDir, "data-dir", env("GRIDKEEPER_DATA_DIR", ".gridkeeper"), "directory of the private PostgreSQL cluster (env GRIDKEEPER_DATA_DIR)")
	fs.StringVar(&c.LogLevel, "log-level", env("GRIDKEEPER_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env GRIDKEEPER_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("GRIDKEEPER_LOG_FORMAT", "text"), "log format: text, or json for one JSON object a line (env GRIDKEEPER_LOG_FORMAT)")
}

// RegisterServe adds the flags only `serve` uses.
func (c *Config) RegisterServe(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("GRIDKEEPER_ADDR", "127.0.0.1:8080"), "listen address (env GRIDKEEPER_ADDR)")
	fs.Float64Var(&c.StreetRadiusM, "street-radius", envFloat("GRIDKEEPER_STREET_RADIUS_M", 50), "locate: nearest street within this many metres (env GRIDKEEPER_STREET_RADIUS_M)")
	fs.StringVar(&c.Calendar, "calendar", os.Getenv("GRIDKEEPER_CALENDAR"), "working-hours calendar JSON file (env GRIDKEEPER_CALENDAR); empty: Mon-Fri 08:30-12:00, 13:30-17:30 Asia/Shanghai with the national holidays")
	fs.StringVar(&c.RankingWeights, "ranking-weights", os.Getenv("GRIDKEEPER_RANKING_WEIGHTS"), "monthly ranking: composite score weights JSON file (env GRIDKEEPER_RANKING_WEIGHTS); empty: 40 on-time closure, 20 no rebound, 15 no rework, 15 patrol share, 10 low public density")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", envDuration("GRIDKEEPER_REQUEST_TIMEOUT", 30*time.Second), "longest a request may run (env GRIDKEEPER_REQUEST_TIMEOUT)")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", envInt("GRIDKEEPER_DB_MAX_CONNS", 0), "request pool size (env GRIDKEEPER_DB_MAX_CONNS); 0: 4 per CPU, at least 8")
	fs.DurationVar(&c.DBStatementTimeout, "db-statement-timeout", envDuration("GRIDKEEPER_DB_STATEMENT_TIMEOUT", 25*time.Second), "statement_timeout of request connections (env GRIDKEEPER_DB_STATEMENT_TIMEOUT); 0: the server's")
	fs.DurationVar(&c.DBLockTimeout, "db-lock-timeout", envDuration("GRIDKEEPER_DB_LOCK_TIMEOUT", 10*time.Second), "lock_timeout of request connections (env GRIDKEEPER_DB_LOCK_TIMEOUT); 0: the server's")
	fs.DurationVar(&c.DBAcquireTimeout, "db-acquire-timeout", envDuration("GRIDKEEPER_DB_ACQUIRE_TIMEOUT", 5*time.Second), "longest a request waits for a free database connection before it is answered 503 (env GRIDKEEPER_DB_ACQUIRE_TIMEOUT); 0: until the request timeout")
	fs.DurationVar(&c.HTTPReadTimeout, "http-read-timeout", envDuration("GRIDKEEPER_HTTP_READ_TIMEOUT", 30*time.Second), "longest a request with its body may take to arrive (env GRIDKEEPER_HTTP_READ_TIMEOUT)")
	fs.DurationVar(&c.HTTPWriteTimeout, "http-write-timeout", envDuration("GRIDKEEPER_HTTP_WRITE_TIMEOUT", 60*time.Second), "longest from a request's headers to the end of its answer (env GRIDKEEPER_HTTP_WRITE_TIMEOUT)")
	fs.DurationVar(&c.HTTPIdleTimeout, "http-idle-timeout", envDuration("GRIDKEEPER_HTTP_IDLE_TIMEOUT", 120*time.Second), "how long a keep-alive connection may idle (env GRIDKEEPER_HTTP_IDLE_TIMEOUT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", envDuration("GRIDKEEPER_SHUTDOWN_TIMEOUT", 15*time.Second), "on SIGTERM, how long in-flight requests may finish before they are cancelled (env GRIDKEEPER_SHUTDOWN_TIMEOUT)")
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func envFloat(key string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return v
	}
	return def
}
