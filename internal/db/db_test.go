package db_test

import (
	"context"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func TestFreshDatabaseIsMigratedWithPostGIS(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	var version string
	if err := d.Pool.QueryRow(ctx, "SELECT postgis_lib_version()").Scan(&version); err != nil {
		t.Fatalf("postgis: %v", err)
	}
	var tables int
	if err := d.Pool.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('areas','streets','api_tokens')").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 3 {
		t.Fatalf("want 3 tables after migration, got %d", tables)
	}
	var jit string
	if err := d.Pool.QueryRow(ctx, "SHOW jit").Scan(&jit); err != nil || jit != "off" {
		t.Fatalf("request pools run with jit off, got %q (%v)", jit, err)
	}
}
