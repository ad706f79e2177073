package hotline

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkImport1M imports 1,000,000 generated hotline tickets (gen
// problems --count 1000000 --months 12 --seed 1 --until 2026-10-12) into
// a fresh database holding the staffed sample city, end to end (file to
// commit) through a bulk pool, and prints rows/s and the phases. In the
// same run it measures the floor: the same staging table mapped by the
// bare spatial joins alone (grid covering the point, nearest street
// within 50 m, frontage zone), as a CREATE TABLE AS over the schema's own
// tables; and, for comparison, the import's own three joins (over its
// working copies). It prints import/floor for both.
//
//	go test -run '^$' -bench Import1M -benchtime 1x -timeout 60m ./internal/hotline/
//
// HOTLINE_BENCH_ROWS sets another row count.
func BenchmarkImport1M(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("HOTLINE_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("HOTLINE_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "hotline.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	until := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	if _, err := problemgen.Generate(ctx, w, problemgen.Options{Count: rows, Months: 12, Seed: 1, Until: until}); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()

	b.StopTimer()
	for range b.N {
		d := dbtest.New(b)
		if err := sample.Load(ctx, d.Pool, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
		pool, err := db.Open(ctx, d.URL, db.PoolOptions{Bulk: true})
		if err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()

		start := time.Now()
		res, err := Import(ctx, pool, bufio.NewReaderSize(in, 1<<20), Options{Actor: "bench", Source: "bench", keepStage: true,
			Now: func() time.Time { return until }})
		took := time.Since(start)

		b.StopTimer()
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Imported+res.Rejected != rows {
			b.Fatalf("imported %d and rejected %d of %d", res.Imported, res.Rejected, rows)
		}
		bare, err := floor(ctx, pool, true)
		if err != nil {
			b.Fatal(err)
		}
		own, err := floor(ctx, pool, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pool.Exec(ctx, "DROP TABLE hotline_stage"); err != nil {
			b.Fatal(err)
		}
		pool.Close()

		fmt.Printf("import %d rows: %.1f s, %.0f rows/s (%d dispatched, %d closed, %d unmapped, %d recurrences, %d rejected)\n",
			rows, took.Seconds(), float64(rows)/took.Seconds(), res.Dispatched, res.Closed, res.Unmapped, res.Recurrences, res.Rejected)
		for _, p := range res.Phases {
			fmt.Printf("  %-14s %6.1f s  %4.1f %%\n", p.Name, p.Took.Seconds(), 100*p.Took.Seconds()/took.Seconds())
		}
		fmt.Printf("floor, bare spatial joins over areas, streets, frontages: %.1f s; import/floor = %.2f\n", bare.Seconds(), took.Seconds()/bare.Seconds())
		fmt.Printf("floor, the import's own joins over its working copies:   %.1f s; import/floor = %.2f\n", own.Seconds(), took.Seconds()/own.Seconds())
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(took.Seconds()/bare.Seconds(), "import/floor")
		b.ReportMetric(bare.Seconds(), "floor-s")
	}
	b.StartTimer()
}

// floor times the three spatial joins over the kept staging table in a
// transaction set up as the import's, rolled back. bare: over the
// schema's tables (areas at grid level, streets cast to geography per
// pair, frontages); otherwise the import's joins, their working copies
// included.
func floor(ctx context.Context, pool *pgxpool.Pool, bare bool) (time.Duration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	for _, sql := range []string{sessionSQL, "ANALYZE hotline_stage"} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(ctx, streetRadiusSQL, "50"); err != nil {
		return 0, err
	}
	stmts := []string{placesSQL, importGridJoin, importStreetJoin, frontageJoinSQL}
	if bare {
		stmts = []string{
			sprintf(gridJoinSQL, "areas", " AND g.level = 'grid'"),
			sprintf(streetJoinSQL, "st.geom::geography", "streets"),
			frontageJoinSQL,
		}
	}
	start := time.Now()
	for _, sql := range stmts {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, fmt.Errorf("floor: %w", err)
		}
	}
	return time.Since(start), nil
}
