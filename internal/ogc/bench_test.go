package ogc_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
	"github.com/gridkeeper/gridkeeper/internal/sample/history"
)

// BenchmarkItems1M measures /ogc on 1,000,000 generated problems (gen
// problems --count 1000000 --months 12 --seed 1) imported into the staffed
// sample city by the hotline importer, through the real router over HTTP,
// and prints side by side in one run: a page of 10,000 problems
// (features/s, first byte) without and with gzip, beside the floor (the
// same 10,000 rows as one json_agg(json_build_object(… ST_AsGeoJSON(geom)
// …)) that PostgreSQL builds itself, read by the same pool); a page of up
// to 1,000 in a small bbox (about 1 km) over the busiest place (req/s, one
// client and four); the whole collection through next links at
// limit=10,000 (s); and the process's peak RSS (server and client share
// it).
//
//	go test -run '^$' -bench Items1M -benchtime 1x -timeout 60m ./internal/ogc/
//
// OGC_BENCH_ROWS sets another row count.
func BenchmarkItems1M(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("OGC_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("OGC_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	ctx := context.Background()
	d := dbtest.New(b)
	t0 := time.Now()
	n, err := loadHotline(ctx, d, rows)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("setup: %d problems imported in %s\n", n, time.Since(t0).Round(time.Second))
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	defer srv.Close()
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 8}}
	gzipped := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}

	// get fetches u and returns the number of features, the next link,
	// the time to first byte and the total. It counts features and finds
	// the next link in the raw bytes, so that the client's own JSON
	// decoding is not charged to the server (the floor below is not
	// decoded either).
	nextLink := regexp.MustCompile(`\{"href":"([^"]+)","rel":"next"`)
	get := func(c *http.Client, u string) (int, string, time.Duration, time.Duration) {
		var first time.Duration
		start := time.Now()
		req, _ := http.NewRequest("GET", u, nil)
		req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotFirstResponseByte: func() { first = time.Since(start) },
		}))
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
		}
		next := ""
		tail := body[max(0, len(body)-4096):]
		if m := nextLink.FindSubmatch(tail); m != nil {
			next = strings.ReplaceAll(string(m[1]), `\u0026`, "&")
		}
		return bytes.Count(body, []byte(`{"type":"Feature"`)), next, first, time.Since(start)
	}
	// A page from the middle of the collection.
	var mid int64
	if err := d.Pool.QueryRow(ctx, "SELECT id FROM problems ORDER BY id OFFSET $1 LIMIT 1", n/2).Scan(&mid); err != nil {
		b.Fatal(err)
	}
	page := srv.URL + "/ogc/collections/problems/items?limit=10000&after=" + strconv.FormatInt(mid, 10)
	const reps = 10
	for _, v := range []struct {
		name string
		c    *http.Client
	}{{"identity", plain}, {"gzip", gzipped}} {
		get(v.c, page) // warm
		var total, ttfb time.Duration
		for range reps {
			nf, _, first, all := get(v.c, page)
			if nf != 10000 {
				b.Fatalf("page of %d", nf)
			}
			total += all
			ttfb += first
		}
		fmt.Printf("items page of 10,000 (%s): %.0f features/s, %.1f ms a page, first byte %.1f ms\n", v.name,
			10000*reps/total.Seconds(), ms(total/reps), ms(ttfb/reps))
	}
	// The floor: PostgreSQL's own JSON of the same rows.
	floorSQL := `SELECT json_agg(json_build_object('type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom, 7)::json,
		'properties', json_build_object('number', t.number, 'category', t.category_code, 'status', t.status::text, 'source', t.source,
			'address', t.address, 'description', t.description, 'reported_at', t.reported_at, 'due_at', t.due_at, 'closed_at', t.closed_at,
			'grid', t.grid_code, 'community', t.community_code, 'subdistrict', t.subdistrict_code, 'district', t.district_code,
			'street', t.street_code, 'recurs_of', t.recurs_of, 'rebound_of', t.rebound_of)))::text
		FROM (SELECT * FROM problems WHERE id > $1 ORDER BY id LIMIT 10000) t`
	var floor time.Duration
	var blob []byte
	d.Pool.QueryRow(ctx, floorSQL, mid).Scan(&blob)
	for range reps {
		s := time.Now()
		if err := d.Pool.QueryRow(ctx, floorSQL, mid).Scan(&blob); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(s)
	}
	fmt.Printf("floor, json_agg(ST_AsGeoJSON) of the same 10,000 rows: %.0f features/s, %.1f ms (%d bytes)\n",
		10000*reps/floor.Seconds(), ms(floor/reps), len(blob))

	// Small bbox over the busiest place: the res-8 parent cell with most problems.
	var lon, lat float64
	if err := d.Pool.QueryRow(ctx, `SELECT ST_X(c), ST_Y(c) FROM (
		SELECT ST_Centroid(ST_Collect(geom)) AS c, count(*) FROM problems
		GROUP BY (h3_15 & ~(15::bigint << 52)) | (8::bigint << 52) | ((1::bigint << 21) - 1) ORDER BY 2 DESC LIMIT 1) s`).Scan(&lon, &lat); err != nil {
		b.Fatal(err)
	}
	small := fmt.Sprintf("%s/ogc/collections/problems/items?limit=1000&bbox=%.5f,%.5f,%.5f,%.5f", srv.URL, lon-0.006, lat-0.0045, lon+0.006, lat+0.0045)
	nSmall, _, _, _ := get(plain, small)
	fmt.Printf("small bbox (%.0f m × %.0f m at %.4f,%.4f): %d features a page\n", 0.012*88000, 0.009*111000, lon, lat, nSmall)
	// Its floor: the same page's ids alone in SQL.
	idsSQL := `SELECT id FROM problems WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY id LIMIT 1001`
	var idsTime time.Duration
	for range reps {
		s := time.Now()
		rows, err := d.Pool.Query(ctx, idsSQL, pgx.QueryExecModeExec, lon-0.006, lat-0.0045, lon+0.006, lat+0.0045)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		idsTime += time.Since(s)
	}
	fmt.Printf("floor, the small-bbox page's ids alone in SQL: %.0f queries/s\n", reps/idsTime.Seconds())
	for _, clients := range []int{1, 4} {
		const perClient = 50
		var wg sync.WaitGroup
		var firstSum time.Duration
		var mu sync.Mutex
		s := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range perClient {
					_, _, first, _ := get(plain, small)
					mu.Lock()
					firstSum += first
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		el := time.Since(s)
		fmt.Printf("small-bbox page of %d, %d client(s): %.0f req/s, first byte %.1f ms\n", nSmall, clients,
			float64(clients*perClient)/el.Seconds(), ms(firstSum/time.Duration(clients*perClient)))
		_ = nSmall
	}

	// The whole collection through next links.
	// The import's peak is not the server's: release it, and reset the
	// peak (VmHWM) to the current RSS.
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	rssBefore := rss("VmRSS")
	s := time.Now()
	count, pages := 0, 0
	var maxFirst time.Duration
	for next := srv.URL + "/ogc/collections/problems/items?limit=10000"; next != ""; pages++ {
		nf, nl, first, _ := get(plain, next)
		count += nf
		maxFirst = max(maxFirst, first)
		next = nl
	}
	el := time.Since(s)
	if int64(count) != n {
		b.Fatalf("walked %d features of %d", count, n)
	}
	fmt.Printf("whole collection through next links: %d features in %d pages, %.2f s (%.0f features/s), slowest first byte %.1f ms\n",
		count, pages, el.Seconds(), float64(count)/el.Seconds(), ms(maxFirst))
	fmt.Printf("process RSS (server and client): %s before the walk, peak during it %s\n", rssBefore, rss("VmHWM"))
	for b.Loop() {
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// rss reads a memory line of /proc/self/status (VmRSS, VmHWM).
func rss(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, key+":"))
		}
	}
	return "?"
}

// generatedUntil is the day the generated window ends (Beijing midnight).
var generatedUntil = time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))

// loadHotline loads the staffed sample city and count generated tickets
// through hotline.Import over a bulk pool, as internal/stats's benchmark
// does, and returns the number of problems.
func loadHotline(ctx context.Context, d *dbtest.DB, count int) (int64, error) {
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
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
	if _, err := bulk.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return 0, err
	}
	return int64(res.Imported), nil
}
