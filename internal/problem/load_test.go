package problem_test

// Load beside a bulk import: clients that file reports over HTTP (and edit
// a person and hand a duty over) while `gridkeeper import problems` writes
// a large file. Shared by TestIntakeGoesOnDuringAnImport and
// BenchmarkIntakeDuringImport1M.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
)

// importUntil is the day the generated hotline files end on.
var importUntil = time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)

// hotlineFile writes n generated tickets of the sample city to a file.
func hotlineFile(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), fmt.Sprintf("hotline-%d.csv", seed))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := problemgen.Generate(context.Background(), w, problemgen.Options{Count: n, Months: 12, Seed: seed, Until: importUntil}); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// renumber copies the ticket file at path with another hotline prefix
// (tickets 12345-… become prefix-…), so that it imports beside the first.
func renumber(tb testing.TB, path, prefix string) string {
	tb.Helper()
	in, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out := path + "." + prefix
	f, err := os.Create(out)
	if err != nil {
		tb.Fatal(err)
	}
	r, w := bufio.NewReaderSize(in, 1<<20), bufio.NewWriterSize(f, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		if rest, ok := bytes.CutPrefix(line, []byte("12345-")); ok {
			w.WriteString(prefix + "-")
			line = rest
		}
		w.Write(line)
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return out
}

// runImport imports the file through its own bulk pool, as the import
// command does, telling phase as each phase begins.
func runImport(ctx context.Context, url, path string, phase func(string)) (hotline.Result, error) {
	pool, err := db.Open(ctx, url, db.PoolOptions{Bulk: true})
	if err != nil {
		return hotline.Result{}, err
	}
	defer pool.Close()
	in, err := os.Open(path)
	if err != nil {
		return hotline.Result{}, err
	}
	defer in.Close()
	return hotline.Import(ctx, pool, bufio.NewReaderSize(in, 1<<20), hotline.Options{Actor: "load", Source: "load",
		Now: func() time.Time { return importUntil }, Phase: phase})
}

// loadKind is what a load request does.
type loadKind int

const (
	kindIntake loadKind = iota // POST /problems
	kindPerson                 // PATCH /people/{id}
	kindDuty                   // POST /duties (hand a grid over)
)

var kindNames = [...]string{"intake", "PATCH /people", "duty assign"}

// answer is one answered request.
type answer struct {
	kind   loadKind
	status int // 0: the request failed without an answer
	start  time.Time
	took   time.Duration
}

// loader sends load to one server on the sample city.
type loader struct {
	url              string
	dispatcher, boss string // tokens: intake; people and duty edits
	cats             []string
	people           [2]int64
	grid             string
	client           *http.Client
	seq              atomic.Int64
}

func newLoader(tb testing.TB, pool *pgxpool.Pool, url string, clients int) *loader {
	tb.Helper()
	ctx := context.Background()
	l := &loader{url: url, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}}
	var err error
	if l.dispatcher, _, err = auth.Create(ctx, pool, "load dispatcher", "dispatcher"); err != nil {
		tb.Fatal(err)
	}
	if l.boss, _, err = auth.Create(ctx, pool, "load supervisor", "supervisor"); err != nil {
		tb.Fatal(err)
	}
	rows, err := pool.Query(ctx, "SELECT code FROM categories WHERE active ORDER BY code")
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		l.cats = append(l.cats, c)
	}
	rows.Close()
	if err := pool.QueryRow(ctx, `SELECT (SELECT min(id) FROM people), (SELECT min(id) FROM people WHERE id > (SELECT min(id) FROM people)),
		(SELECT min(code) FROM areas WHERE level = 'grid')`).Scan(&l.people[0], &l.people[1], &l.grid); err != nil {
		tb.Fatal(err)
	}
	return l
}

// do sends one request of kind with rng's choices.
func (l *loader) do(kind loadKind, rng *rand.Rand) answer {
	i := l.seq.Add(1)
	var method, path, tok string
	var body any
	switch kind {
	case kindIntake:
		method, path, tok = "POST", "/api/v1/problems", l.dispatcher
		body = map[string]any{
			"lon": 116.25 + rng.Float64()*0.3, "lat": 37.35 + rng.Float64()*0.2,
			"category": l.cats[rng.IntN(len(l.cats))], "source": "patrol",
			"source_ref": fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), i), "description": "load",
		}
	case kindPerson:
		method, path, tok = "PATCH", fmt.Sprintf("/api/v1/people/%d", l.people[0]), l.boss
		body = map[string]any{"title": fmt.Sprintf("网格员 %d", i)}
	case kindDuty:
		method, path, tok = "POST", "/api/v1/duties", l.boss
		body = map[string]any{"role": "grid_officer", "target": "area:" + l.grid, "person_id": l.people[i%2], "note": "load"}
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, l.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	s := answer{kind: kind, start: time.Now()}
	resp, err := l.client.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		s.status = resp.StatusCode
	}
	s.took = time.Since(s.start)
	return s
}

// editPause is how long the editing clients wait between requests.
const editPause = 20 * time.Millisecond

// run sends requests from clients concurrent clients until stop is closed
// (or n requests were sent, when n > 0). Client 0 edits a person and
// client 1 hands a duty over when edits is set; the others file reports.
func (l *loader) run(clients, n int, edits bool, stop <-chan struct{}) []answer {
	var mu sync.Mutex
	var out []answer
	var sent atomic.Int64
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			kind := kindIntake
			if edits && w < 2 {
				kind = loadKind(w + 1)
			}
			var mine []answer
		loop:
			for {
				select {
				case <-stop:
					break loop
				default:
				}
				if n > 0 && sent.Add(1) > int64(n) {
					break
				}
				mine = append(mine, l.do(kind, rng))
				if kind != kindIntake {
					time.Sleep(editPause) // an office's pace, not a flood
				}
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// figures are the load's numbers for one kind of request.
type figures struct {
	n, errs, fiveXX int
	rate            float64 // requests/s
	p50, p99, max   time.Duration
}

func (f figures) String() string {
	return fmt.Sprintf("%d requests, %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors (%d 5xx)",
		f.n, f.rate, ms(f.p50), ms(f.p99), ms(f.max), f.errs, f.fiveXX)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// summarise gives the figures of the samples of kind that started in
// [from, to), over that span; ok says which statuses are a success.
func summarise(ss []answer, kind loadKind, from, to time.Time, ok func(int) bool) figures {
	var f figures
	var lat []time.Duration
	if from.IsZero() { // from the first request
		from = to
		for _, s := range ss {
			if s.kind == kind && s.start.Before(from) {
				from = s.start
			}
		}
	}
	for _, s := range ss {
		if s.kind != kind || s.start.Before(from) || !s.start.Before(to) {
			continue
		}
		f.n++
		lat = append(lat, s.took)
		if !ok(s.status) {
			f.errs++
		}
		if s.status == 0 || s.status >= 500 {
			f.fiveXX++
		}
	}
	if f.n == 0 {
		return f
	}
	slices.Sort(lat)
	f.p50, f.p99, f.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	f.rate = float64(f.n) / to.Sub(from).Seconds()
	return f
}

// success: what each kind answers when it worked.
func success(kind loadKind) func(int) bool {
	switch kind {
	case kindIntake:
		return func(s int) bool { return s == http.StatusCreated }
	case kindDuty:
		return func(s int) bool { return s == http.StatusCreated || s == http.StatusOK }
	}
	return func(s int) bool { return s == http.StatusOK }
}
