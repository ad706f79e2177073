package workcal_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at parses "2006-01-02 15:04" (or with seconds) in Beijing time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout = time.DateTime
	}
	v, err := time.ParseInLocation(layout, s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func bj(v time.Time) string { return v.In(shanghai).Format("2006-01-02 15:04:05 Mon") }

func sqlAdd(t testing.TB, d db.DB, from time.Time, minutes float64) time.Time {
	t.Helper()
	var due time.Time
	if err := d.QueryRow(context.Background(), "SELECT work_add($1, $2)", from, minutes).Scan(&due); err != nil {
		t.Fatalf("work_add(%s, %v): %v", bj(from), minutes, err)
	}
	return due
}

func sqlBetween(t testing.TB, d db.DB, a, b time.Time) float64 {
	t.Helper()
	var m float64
	if err := d.QueryRow(context.Background(), "SELECT work_minutes_between($1, $2)", a, b).Scan(&m); err != nil {
		t.Fatalf("work_minutes_between(%s, %s): %v", bj(a), bj(b), err)
	}
	return m
}

// sqlState runs sql and returns the error's SQLSTATE and message.
func sqlError(t testing.TB, d db.DB, sql string, args ...any) (code, msg string) {
	t.Helper()
	var v any
	err := d.QueryRow(context.Background(), sql, args...).Scan(&v)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: want a PostgreSQL error, got %v (result %v)", sql, err, v)
	}
	return pe.Code, pe.Message
}
