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
}

// Register adds the shared flags to fs, with defaults from the environment.
func (c *Config) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL/PostGIS connection string (env DATABASE_URL); empty starts a private cluster under -data-dir")
	fs.StringVar(&c.DataDir, "data-dir", env("GRIDKEEPER_DATA_DIR", ".gridkeeper"), "directory of the private PostgreSQL cluster (env GRIDKEEPER_DATA_DIR)")
	fs.StringVar(&c.LogLevel, "log-level", env("GRIDKEEPER_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env GRIDKEEPER_LOG_LEVEL)")
}

// RegisterServe adds the flags only `serve` uses.
func (c *Config) RegisterServe(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("GRIDKEEPER_ADDR", "127.0.0.1:8080"), "listen address (env GRIDKEEPER_ADDR)")
	fs.Float64Var(&c.StreetRadiusM, "street-radius", envFloat("GRIDKEEPER_STREET_RADIUS_M", 50), "locate: nearest street within this many metres (env GRIDKEEPER_STREET_RADIUS_M)")
	fs.StringVar(&c.Calendar, "calendar", os.Getenv("GRIDKEEPER_CALENDAR"), "working-hours calendar JSON file (env GRIDKEEPER_CALENDAR); empty: Mon-Fri 08:30-12:00, 13:30-17:30 Asia/Shanghai with the national holidays")
	fs.StringVar(&c.RankingWeights, "ranking-weights", os.Getenv("GRIDKEEPER_RANKING_WEIGHTS"), "monthly ranking: composite score weights JSON file (env GRIDKEEPER_RANKING_WEIGHTS); empty: 40 on-time closure, 20 no rebound, 15 no rework, 15 patrol share, 10 low public density")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", envDuration("GRIDKEEPER_REQUEST_TIMEOUT", 30*time.Second), "longest a request may run (env GRIDKEEPER_REQUEST_TIMEOUT)")
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

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return v
	}
	return def
}
