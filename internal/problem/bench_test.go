package problem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkIntakeHTTP32 files reports over HTTP from 32 concurrent
// clients on the staffed sample city (patrol reports: mapped, resolved,
// dispatched, deadline set, recurrence and duplicates checked) and reports
// requests/s, p50 and p99 latency and errors.
//
//	go test -run '^$' -bench IntakeHTTP32 -benchtime 4000x ./internal/problem/
func BenchmarkIntakeHTTP32(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	d.Pool.Exec(ctx, "ANALYZE")
	tok, _, err := auth.Create(ctx, d.Pool, "bench", "dispatcher")
	if err != nil {
		b.Fatal(err)
	}
	// One pool as serve would size it for 32 clients.
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 32})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	srv := httptest.NewServer(app.New(pool, app.Options{Quiet: true}))
	defer srv.Close()
	var cats []string
	rows, _ := pool.Query(ctx, "SELECT code FROM categories WHERE active ORDER BY code")
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cats = append(cats, c)
	}
	const clients = 32
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var next, errs atomic.Int64
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				body, _ := json.Marshal(map[string]any{
					"lon": 116.25 + rng.Float64()*0.3, "lat": 37.35 + rng.Float64()*0.2,
					"category": cats[rng.IntN(len(cats))], "source": "patrol",
					"source_ref": fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), "description": "bench",
				})
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/problems", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat[i] = time.Since(t0)
				if err != nil || resp.StatusCode != http.StatusCreated {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(errs.Load()), "errors")
}
