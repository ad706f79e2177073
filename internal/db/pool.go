package db

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolOptions tunes a pool for its use.
type PoolOptions struct {
	// MaxConns caps the pool; zero: DefaultMaxConns for a request pool,
	// pgx's default (max(4, NumCPU)) for a bulk one.
	MaxConns int32
	// Bulk keeps PostgreSQL's JIT and parallel workers, which pay off on
	// imports and large aggregations but cost 2-3x on small spatial queries.
	Bulk bool
	// StatementTimeout and LockTimeout are set on every connection
	// (statement_timeout, lock_timeout); zero leaves the server's setting.
	StatementTimeout, LockTimeout time.Duration
	// AcquireTimeout bounds the wait for a free connection; past it the
	// query fails with ErrPoolTimeout (a 503) instead of queueing until
	// the request's deadline. Zero: no bound of its own.
	AcquireTimeout time.Duration
	// Name is the pool's application_name suffix ("gridkeeper/control").
	Name string
}

// DefaultMaxConns is the request pool's size when none is configured:
// four connections per core, at least 8, so that requests waiting on a
// commit's flush do not queue behind each other.
func DefaultMaxConns() int32 { return int32(max(8, 4*runtime.NumCPU())) }

// Open connects a pool to url. Request pools (the default) turn off JIT and
// parallel gather on every connection: the queries that serve requests are
// small index lookups where both only add start-up cost.
func Open(ctx context.Context, url string, opt PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	switch {
	case opt.MaxConns > 0:
		cfg.MaxConns = opt.MaxConns
	case !opt.Bulk:
		cfg.MaxConns = DefaultMaxConns()
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	name := "gridkeeper"
	if opt.Name != "" {
		name += "/" + opt.Name
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = name
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if !opt.Bulk {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	if opt.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
	}
	if opt.LockTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = strconv.FormatInt(opt.LockTimeout.Milliseconds(), 10)
	}
	if opt.AcquireTimeout > 0 {
		cfg.ConnConfig.Tracer = acquireTracer{timeout: opt.AcquireTimeout}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	return pool, nil
}

// Connect opens a single connection (for migrations and administration).
func Connect(ctx context.Context, url string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return conn, nil
}

// CloseWithin closes the pools together, waiting at most d for the
// connections in use to come back; past d it returns false and the
// process's exit ends them.
func CloseWithin(d time.Duration, pools ...*pgxpool.Pool) bool {
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for _, p := range pools {
			wg.Go(p.Close)
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		var inUse int32
		for _, p := range pools {
			inUse += p.Stat().AcquiredConns()
		}
		slog.Warn("database pools: connections still in use at the shutdown bound", "in_use", inUse, "bound", d.String())
		return false
	}
}
