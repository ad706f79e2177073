package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// answer is what one report attempt got.
type answer struct {
	status             int
	contentType, retry string
	problemType        string
	id                 int64
}

func report(client *http.Client, url, token, key string, n int) (answer, error) {
	body := fmt.Sprintf(`{"category":"E01-10","description":"暴露垃圾 %s","lon":%.6f,"lat":37.45,"source":"patrol"}`, key, 116.30+float64(n%1000)*1e-5)
	req, _ := http.NewRequest("POST", url+"/api/v1/problems", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), retry: resp.Header.Get("Retry-After")}
	var v struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	}
	json.Unmarshal(b, &v)
	a.id, a.problemType = v.ID, v.Type
	return a, nil
}

// TestEveryAcknowledgedReportSurvivesAPostmasterSIGKILL runs 32 clients
// posting reports through the real router over HTTP against a private
// PostgreSQL of its own, kills the postmaster with SIGKILL mid-run and
// starts it again. Every report answered 2xx must be stored, with its id;
// every other answer must be a 503 problem with Retry-After; and the same
// server must take reports again once the database is back.
func TestEveryAcknowledgedReportSurvivesAPostmasterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and crashes a PostgreSQL cluster of its own")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "gk-crash-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // the cluster runs as the postgres OS user when we are root
	c, err := db.Ensure(ctx, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatalf("private cluster: %v", err)
	}
	t.Cleanup(func() {
		c.Stop(context.Background())
		os.RemoveAll(dir)
	})
	if _, _, err := db.Migrate(ctx, c.URL()); err != nil {
		t.Fatal(err)
	}
	pool, err := db.Open(ctx, c.URL(), db.PoolOptions{MaxConns: 16, StatementTimeout: 5 * time.Second, LockTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	control, err := db.Open(ctx, c.URL(), db.PoolOptions{MaxConns: 2, Name: "control"})
	if err != nil {
		t.Fatal(err)
	}
	defer control.Close()
	var listen, syncCommit string
	if err := pool.QueryRow(ctx, "SELECT current_setting('listen_addresses'), current_setting('synchronous_commit')").Scan(&listen, &syncCommit); err != nil {
		t.Fatal(err)
	}
	if listen != "" || syncCommit != "on" {
		t.Fatalf("private cluster: listen_addresses %q, synchronous_commit %q; want the socket only and durable commits", listen, syncCommit)
	}
	token, _, err := auth.Create(ctx, pool, "crash patrol", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.New(pool, app.Options{Quiet: true, Control: control, RequestTimeout: 10 * time.Second}))
	defer srv.Close()

	var (
		mu       sync.Mutex
		acked    = map[string]int64{} // Idempotency-Key → id answered 2xx
		statuses = map[int]int{}
		bad      []string
		stop     atomic.Bool
		sinceUp  atomic.Int64 // 2xx answers after the restart
		up       atomic.Bool
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; !stop.Load(); seq++ {
				key := fmt.Sprintf("crash-%02d-%05d", w, seq)
				// Like a real client: a 503 is retried with the same
				// Idempotency-Key until the report is acknowledged.
				for attempt := 0; ; attempt++ {
					a, err := report(client, srv.URL, token, key, w*100000+seq)
					mu.Lock()
					if err != nil {
						bad = append(bad, fmt.Sprintf("%s: transport error %v", key, err))
					} else {
						statuses[a.status]++
						switch {
						case a.status == 200 || a.status == 201:
							if prev, ok := acked[key]; ok && prev != a.id {
								bad = append(bad, fmt.Sprintf("%s: acknowledged as %d and as %d", key, prev, a.id))
							}
							acked[key] = a.id
						case a.status != 503 || a.contentType != httpx.ProblemContentType || a.retry == "" || a.problemType != httpx.UnavailableType:
							bad = append(bad, fmt.Sprintf("%s: %d %q Retry-After %q type %q, want 2xx or a 503 problem with Retry-After",
								key, a.status, a.contentType, a.retry, a.problemType))
						}
					}
					mu.Unlock()
					if err == nil && a.status < 300 {
						if up.Load() {
							sinceUp.Add(1)
						}
						break
					}
					if attempt > 200 {
						mu.Lock()
						bad = append(bad, key+": never acknowledged")
						mu.Unlock()
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}

	time.Sleep(3 * time.Second)
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	pid := c.PostmasterPID()
	if pid == 0 {
		t.Fatal("no postmaster pid")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL postmaster %d: %v", pid, err)
	}
	killed := time.Now()
	time.Sleep(time.Second) // an outage the clients notice
	// Start it again (PostgreSQL recovers from its WAL first); the backends
	// of the dead postmaster may still hold its shared memory for a moment,
	// so try until it comes up.
	for {
		err := c.Start(ctx)
		if err == nil {
			break
		}
		if time.Since(killed) > 40*time.Second {
			t.Fatalf("restart after SIGKILL: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	restarted := time.Now()
	up.Store(true)
	for sinceUp.Load() < 100 && time.Since(restarted) < 30*time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()

	t.Logf("acknowledged %d reports (%d before the kill), answers by status %v; database down %v, serving %d reports after it came back",
		len(acked), before, statuses, restarted.Sub(killed).Round(time.Millisecond), sinceUp.Load())
	for i, b := range bad {
		if i == 10 {
			t.Errorf("... and %d more", len(bad)-10)
			break
		}
		t.Error(b)
	}
	if statuses[503] == 0 {
		t.Error("no 503 at all: the clients never saw the outage")
	}
	if sinceUp.Load() < 100 {
		t.Errorf("only %d reports acknowledged after the restart: the server does not serve again", sinceUp.Load())
	}

	rows, err := pool.Query(ctx, "SELECT idempotency_key, id FROM problems WHERE idempotency_key LIKE 'crash-%'")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		stored[k] = id
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for k, id := range acked {
		if stored[k] != id {
			lost++
			if lost <= 10 {
				t.Errorf("report %s was answered 2xx with id %d, stored as %d after the crash", k, id, stored[k])
			}
		}
	}
	if lost > 0 || len(stored) != len(acked) {
		t.Errorf("%d of %d acknowledged reports lost; %d stored (every attempted report is retried until acknowledged, so they must match)",
			lost, len(acked), len(stored))
	}
}
