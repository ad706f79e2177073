package db

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what capability functions run on: a *pgxpool.Pool, a *pgx.Conn or
// a pgx.Tx (writes then happen inside the caller's transaction).
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Attempts is how many times Retry (and a top-level InTx) runs a
// transaction that fails with a deadlock or a serialization failure.
const Attempts = 4

// InTx runs fn in a transaction on d (a savepoint when d is already one)
// and commits when fn succeeds; any error rolls everything back. A
// top-level transaction that fails with a deadlock or serialization
// failure is run again, up to Attempts times (see Retry), so fn must do
// nothing outside the transaction that cannot be repeated. A savepoint is
// never retried on its own: the failure aborts the enclosing transaction,
// whose owner retries it whole.
func InTx(ctx context.Context, d DB, fn func(pgx.Tx) error) error {
	if _, nested := d.(pgx.Tx); nested {
		return inTx(ctx, d, fn)
	}
	return Retry(ctx, func() error { return inTx(ctx, d, fn) })
}

func inTx(ctx context.Context, d DB, fn func(pgx.Tx) error) error {
	tx, err := d.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Retry runs fn, one short transaction or one statement, again while it
// fails with a deadlock or a serialization failure, at most Attempts times
// with a short randomised pause between, and returns its last error.
func Retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := range Attempts {
		if err = fn(); err == nil || !Retryable(err) {
			return err
		}
		if attempt == Attempts-1 {
			break
		}
		pause := time.Duration(5<<attempt)*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
	return err
}
