package heat

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// benchUntil is the generator's "today": the data ends the day before.
var benchUntil = time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)

// BenchmarkHeat1M loads 1,000,000 generated problems over 12 months (gen
// problems --count 1000000 --months 12 --seed 1 --until 2026-10-12) once,
// then measures through the real router:
//
//   - the whole city at resolution 9 for the last 90 days of the data, all
//     categories and one (E01-10, the most frequent): a request without
//     If-None-Match (aggregated every time) and a repeat with it (304);
//   - the floor: the same window as a bare GROUP BY h3_parent(h3_15, 9)
//     over problems, in the same run, and the ratio to it;
//   - the same heatmap as format=h3 (h3 and count only: an answer as small
//     as the floor's), and read from problems alone (no rollup);
//   - hot spots with trend over 52 weekly bins, and without over 90 days;
//   - what the rollup costs writers: one-row INSERTs and status UPDATEs
//     with and without the heat triggers, and the trigger's share of the
//     1M-row load.
//
// The rows are not loaded through internal/hotline (its full mapping takes
// many minutes for a million rows): the generator's CSV is parsed here,
// h3_15 computed in Go, COPYed into a staging table and inserted into
// problems in one INSERT … SELECT, as an import's last step does, so the
// statement-level trigger builds the rollup from one transition table.
// Mapping is minimal: category by name or code, open tickets dispatched
// with due_at = reported_at + the category's time limit in clock hours,
// no grid, street or chain.
//
//	go test -run '^$' -bench Heat1M -benchtime 20x -timeout 30m ./internal/heat/
//
// HEAT_BENCH_ROWS sets another row count.
func BenchmarkHeat1M(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("HEAT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("HEAT_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	ctx := context.Background()
	d := dbtest.New(b)
	bulk, err := db.Open(ctx, d.URL, db.PoolOptions{Bulk: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bulk.Close()
	load, err := loadBench(ctx, bulk, rows)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("load %d problems: sample city %.1f s, generate+parse+COPY %.1f s, INSERT into problems (rollup trigger included) %.1f s, of which the trigger's aggregation about %.1f s; the fold of its deltas %.1f s; VACUUM ANALYZE %.1f s; heat_day %d rows holding %d entries\n",
		rows, load.city.Seconds(), load.copy.Seconds(), load.insert.Seconds(), load.trigger.Seconds(), load.fold.Seconds(), load.vacuum.Seconds(), load.rollupRows, load.rollupEntries)

	pool := d.Pool // the request pool: no JIT, no parallel workers
	srv := httptest.NewServer(benchServer(pool, false))
	defer srv.Close()
	direct := httptest.NewServer(benchServer(pool, true))
	defer direct.Close()

	last := benchUntil.In(beijing).AddDate(0, 0, -1) // the last day with data
	from90 := last.AddDate(0, 0, -89)
	win := url.Values{"from": {from90.Format("2006-01-02")}, "to": {last.Format("2006-01-02")}, "res": {"9"}}
	oneCat := "E01-10"
	catWin := url.Values{"from": win["from"], "to": win["to"], "res": win["res"], "category": {oneCat}}
	w0, w1 := dayStart(dayNum(from90)), dayStart(dayNum(last)+1)

	fig := map[string]time.Duration{}
	first := map[string]time.Duration{}
	var cells int
	measure := func(name string, fn func(b *testing.B) time.Duration) {
		b.Run(name, func(b *testing.B) {
			var total time.Duration
			n := 0
			for b.Loop() {
				d := fn(b)
				if n == 0 {
					first[name] = d
				}
				total += d
				n++
			}
			fig[name] = total / time.Duration(n)
			b.ReportMetric(float64(fig[name].Microseconds())/1000, "ms/req")
		})
	}
	floorSQL := `SELECT h3_parent(h3_15, 9), count(*) FROM problems WHERE reported_at >= $1 AND reported_at < $2 GROUP BY 1`
	floorCatSQL := `SELECT h3_parent(h3_15, 9), count(*) FROM problems WHERE reported_at >= $1 AND reported_at < $2 AND category_code = $3 GROUP BY 1`
	measure("floor/all", func(b *testing.B) time.Duration { return timeQuery(b, pool, floorSQL, w0, w1) })
	measure("heatmap/all/cold", func(b *testing.B) time.Duration {
		d, n, _ := fetch(b, srv.URL+"/api/v1/heatmap?"+win.Encode(), "")
		cells = n
		return d
	})
	measure("heatmap/all/etag-hit", func(b *testing.B) time.Duration {
		_, _, tag := fetch(b, srv.URL+"/api/v1/heatmap?"+win.Encode(), "")
		d, _, _ := fetch(b, srv.URL+"/api/v1/heatmap?"+win.Encode(), tag)
		return d
	})
	h3Win := url.Values{"from": win["from"], "to": win["to"], "res": win["res"], "format": {"h3"}}
	measure("heatmap/all/format-h3", func(b *testing.B) time.Duration {
		d, _, _ := fetch(b, srv.URL+"/api/v1/heatmap?"+h3Win.Encode(), "")
		return d
	})
	measure("heatmap/all/no-rollup", func(b *testing.B) time.Duration {
		d, _, _ := fetch(b, direct.URL+"/api/v1/heatmap?"+win.Encode(), "")
		return d
	})
	measure("floor/one-category", func(b *testing.B) time.Duration { return timeQuery(b, pool, floorCatSQL, w0, w1, oneCat) })
	measure("heatmap/one-category/cold", func(b *testing.B) time.Duration {
		d, _, _ := fetch(b, srv.URL+"/api/v1/heatmap?"+catWin.Encode(), "")
		return d
	})
	measure("heatmap/one-category/etag-hit", func(b *testing.B) time.Duration {
		_, _, tag := fetch(b, srv.URL+"/api/v1/heatmap?"+catWin.Encode(), "")
		d, _, _ := fetch(b, srv.URL+"/api/v1/heatmap?"+catWin.Encode(), tag)
		return d
	})
	measure("heatmap/one-category/no-rollup", func(b *testing.B) time.Duration {
		d, _, _ := fetch(b, direct.URL+"/api/v1/heatmap?"+catWin.Encode(), "")
		return d
	})
	year := url.Values{"from": {last.AddDate(0, 0, -363).Format("2006-01-02")}, "to": {last.Format("2006-01-02")}, "res": {"9"}, "trend": {"true"}}
	var spots int
	measure("hotspots/trend-52-weeks/cold", func(b *testing.B) time.Duration {
		d, n, _ := fetch(b, srv.URL+"/api/v1/hotspots?"+year.Encode(), "")
		spots = n
		return d
	})
	measure("hotspots/trend-52-weeks/etag-hit", func(b *testing.B) time.Duration {
		_, _, tag := fetch(b, srv.URL+"/api/v1/hotspots?"+year.Encode(), "")
		d, _, _ := fetch(b, srv.URL+"/api/v1/hotspots?"+year.Encode(), tag)
		return d
	})
	measure("hotspots/90-days/cold", func(b *testing.B) time.Duration {
		d, _, _ := fetch(b, srv.URL+"/api/v1/hotspots?"+win.Encode(), "")
		return d
	})
	for _, on := range []bool{false, true} {
		name := map[bool]string{false: "writes/without-heat-triggers", true: "writes/with-heat-triggers"}[on]
		measure(name+"/insert", func(b *testing.B) time.Duration { return timeWrite(b, bulk, on, false) })
		measure(name+"/update", func(b *testing.B) time.Duration { return timeWrite(b, bulk, on, true) })
	}

	ms := func(name string) float64 { return float64(fig[name].Microseconds()) / 1000 }
	fmt.Printf("\nheatmap, whole city, res 9, %s to %s (90 days), %d problems loaded, %d cells:\n", win.Get("from"), win.Get("to"), rows, cells)
	for _, k := range []string{"all", "one-category"} {
		floor := ms("floor/" + k)
		fmt.Printf("  %-13s floor (bare GROUP BY over problems) %7.1f ms | heatmap cold %7.1f ms (first %7.1f), ratio to floor %.2f | repeat with ETag %5.2f ms | without rollup %7.1f ms (ratio %.2f)\n",
			k, floor, ms("heatmap/"+k+"/cold"), float64(first["heatmap/"+k+"/cold"].Microseconds())/1000, ms("heatmap/"+k+"/cold")/floor,
			ms("heatmap/"+k+"/etag-hit"), ms("heatmap/"+k+"/no-rollup"), ms("heatmap/"+k+"/no-rollup")/floor)
	}
	fmt.Printf("  all, format=h3 (h3 and count only, as small an answer as the floor's): %.1f ms, ratio to floor %.2f\n",
		ms("heatmap/all/format-h3"), ms("heatmap/all/format-h3")/ms("floor/all"))
	fmt.Printf("hot spots, whole city, res 9: 52 weekly bins with trend %.0f ms (first %.0f, %d cells), repeat with ETag %.2f ms; 90 days without trend %.0f ms\n",
		ms("hotspots/trend-52-weeks/cold"), float64(first["hotspots/trend-52-weeks/cold"].Microseconds())/1000, spots,
		ms("hotspots/trend-52-weeks/etag-hit"), ms("hotspots/90-days/cold"))
	fmt.Printf("writes: one-row INSERT %.2f ms with the heat triggers, %.2f ms without; one-row status UPDATE %.2f ms with, %.2f ms without\n",
		ms("writes/with-heat-triggers/insert"), ms("writes/without-heat-triggers/insert"),
		ms("writes/with-heat-triggers/update"), ms("writes/without-heat-triggers/update"))
}

// benchServer is the heat routes on Gridkeeper's Echo set-up; noRollup
// reads every heatmap from problems.
func benchServer(pool *pgxpool.Pool, noRollup bool) http.Handler {
	e := httpx.New(httpx.Options{Quiet: true})
	(&Handlers{Pool: pool, noRollup: noRollup}).Register(e.Group("/api/v1"))
	return e
}

// fetch GETs url as a browser does (gzip accepted; with If-None-Match
// when tag is set), reads the whole body as it arrives and returns the
// time taken, the number of features and the ETag. The body is
// decompressed after the clock stops, only to count the features.
func fetch(b *testing.B, url, tag string) (time.Duration, int, string) {
	b.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set here, so the transport leaves the body compressed
	if tag != "" {
		req.Header.Set("If-None-Match", tag)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	want := http.StatusOK
	if tag != "" {
		want = http.StatusNotModified
	}
	if resp.StatusCode != want {
		b.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			b.Fatal(err)
		}
	}
	return took, bytes.Count(body, []byte(`"type":"Feature",`)), resp.Header.Get("ETag")
}

func timeQuery(b *testing.B, pool *pgxpool.Pool, sql string, args ...any) time.Duration {
	b.Helper()
	start := time.Now()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if rows.Err() != nil || n == 0 {
		b.Fatalf("floor: %d rows, %v", n, rows.Err())
	}
	return time.Since(start)
}

// timeWrite times one autocommitted one-row INSERT into problems (or a
// status UPDATE of one problem back and forth), with the heat triggers
// on or off. Inserted rows are deleted again, untimed.
func timeWrite(b *testing.B, pool *pgxpool.Pool, triggers, update bool) time.Duration {
	b.Helper()
	ctx := context.Background()
	toggle := "DISABLE"
	if triggers {
		toggle = "ENABLE"
	}
	for _, t := range []string{"heat_insert", "heat_update", "heat_delete"} {
		if _, err := pool.Exec(ctx, "ALTER TABLE problems "+toggle+" TRIGGER "+t); err != nil {
			b.Fatal(err)
		}
	}
	defer pool.Exec(ctx, "ALTER TABLE problems ENABLE TRIGGER USER")
	var took time.Duration
	if update {
		start := time.Now()
		_, err := pool.Exec(ctx, `UPDATE problems SET status = CASE status WHEN 'dispatched' THEN 'in_progress' ELSE 'dispatched' END::problem_status
			WHERE id = (SELECT min(id) FROM problems WHERE status IN ('dispatched', 'in_progress'))`)
		took = time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		return took
	}
	cell, _ := h3.LatLngToCell(h3.LatLng{Lat: 37.45, Lng: 116.3}, 15)
	var id int64
	start := time.Now()
	err := pool.QueryRow(ctx, `INSERT INTO problems (number, category_code, source, geom, h3_15, reported_at, status)
		VALUES ('', 'E01-10', 'patrol', ST_SetSRID(ST_MakePoint(116.3, 37.45), 4326), $1, now() - interval '1 day', 'dispatched')
		RETURNING id`, int64(cell)).Scan(&id)
	took = time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM problems WHERE id = $1`, id); err != nil {
		b.Fatal(err)
	}
	return took
}

type loadTimes struct {
	city, copy, insert, trigger, fold, vacuum time.Duration
	rollupRows, rollupEntries                 int64
}

// loadBench loads the sample city and rows generated problems (see
// BenchmarkHeat1M).
func loadBench(ctx context.Context, pool *pgxpool.Pool, rows int) (loadTimes, error) {
	var lt loadTimes
	start := time.Now()
	if err := sample.Load(ctx, pool, nil); err != nil {
		return lt, err
	}
	lt.city = time.Since(start)

	cats := map[string]string{}
	crows, err := pool.Query(ctx, `SELECT code, name FROM categories`)
	if err != nil {
		return lt, err
	}
	var code, name string
	if _, err := pgx.ForEachRow(crows, []any{&code, &name}, func() error {
		cats[code], cats[name] = code, code
		return nil
	}); err != nil {
		return lt, err
	}

	start = time.Now()
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		_, err := problemgen.Generate(ctx, w, problemgen.Options{Count: rows, Months: 12, Seed: 1, Until: benchUntil})
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
	}()
	cr := csv.NewReader(bufio.NewReaderSize(pr, 1<<20))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil { // header
		return lt, err
	}
	if _, err := pool.Exec(ctx, `CREATE UNLOGGED TABLE heat_bench_stage (ticket text, category_code text, lon float8, lat float8,
		h3 bigint, reported_at timestamptz, closed_at timestamptz)`); err != nil {
		return lt, err
	}
	src := &stageRows{r: cr, cats: cats}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"heat_bench_stage"},
		[]string{"ticket", "category_code", "lon", "lat", "h3", "reported_at", "closed_at"}, src); err != nil {
		return lt, fmt.Errorf("copy: %w (%v)", err, src.err)
	}
	lt.copy = time.Since(start)

	start = time.Now()
	if _, err := pool.Exec(ctx, `INSERT INTO problems (number, category_code, source, source_ref, geom, h3_15, reported_at, status,
			registered_at, dispatched_at, dispatch_count, time_limit_hours, due_at, resolved_at, closed_at)
		SELECT '', s.category_code, 'hotline', s.ticket, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.h3, s.reported_at,
			CASE WHEN s.closed_at IS NULL THEN 'dispatched' ELSE 'closed' END::problem_status,
			s.reported_at, s.reported_at, 1, c.time_limit_hours, s.reported_at + c.time_limit_hours * interval '1 hour', s.closed_at, s.closed_at
		FROM heat_bench_stage s JOIN categories c ON c.code = s.category_code
		ORDER BY s.reported_at`); err != nil {
		return lt, fmt.Errorf("insert problems: %w", err)
	}
	lt.insert = time.Since(start)
	start = time.Now()
	if _, err := Fold(ctx, pool); err != nil { // what the import does after its commit
		return lt, fmt.Errorf("fold: %w", err)
	}
	lt.fold = time.Since(start)
	if _, err := pool.Exec(ctx, `DROP TABLE heat_bench_stage`); err != nil {
		return lt, err
	}
	// What the trigger's upsert aggregates, alone.
	start = time.Now()
	if _, err := pool.Exec(ctx, `CREATE TEMP TABLE heat_bench_trigger AS
		SELECT day, area, string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k) AS entries
		FROM (
			SELECT (p.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(p.h3_15, 6) AS area,
				((p.h3_15 >> 15) & 4095) << 13 | hk.id AS k, count(*) AS n, count(p.rebound_of) AS rb
			FROM problems p JOIN heat_keys hk ON hk.category_code = p.category_code AND hk.source = p.source
			WHERE p.status NOT IN ('void', 'merged')
			GROUP BY 1, 2, 3
		) e
		GROUP BY day, area ORDER BY day, area`); err != nil {
		return lt, err
	}
	lt.trigger = time.Since(start)
	start = time.Now()
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		return lt, err
	}
	lt.vacuum = time.Since(start)
	err = pool.QueryRow(ctx, `SELECT count(*), sum(length(entries) / 8) FROM heat_day`).Scan(&lt.rollupRows, &lt.rollupEntries)
	return lt, err
}

// stageRows feeds CopyFrom from the generator's CSV.
type stageRows struct {
	r    *csv.Reader
	cats map[string]string
	row  []any
	err  error
}

func (s *stageRows) Next() bool {
	rec, err := s.r.Read()
	if err != nil {
		if err != io.EOF {
			s.err = err
		}
		return false
	}
	// ticket_no,reported_at,category,lon,lat,address,content,status,closed_at
	lon, err1 := strconv.ParseFloat(rec[3], 64)
	lat, err2 := strconv.ParseFloat(rec[4], 64)
	at, err3 := time.Parse(problemgen.TimeLayout, rec[1])
	cat, ok := s.cats[rec[2]]
	if err1 != nil || err2 != nil || err3 != nil || !ok {
		s.err = fmt.Errorf("row %v: %v %v %v category %q", rec[0], err1, err2, err3, rec[2])
		return false
	}
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, 15)
	if err != nil {
		s.err = err
		return false
	}
	var closed *time.Time
	if rec[8] != "" {
		t, err := time.Parse(problemgen.TimeLayout, rec[8])
		if err != nil {
			s.err = err
			return false
		}
		closed = &t
	}
	s.row = []any{rec[0], cat, lon, lat, int64(cell), at, closed}
	return true
}

func (s *stageRows) Values() ([]any, error) { return s.row, nil }
func (s *stageRows) Err() error             { return s.err }
