package tiles_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/sample"
	"github.com/gridkeeper/gridkeeper/internal/sample/history"
	"github.com/gridkeeper/gridkeeper/internal/tiles"
)

// BenchmarkTiles1M loads the sample city and 1,000,000 generated hotline
// tickets through the importer (history.Load, as a first run does
// with 100,000), then measures through the real router over real HTTP:
//
//   - z14 over the busiest place (the zoom-14 tile with the most
//     problems): points, every problem of the tile;
//   - z10 over the whole city: every zoom-10 tile the city touches, cells
//     with counts (a "city" is all of them, one after the other);
//
// each cold (no If-None-Match, served without the tile cache: PostGIS
// cuts the tile every time), with 4 clients at once, from the server's
// tile cache (no If-None-Match: another client asking for a tile already
// cut), and repeated with its ETag (304), beside the floor: the same
// ST_AsMVT statement run raw on pgx, in the same run. Figures: tiles/s
// (sets/s: whole cities), ms to the first byte (median), the tile's size,
// the ratio to the floor, and the Go process's peak RSS (VmHWM; the import
// of the million rows ran in the same process and sets most of it).
//
//	go test -run '^$' -bench Tiles1M -benchtime 100x -timeout 60m ./internal/tiles/
//
// TILES_BENCH_ROWS sets another row count.
func BenchmarkTiles1M(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("TILES_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("TILES_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	ctx := context.Background()
	d := dbtest.New(b)
	start := time.Now()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	res, err := history.Load(ctx, d.Pool, rows, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `VACUUM ANALYZE problems`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d problems loaded in %s", res.Imported, time.Since(start).Round(time.Second))
	// srv is the application (its tile cache on); bare serves tiles with
	// no cache, so that every request without If-None-Match cuts its tile.
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	defer srv.Close()
	e := httpx.New(httpx.Options{Quiet: true})
	(&tiles.Handlers{Pool: d.Pool, CacheBytes: -1}).Register(e)
	bare := httptest.NewServer(e)
	defer bare.Close()

	var bx, by int
	if err := d.Pool.QueryRow(ctx, `SELECT tile14_x(geom), tile14_y(geom) FROM problems GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`).Scan(&bx, &by); err != nil {
		b.Fatal(err)
	}
	busiest := []maptile.Tile{{X: uint32(bx), Y: uint32(by), Z: 14}}
	var b4 [4]float64
	if err := d.Pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM areas) s`).Scan(&b4[0], &b4[1], &b4[2], &b4[3]); err != nil {
		b.Fatal(err)
	}
	lo, hi := maptile.At(orb.Point{b4[0], b4[3]}, 10), maptile.At(orb.Point{b4[2], b4[1]}, 10)
	var city []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			city = append(city, maptile.Tile{X: x, Y: y, Z: 10})
		}
	}
	var inBusiest int
	d.Pool.QueryRow(ctx, `SELECT count(*) FROM problems WHERE tile14_x(geom) = $1 AND tile14_y(geom) = $2`, bx, by).Scan(&inBusiest)
	b.Logf("busiest z14 tile %d/%d holds %d problems; the city is %d z10 tiles", bx, by, inBusiest, len(city))

	layer := tiles.Layers[slices.IndexFunc(tiles.Layers, func(l tiles.Layer) bool { return l.Name == "problems" })]
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for _, c := range []struct {
		name  string
		tiles []maptile.Tile
	}{{"z14-busiest", busiest}, {"z10-city", city}} {
		tags := map[maptile.Tile]string{}
		var size int
		for _, t := range c.tiles {
			tag, n := fetchTile(b, client, srv.URL, t, "")
			tags[t] = tag
			size += n
		}
		var floor float64
		b.Run(c.name+"/floor-raw-sql", func(b *testing.B) {
			el := timeIt(b, 1, func(int) {
				for _, t := range c.tiles {
					if _, err := tiles.Render(ctx, d.Pool, layer, tiles.Tile{Z: int(t.Z), X: int(t.X), Y: int(t.Y)}, tiles.Filter{}); err != nil {
						b.Fatal(err)
					}
				}
			})
			floor = rate(b, el, len(c.tiles))
		})
		for _, v := range []struct {
			name    string
			clients int
			etag    bool
			cached  bool
		}{{"cold", 1, false, false}, {"cold-4-clients", 4, false, false}, {"server-cache", 1, false, true}, {"etag-304", 1, true, true}} {
			base := bare.URL
			if v.cached {
				base = srv.URL
			}
			if v.cached {
				for _, t := range c.tiles { // the cache holds them: another client asked first
					fetchTile(b, client, base, t, "")
				}
			}
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				var mu sync.Mutex
				var firsts []time.Duration
				el := timeIt(b, v.clients, func(int) {
					for _, t := range c.tiles {
						tag := ""
						if v.etag {
							tag = tags[t]
						}
						fb := fetchTimed(b, client, base, t, tag)
						mu.Lock()
						firsts = append(firsts, fb)
						mu.Unlock()
					}
				})
				r := rate(b, el, len(c.tiles))
				slices.Sort(firsts)
				b.ReportMetric(float64(firsts[len(firsts)/2].Microseconds())/1000, "ms-first-byte-p50")
				b.ReportMetric(float64(size)/float64(len(c.tiles))/1024, "KiB/tile")
				if floor > 0 && !v.etag {
					b.ReportMetric(floor/r, "x-floor-time")
				}
				b.ReportMetric(float64(peakRSS())/1024, "MiB-peak-RSS")
			})
		}
	}
}

// timeIt runs fn b.N times over the given number of clients and returns
// the elapsed time.
func timeIt(b *testing.B, clients int, fn func(i int)) time.Duration {
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range clients {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	return time.Since(start)
}

// rate reports tiles per second (and cities, tile sets, per second).
func rate(b *testing.B, el time.Duration, perRun int) float64 {
	r := float64(b.N*perRun) / el.Seconds()
	b.ReportMetric(r, "tiles/s")
	if perRun > 1 {
		b.ReportMetric(float64(b.N)/el.Seconds(), "sets/s")
	}
	return r
}

func fetchTile(b *testing.B, c *http.Client, base string, t maptile.Tile, tag string) (string, int) {
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/tiles/problems/%d/%d/%d.mvt", base, t.Z, t.X, t.Y), nil)
	if tag != "" {
		req.Header.Set("If-None-Match", tag)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		b.Fatalf("tile %v: status %d", t, resp.StatusCode)
	}
	return resp.Header.Get("ETag"), int(n)
}

// fetchTimed fetches a tile and returns the time to its first byte.
func fetchTimed(b *testing.B, c *http.Client, base string, t maptile.Tile, tag string) time.Duration {
	var first time.Time
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/tiles/problems/%d/%d/%d.mvt", base, t.Z, t.X, t.Y), nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}))
	if tag != "" {
		req.Header.Set("If-None-Match", tag)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	want := http.StatusOK
	if tag != "" {
		want = http.StatusNotModified
	}
	if resp.StatusCode != want {
		b.Fatalf("tile %v: status %d, want %d", t, resp.StatusCode, want)
	}
	return first.Sub(start)
}

// peakRSS is this process's peak resident set (VmHWM), in kB.
func peakRSS() int {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
