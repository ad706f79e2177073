package problem_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// Intake, a person's edit (PATCH /people/{id}) and a duty hand-over go on
// while a 100,000-row hotline import writes: no 5xx, no error, and each
// kind of request is answered while the import is still writing (not
// queued behind its commit). The latencies before and during the write
// are logged.
func TestIntakeGoesOnDuringAnImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 rows")
	}
	ctx := context.Background()
	d := dbtest.New(t)
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	path := hotlineFile(t, 100_000, 3)
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv := httptest.NewServer(app.New(pool, app.Options{Quiet: true}))
	defer srv.Close()
	l := newLoader(t, pool, srv.URL, 6)

	var mu sync.Mutex
	phases := map[string]time.Time{}
	stop := make(chan struct{})
	var load []answer
	done := make(chan struct{})
	go func() {
		defer close(done)
		load = l.run(6, 0, true, stop)
	}()
	time.Sleep(300 * time.Millisecond) // the clients are answered before the import starts
	began := time.Now()
	res, err := runImport(ctx, d.URL, path, func(name string) {
		mu.Lock()
		phases[name] = time.Now()
		mu.Unlock()
	})
	ended := time.Now()
	close(stop)
	<-done
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Imported < 90_000 {
		t.Fatalf("imported %d of 100,000", res.Imported)
	}
	insert, ok := phases["insert"]
	if !ok {
		t.Fatalf("the import had no insert phase: %v", phases)
	}
	t.Logf("import: %d rows in %.1f s (writing from %.1f s)", res.Imported, ended.Sub(began).Seconds(), insert.Sub(began).Seconds())
	for _, kind := range []loadKind{kindIntake, kindPerson, kindDuty} {
		ok := success(kind)
		all := summarise(load, kind, time.Time{}, time.Now().Add(time.Hour), ok)
		if all.errs > 0 || all.fiveXX > 0 {
			t.Errorf("%s: %d errors, %d 5xx of %d requests", kindNames[kind], all.errs, all.fiveXX, all.n)
			for _, s := range load {
				if s.kind == kind && !ok(s.status) {
					t.Logf("  %s answered %d after %.1f ms", kindNames[kind], s.status, ms(s.took))
					break
				}
			}
		}
		t.Logf("%-14s before the import: %v", kindNames[kind], summarise(load, kind, time.Time{}, began, ok))
		t.Logf("%-14s while it writes:   %v", kindNames[kind], summarise(load, kind, insert, ended, ok))
		// answered while the import was still writing
		var during int
		for _, s := range load {
			if s.kind == kind && !s.start.Before(insert) && s.start.Add(s.took).Before(ended) && ok(s.status) {
				during++
			}
		}
		if during == 0 {
			t.Errorf("%s: no request that started once the import was writing was answered before it committed", kindNames[kind])
		}
	}
}
