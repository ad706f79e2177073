package hotline

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
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
// commit) through a bulk pool, and prints rows/s, the phases and the
// process's peak RSS. In the same run it measures the floor: the file's
// points in a staging table mapped by the bare spatial joins alone (grid
// covering the point, nearest street within 50 m, frontage zone), as
// CREATE TABLE AS over the schema's own tables, and prints import/floor.
//
//	go test -run '^$' -bench Import1M -benchtime 1x -timeout 60m ./internal/hotline/
//
// HOTLINE_BENCH_ROWS sets another row count; HOTLINE_BENCH_ROW_BY_ROW=1
// imports with the per-row foreign-key triggers (what a role that may not
// set session_replication_role gets).
func BenchmarkImport1M(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("HOTLINE_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("HOTLINE_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	rowByRow := os.Getenv("HOTLINE_BENCH_ROW_BY_ROW") == "1"
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
		if _, err := d.Pool.Exec(ctx, "CHECKPOINT"); err != nil {
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
		res, err := Import(ctx, pool, bufio.NewReaderSize(in, 1<<20), Options{Actor: "bench", Source: "bench", rowByRow: rowByRow,
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
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		bare, err := floor(ctx, pool)
		if err != nil {
			b.Fatal(err)
		}
		pool.Close()

		mode := "foreign keys checked set-wise (replica mode)"
		if rowByRow {
			mode = "foreign keys checked row by row"
		}
		fmt.Printf("import %d rows, %s: %.1f s, %.0f rows/s (%d dispatched, %d closed, %d unmapped, %d recurrences, %d rejected); peak RSS %d MB\n",
			rows, mode, took.Seconds(), float64(rows)/took.Seconds(), res.Dispatched, res.Closed, res.Unmapped, res.Recurrences, res.Rejected, ru.Maxrss/1024)
		for _, p := range res.Phases {
			fmt.Printf("  %-14s %6.1f s  %4.1f %%\n", p.Name, p.Took.Seconds(), 100*p.Took.Seconds()/took.Seconds())
		}
		fmt.Printf("floor, bare spatial joins over areas, streets, frontages: %.1f s; import/floor = %.2f\n", bare.Seconds(), took.Seconds()/bare.Seconds())
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(took.Seconds()/bare.Seconds(), "import/floor")
		b.ReportMetric(bare.Seconds(), "floor-s")
	}
	b.StartTimer()
}

// The floor's three joins, each a plain join keeping one row per point,
// with duty.Resolve's rules: the grid covering the point (lowest code on a
// shared edge), the nearest street within 50 m (geodesic; the GiST
// prefilter is places.RadiusDegrees' box), the frontage unit whose zone
// covers the point (the nearest unit when zones overlap).
const (
	floorGrids = `CREATE UNLOGGED TABLE floor_grid AS
SELECT DISTINCT ON (s.line) s.line, g.code
FROM hotline_stage s JOIN areas g ON g.level = 'grid' AND ST_Covers(g.geom, s.geom)
ORDER BY s.line, g.code`

	floorStreets = `CREATE UNLOGGED TABLE floor_street AS
SELECT DISTINCT ON (x.line) x.line, x.code, x.d FROM (
	SELECT s.line, st.code, ST_Distance(st.geom::geography, s.geom::geography) AS d
	FROM hotline_stage s JOIN streets st ON ST_DWithin(st.geom, s.geom, 50 / (110000 * cos(radians(least(abs(s.lat) + 1, 89.9)))))
) x
WHERE x.d <= 50
ORDER BY x.line, x.d, x.code`

	floorFrontages = `CREATE UNLOGGED TABLE floor_frontage AS
SELECT DISTINCT ON (s.line) s.line, f.id
FROM hotline_stage s JOIN frontages f ON ST_Covers(f.zone, s.geom)
ORDER BY s.line, ST_Distance(f.geom, s.geom), f.id`
)

// floorSessionSQL gives the joins what makes them fastest here: no JIT,
// memory for the sorts, index probes instead of a bitmap per point; the
// bulk pool lets them run in parallel.
const floorSessionSQL = `SET LOCAL jit = off; SET LOCAL work_mem = '512MB'; SET LOCAL enable_bitmapscan = off`

// floor stages the imported points (untimed) and times the three spatial
// joins over them in a transaction set up as the import's, rolled back.
func floor(ctx context.Context, pool *pgxpool.Pool) (time.Duration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	for _, sql := range []string{floorSessionSQL,
		`CREATE UNLOGGED TABLE hotline_stage AS SELECT id AS line, ST_Y(geom) AS lat, geom FROM problems`,
		"ANALYZE hotline_stage"} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	for _, sql := range []string{floorGrids, floorStreets, floorFrontages} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, fmt.Errorf("floor: %w", err)
		}
	}
	return time.Since(start), nil
}
