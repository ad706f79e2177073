package db

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrPoolTimeout is what a query returns when no connection of its pool
// came free within the pool's acquire timeout: the server is saturated.
// It is a context.DeadlineExceeded too.
var ErrPoolTimeout error = poolTimeout{}

type poolTimeout struct{}

func (poolTimeout) Error() string        { return "no database connection free within the acquire timeout" }
func (poolTimeout) Is(target error) bool { return target == context.DeadlineExceeded }

// acquireTracer bounds the wait for a connection: pgxpool runs Acquire
// under the context TraceAcquireStart returns.
type acquireTracer struct{ timeout time.Duration }

var (
	_ pgxpool.AcquireTracer = acquireTracer{}
	_ pgx.QueryTracer       = acquireTracer{}
)

// acquireCtx reports its own deadline as ErrPoolTimeout; the caller's
// deadline or cancellation pass through as they are.
type acquireCtx struct {
	context.Context
	parent context.Context
	cancel context.CancelFunc
}

func (c *acquireCtx) Err() error {
	err := c.Context.Err()
	if errors.Is(err, context.DeadlineExceeded) && c.parent.Err() == nil {
		return ErrPoolTimeout
	}
	return err
}

func (t acquireTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	inner, cancel := context.WithTimeout(ctx, t.timeout)
	return &acquireCtx{Context: inner, parent: ctx, cancel: cancel}
}

func (t acquireTracer) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	if c, ok := ctx.(*acquireCtx); ok {
		c.cancel()
	}
}

func (acquireTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (acquireTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
