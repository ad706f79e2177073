package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"github.com/gridkeeper/gridkeeper/migrations"
)

// VersionTable is where tern records the applied migration version.
const VersionTable = "public.schema_version"

// Migrate applies every embedded migration not yet applied to the database
// at url and reports the versions before and after.
func Migrate(ctx context.Context, url string) (from, to int32, err error) {
	conn, err := Connect(ctx, url)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(context.Background())
	return MigrateConn(ctx, conn, migrations.FS)
}

// MigrateConn applies the migrations in fsys over conn. tern holds an
// advisory lock meanwhile, so concurrent callers apply them once.
func MigrateConn(ctx context.Context, conn *pgx.Conn, fsys fs.FS) (from, to int32, err error) {
	m, err := migrate.NewMigrator(ctx, conn, VersionTable)
	if err != nil {
		return 0, 0, fmt.Errorf("migrator: %w", err)
	}
	if err := m.LoadMigrations(fsys); err != nil {
		return 0, 0, fmt.Errorf("load migrations: %w", err)
	}
	from, err = m.GetCurrentVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("current schema version: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return from, 0, fmt.Errorf("migrate: %w", err)
	}
	to, err = m.GetCurrentVersion(ctx)
	if err != nil {
		return from, 0, fmt.Errorf("current schema version: %w", err)
	}
	return from, to, nil
}
