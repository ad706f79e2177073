package db

// What a database error means for the caller: an outage or contention to
// answer with "try again" (503), or something else.

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Class names the kind of database failure an error is.
type Class string

// The failure classes: each is an outage or contention, never the
// client's mistake, and is answered with 503 and Retry-After.
const (
	// Unavailable: the server cannot be reached, is starting, shutting
	// down or crashed (connection refused, 57P01–57P03, 08xxx, EOF).
	Unavailable Class = "unavailable"
	// TooManyConnections: 53300, or the server is out of resources (53xxx).
	TooManyConnections Class = "too_many_connections"
	// ReadOnly: the server is in recovery or a standby (25006).
	ReadOnly Class = "read_only"
	// Deadlock: 40P01, one of two crossed transactions was chosen to fail.
	Deadlock Class = "deadlock"
	// Serialization: 40001, a concurrent update made the transaction stale.
	Serialization Class = "serialization"
	// LockTimeout: 55P03, lock_timeout passed while waiting for a lock.
	LockTimeout Class = "lock_timeout"
	// StatementTimeout: 57014 by statement_timeout, or the request's own
	// deadline passed during a query.
	StatementTimeout Class = "statement_timeout"
	// PoolTimeout: no connection of the pool came free within its acquire
	// timeout (ErrPoolTimeout).
	PoolTimeout Class = "pool_timeout"
)

// Classify tells which outage or contention err is; ok is false for
// anything else (a constraint violation, a bug, or the client going away:
// a request whose context was cancelled is not an outage).
func Classify(err error) (c Class, ok bool) {
	if err == nil || errors.Is(err, context.Canceled) {
		return "", false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40P01":
			return Deadlock, true
		case pe.Code == "40001":
			return Serialization, true
		case pe.Code == "55P03":
			return LockTimeout, true
		case pe.Code == "57014":
			return StatementTimeout, true
		case pe.Code == "25006":
			return ReadOnly, true
		case strings.HasPrefix(pe.Code, "53"):
			return TooManyConnections, true
		case pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || strings.HasPrefix(pe.Code, "08"):
			return Unavailable, true
		}
		return "", false
	}
	if errors.Is(err, ErrPoolTimeout) {
		return PoolTimeout, true
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return StatementTimeout, true
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &oe), errors.As(err, &ne):
		return Unavailable, true
	}
	return "", false
}

// Retryable is true for the failures that running the same short
// transaction again may cure: a deadlock or a serialization failure.
func Retryable(err error) bool {
	c, ok := Classify(err)
	return ok && (c == Deadlock || c == Serialization)
}
