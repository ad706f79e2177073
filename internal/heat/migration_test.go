package heat_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/migrations"
)

// The delta rollup migrates down with deltas pending (they are folded into
// heat_day, which the old triggers keep alone) and up again, exact both
// ways.
func TestDeltaRollupMigratesDownAndUp(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	scatter(t, e, 300)
	if _, err := e.D.Pool.Exec(ctx, `UPDATE problems SET status = 'void' WHERE id % 4 = 0 AND status <> 'merged'`); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, e.D.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	m, err := migrate.NewMigrator(ctx, conn, db.VersionTable)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		t.Fatal(err)
	}
	// the migration that brought heat_delta in, whatever its number
	var deltas int32
	for _, mg := range m.Migrations {
		if strings.HasSuffix(mg.Name, "_heat_deltas.sql") {
			deltas = mg.Sequence
		}
	}
	if deltas == 0 {
		t.Fatal("no heat_deltas migration")
	}
	latest := int32(len(m.Migrations))
	if err := m.MigrateTo(ctx, deltas-1); err != nil {
		t.Fatalf("down to %d: %v", deltas-1, err)
	}
	var diff int
	if err := conn.QueryRow(ctx, `WITH want AS (
			SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(h3_15, 6) AS area, (h3_15 >> 15) & 4095 AS off,
				category_code, source, count(*)::int AS n, count(rebound_of)::int AS rb
			FROM problems WHERE status NOT IN ('void', 'merged') GROUP BY 1, 2, 3, 4, 5
		), have AS (
			SELECT h.day, h.area, x.k >> 13 AS off, hk.category_code, hk.source, x.n, x.rb
			FROM heat_day h, heat_unpack(h.entries) x JOIN heat_keys hk ON hk.id = x.k & 8191
		)
		SELECT count(*) FROM want w FULL JOIN have h USING (day, area, off, category_code, source)
		WHERE w.n IS DISTINCT FROM h.n OR w.rb IS DISTINCT FROM h.rb`).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Errorf("down at %d: heat_day differs from the recount in %d entries", deltas-1, diff)
	}
	// the old triggers work again
	if _, err := conn.Exec(ctx, `UPDATE problems SET status = 'closed' WHERE status = 'void' AND id % 8 = 0`); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx, latest); err != nil {
		t.Fatalf("up to %d: %v", latest, err)
	}
	checkRollup(t, e, "down and up")
	if _, err := e.D.Pool.Exec(ctx, `UPDATE problems SET status = 'void' WHERE id % 9 = 0 AND status <> 'merged'`); err != nil {
		t.Fatal(err)
	}
	checkRollup(t, e, "down, up and a write")
	checkFolded(t, e, "down, up and a write")
}
