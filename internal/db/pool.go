package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolOptions tunes a pool for its use.
type PoolOptions struct {
	// MaxConns caps the pool; zero keeps pgx's default (max(4, NumCPU)).
	MaxConns int32
	// Bulk keeps PostgreSQL's JIT and parallel workers, which pay off on
	// imports and large aggregations but cost 2-3x on small spatial queries.
	Bulk bool
}

// Open connects a pool to url. Request pools (the default) turn off JIT and
// parallel gather on every connection: the queries that serve requests are
// small index lookups where both only add start-up cost.
func Open(ctx context.Context, url string, opt PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "gridkeeper"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if !opt.Bulk {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
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
