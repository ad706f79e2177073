package problem_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/problem"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkIntakeDuringImport1M measures intake at 32 concurrent clients
// over HTTP with durable commits (synchronous_commit = on) on the staffed
// sample city with 1,000,000 imported problems, in three runs of the same
// process: the floor (intake's own statement, problem.IntakeSQL, driven on
// raw pgx by 32 goroutines with arguments intake computed beforehand),
// intake alone, and intake while another 1,000,000-row import runs. It
// prints requests/s, p50, p99 and errors of each, the ratios to the
// floor, and the import's time beside the load.
//
//	go test -run '^$' -bench IntakeDuringImport1M -benchtime 1x -timeout 60m ./internal/problem/
//
// INTAKE_BENCH_ROWS sets another size for both imports; INTAKE_BENCH_N
// the requests of the floor and of the run alone (default 4,000).
func BenchmarkIntakeDuringImport1M(b *testing.B) {
	rows := envInt(b, "INTAKE_BENCH_ROWS", 1_000_000)
	n := envInt(b, "INTAKE_BENCH_N", 4000)
	const clients = 32
	ctx := context.Background()
	b.StopTimer()
	for range b.N {
		d := dbtest.New(b)
		if err := sample.Load(ctx, d.Pool, nil); err != nil {
			b.Fatal(err)
		}
		// Durable commits on every connection opened from here on.
		if _, err := d.Pool.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{d.Name}.Sanitize()+" SET synchronous_commit = on"); err != nil {
			b.Fatal(err)
		}
		base := hotlineFile(b, rows, 1)
		t0 := time.Now()
		res, err := runImport(ctx, d.URL, base, nil)
		if err != nil {
			b.Fatal(err)
		}
		loadTook := time.Since(t0)
		for _, q := range []string{"VACUUM ANALYZE", "CHECKPOINT"} {
			if _, err := d.Pool.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		second := renumber(b, hotlineFile(b, rows, 2), "92345")
		fmt.Printf("loaded %d problems in %.1f s (synchronous_commit = %s)\n", res.Imported, loadTook.Seconds(), setting(b, d.URL, "synchronous_commit"))

		pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: clients})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(app.New(pool, app.Options{Quiet: true}))
		l := newLoader(b, pool, srv.URL, clients)

		floorArgs := captureIntake(b, d.URL, l, 500)
		b.StartTimer()
		floor := floorRun(b, pool, floorArgs, clients, n)
		fmt.Printf("floor (intake's statement on raw pgx, %d clients): %v\n", clients, floor)

		alone := l.run(clients, n, false, nil)
		fa := summarise(alone, kindIntake, time.Time{}, time.Now(), success(kindIntake))
		fmt.Printf("intake over HTTP alone (%d clients):      %v; %.2f × the floor\n", clients, fa, fa.rate/floor.rate)

		stop := make(chan struct{})
		var during []answer
		var wg sync.WaitGroup
		wg.Go(func() { during = l.run(clients, 0, false, stop) })
		time.Sleep(time.Second)
		began := time.Now()
		var insert time.Time
		var mu sync.Mutex
		ires, ierr := runImport(ctx, d.URL, second, func(name string) {
			if name == "insert" {
				mu.Lock()
				insert = time.Now()
				mu.Unlock()
			}
		})
		ended := time.Now()
		close(stop)
		wg.Wait()
		b.StopTimer()
		if ierr != nil {
			b.Fatal(ierr)
		}
		fd := summarise(during, kindIntake, began, ended, success(kindIntake))
		fw := summarise(during, kindIntake, insert, ended, success(kindIntake))
		fmt.Printf("intake while a %d-row import runs:      %v; %.2f × the floor\n", rows, fd, fd.rate/floor.rate)
		fmt.Printf("  of which while it writes (%.1f s):     %v\n", ended.Sub(insert).Seconds(), fw)
		fmt.Printf("the import beside the load: %d rows in %.1f s (%.1f s alone into the empty city)\n", ires.Imported, ended.Sub(began).Seconds(), loadTook.Seconds())
		b.ReportMetric(fa.rate, "alone-req/s")
		b.ReportMetric(ms(fa.p99), "alone-p99-ms")
		b.ReportMetric(fa.rate/floor.rate, "alone/floor")
		b.ReportMetric(fd.rate/floor.rate, "import/floor")
		b.ReportMetric(ms(fd.p99), "import-p99-ms")
		b.ReportMetric(float64(fa.errs+fd.errs), "errors")
		srv.Close()
		pool.Close()
	}
}

func envInt(tb testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		tb.Fatalf("%s=%q", name, s)
	}
	return v
}

func setting(tb testing.TB, url, name string) string {
	conn, err := db.Connect(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(context.Background(), "SELECT current_setting($1)", name).Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// argTracer keeps the arguments of every IntakeSQL statement.
type argTracer struct {
	mu   sync.Mutex
	args [][]any
}

func (t *argTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if data.SQL == problem.IntakeSQL {
		t.mu.Lock()
		t.args = append(t.args, slices.Clone(data.Args))
		t.mu.Unlock()
	}
	return ctx
}

func (t *argTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// captureIntake runs intake k times on the loader's kind of reports
// through a traced pool and returns the arguments intake gave its
// statement (mapping, chain, handler, deadline inputs computed).
func captureIntake(tb testing.TB, url string, l *loader, k int) [][]any {
	tb.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatal(err)
	}
	tr := &argTracer{}
	cfg.ConnConfig.Tracer = tr
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	defer pool.Close()
	rng := rand.New(rand.NewPCG(99, 7))
	for i := range k {
		if _, _, err := problem.Intake(ctx, pool, problem.Settings{StreetRadiusM: 50}, problem.Report{
			Category: l.cats[rng.IntN(len(l.cats))], Source: "patrol", SourceRef: fmt.Sprintf("capture-%d", i), Description: "load",
			Lon: 116.25 + rng.Float64()*0.3, Lat: 37.35 + rng.Float64()*0.2, ReportedAt: time.Now(), Actor: "bench",
		}); err != nil {
			tb.Fatal(err)
		}
	}
	if len(tr.args) != k {
		tb.Fatalf("captured %d intake statements of %d", len(tr.args), k)
	}
	return tr.args
}

// floorRun drives IntakeSQL with the captured arguments (a fresh
// source_ref each time) from clients goroutines, n statements in all.
func floorRun(tb testing.TB, pool *pgxpool.Pool, captured [][]any, clients, n int) figures {
	tb.Helper()
	ctx := context.Background()
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				args := slices.Clone(captured[int(i)%len(captured)])
				ref := fmt.Sprintf("floor-%d-%d", w, i)
				args[4] = &ref // $5, source_ref
				t0 := time.Now()
				var id int64
				if err := pool.QueryRow(ctx, problem.IntakeSQL, args...).Scan(&id); err != nil {
					errs.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return figures{n: n, errs: int(errs.Load()), rate: float64(n) / elapsed.Seconds(),
		p50: lat[n/2], p99: lat[n*99/100], max: lat[n-1]}
}
