package stats_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
	"github.com/gridkeeper/gridkeeper/internal/sample/history"
)

// BenchmarkMonthlyRanking times the monthly ranking over 1,000,000
// generated problems (gen problems --count 1000000 --months 12 --seed 1,
// the twelve months to 1 November 2026) loaded into the staffed sample
// city by the hotline importer (internal/hotline), as a city would load
// its 12345 exports: GET /api/v1/rankings for October 2026 (and
// September, for the change) at grid level — the figure the issue asks
// for — by handler, and October's statistics of every grid as GeoJSON.
// Every ticket is a hotline report, so patrol shares are 0 and nothing is
// reworked; that changes no cost but the few event-log probes.
//
//	go test -run '^$' -bench MonthlyRanking -benchtime 5x -timeout 30m ./internal/stats/
func BenchmarkMonthlyRanking(b *testing.B) {
	ctx := context.Background()
	d := dbtest.New(b)
	start := time.Now()
	n, err := loadHotline(ctx, d, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("setup: the sample city and %d problems imported in %s\n", n, time.Since(start).Round(time.Second))
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	defer srv.Close()
	for _, bc := range []struct{ name, path string }{
		{"grid", "/api/v1/rankings?level=grid&month=2026-10"},
		{"person", "/api/v1/rankings?level=person&month=2026-10"},
		{"areas-grid", "/api/v1/stats/areas?level=grid&month=2026-10"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			get := func() time.Duration {
				t0 := time.Now()
				resp, err := http.Get(srv.URL + bc.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("GET %s: %d", bc.path, resp.StatusCode)
				}
				return time.Since(t0)
			}
			first := get() // fills the area measure cache
			var total time.Duration
			runs := 0
			for b.Loop() {
				total += get()
				runs++
			}
			mean := total / time.Duration(max(runs, 1))
			b.ReportMetric(float64(mean.Microseconds())/1000, "ms/request")
			fmt.Printf("%s: first request %s, mean of %d: %s\n", bc.path, first.Round(time.Millisecond), runs, mean.Round(time.Millisecond))
		})
	}
}

// generatedUntil is the day the generated window ends (Beijing midnight).
var generatedUntil = time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))

// loadHotline loads the staffed sample city and count generated tickets,
// streamed from the generator straight into hotline.Import over a bulk
// pool, and returns the number of problems.
func loadHotline(ctx context.Context, d *dbtest.DB, count int) (int64, error) {
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		return 0, err
	}
	if _, err := d.Pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return 0, err
	}
	bulk, err := db.Open(ctx, d.URL, db.PoolOptions{Bulk: true})
	if err != nil {
		return 0, err
	}
	defer bulk.Close()
	res, err := history.LoadUntil(ctx, bulk, count, generatedUntil, nil)
	if err != nil {
		return 0, err
	}
	if _, err := bulk.Exec(ctx, "ANALYZE"); err != nil {
		return 0, err
	}
	return int64(res.Imported), nil
}
