package problem_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/migrations"
)

// Migration 010 moved the chains into chain_links: going back to 9 puts
// every problem's chain back into its JSON column as it renders, and
// coming up again stores the same links, rendered the same.
func TestChainLinksMigrateDownAndUpKeepingEveryChain(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	for _, b := range []map[string]any{
		with(shopFront, "category", "T-LITTER"),            // frontage, street with distance, grid, leaders
		with(shopFront, "category", "T-BUILD"),             // the department leads
		{"lon": 116.15, "lat": 37.15, "category": "T-DOG"}, // a vacant grid
		{"lon": 117.5, "lat": 38.5, "category": "T-DOG"},   // outside every grid
	} {
		e.report(t, with(b, "source", "patrol"))
	}
	conn, err := pgx.Connect(ctx, e.d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	chains := func(sql string) map[int64]string {
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]string{}
		for rows.Next() {
			var id int64
			var c string
			if err := rows.Scan(&id, &c); err != nil {
				t.Fatal(err)
			}
			out[id] = c
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	rendered := `SELECT id, problem_chain(chain_links, street_distance_m)::text FROM problems`
	before := chains(rendered)
	if len(before) != 4 {
		t.Fatalf("%d problems", len(before))
	}
	m, err := migrate.NewMigrator(ctx, conn, db.VersionTable)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		t.Fatal(err)
	}
	latest := int32(len(m.Migrations))
	if err := m.MigrateTo(ctx, 9); err != nil {
		t.Fatalf("down to 9: %v", err)
	}
	down := chains(`SELECT id, chain::text FROM problems`)
	if err := m.MigrateTo(ctx, latest); err != nil {
		t.Fatalf("up to %d: %v", latest, err)
	}
	conn.DeallocateAll(ctx)
	up := chains(rendered)
	for id, c := range before {
		if down[id] != c {
			t.Errorf("problem %d at version 9:\n %s\nwant %s", id, down[id], c)
		}
		if up[id] != c {
			t.Errorf("problem %d back at version %d:\n %s\nwant %s", id, latest, up[id], c)
		}
		if c == "[]" { // even outside every grid the department answers
			t.Errorf("problem %d has no chain", id)
		}
	}
}
