package db_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// raise makes PostgreSQL itself fail with SQLSTATE code.
func raise(ctx context.Context, q db.DB, code string) error {
	_, err := q.Exec(ctx, "DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '"+code+"'; END $$")
	return err
}

func TestClassifyNamesEachOutageAndContentionButNoClientMistake(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	for code, want := range map[string]db.Class{
		"40P01": db.Deadlock, "40001": db.Serialization, "55P03": db.LockTimeout, "57014": db.StatementTimeout,
		"25006": db.ReadOnly, "53300": db.TooManyConnections, "57P01": db.Unavailable, "57P02": db.Unavailable,
		"57P03": db.Unavailable, "08006": db.Unavailable,
	} {
		got, ok := db.Classify(raise(ctx, d.Pool, code))
		if !ok || got != want {
			t.Errorf("SQLSTATE %s: class %q (%v), want %q", code, got, ok, want)
		}
	}
	for _, code := range []string{"23505", "23503", "22P02", "42601"} {
		if got, ok := db.Classify(raise(ctx, d.Pool, code)); ok {
			t.Errorf("SQLSTATE %s is no outage, classified %q", code, got)
		}
	}

	_, err := pgx.Connect(ctx, "host=/nonexistent-gridkeeper-socket port=5432 user=x dbname=x connect_timeout=2")
	if c, ok := db.Classify(err); !ok || c != db.Unavailable {
		t.Errorf("refused connection %v: class %q %v, want unavailable", err, c, ok)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = d.Pool.Exec(short, "SELECT pg_sleep(2)")
	if c, ok := db.Classify(err); !ok || c != db.StatementTimeout {
		t.Errorf("deadline during a query %v: class %q %v, want statement_timeout", err, c, ok)
	}

	gone, cancelGone := context.WithCancel(ctx)
	go func() { time.Sleep(50 * time.Millisecond); cancelGone() }()
	_, err = d.Pool.Exec(gone, "SELECT pg_sleep(2)")
	if c, ok := db.Classify(err); ok {
		t.Errorf("a client that went away (%v) is no outage, classified %q", err, c)
	}
}

func TestRequestConnectionsCarryTheirStatementAndLockTimeouts(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 2, StatementTimeout: 150 * time.Millisecond, LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var st, lt string
	if err := pool.QueryRow(ctx, "SELECT current_setting('statement_timeout'), current_setting('lock_timeout')").Scan(&st, &lt); err != nil {
		t.Fatal(err)
	}
	if st != "150ms" || lt != "100ms" {
		t.Fatalf("statement_timeout %q lock_timeout %q, want 150ms and 100ms", st, lt)
	}
	_, err = pool.Exec(ctx, "SELECT pg_sleep(1)")
	if c, ok := db.Classify(err); !ok || c != db.StatementTimeout {
		t.Errorf("a long statement: %v (class %q), want statement_timeout", err, c)
	}

	if _, err := d.Pool.Exec(ctx, "CREATE TABLE held (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	holder, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, "LOCK TABLE held"); err != nil {
		t.Fatal(err)
	}
	_, err = pool.Exec(ctx, "SELECT * FROM held")
	if c, ok := db.Classify(err); !ok || c != db.LockTimeout {
		t.Errorf("a locked table: %v (class %q), want lock_timeout", err, c)
	}
	if def := db.DefaultMaxConns(); def < 8 {
		t.Errorf("default request pool of %d connections, want at least 8", def)
	}
}

func TestInTxRetriesASerializationFailureButNotOtherErrors(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, "CREATE TABLE marks (n int)"); err != nil {
		t.Fatal(err)
	}
	runs := 0
	err := db.InTx(ctx, d.Pool, func(tx pgx.Tx) error {
		runs++
		if _, err := tx.Exec(ctx, "INSERT INTO marks VALUES ($1)", runs); err != nil {
			return err
		}
		if runs < 3 {
			return raise(ctx, tx, "40001")
		}
		return nil
	})
	if err != nil || runs != 3 {
		t.Fatalf("InTx: %v after %d runs, want success on the third", err, runs)
	}
	var marks []int
	rows, _ := d.Pool.Query(ctx, "SELECT n FROM marks")
	marks, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil || len(marks) != 1 || marks[0] != 3 {
		t.Fatalf("rows %v (%v): the failed attempts must leave nothing, the third one its row", marks, err)
	}

	runs = 0
	err = db.InTx(ctx, d.Pool, func(tx pgx.Tx) error { runs++; return raise(ctx, tx, "40P01") })
	if !db.Retryable(err) || runs != db.Attempts {
		t.Errorf("a deadlock every time: %v after %d runs, want the deadlock after %d", err, runs, db.Attempts)
	}

	runs = 0
	err = db.InTx(ctx, d.Pool, func(tx pgx.Tx) error { runs++; return raise(ctx, tx, "23505") })
	if runs != 1 || err == nil {
		t.Errorf("a unique violation was run %d times (%v), want once", runs, err)
	}

	runs = 0
	err = db.InTx(ctx, d.Pool, func(outer pgx.Tx) error {
		return db.InTx(ctx, outer, func(tx pgx.Tx) error { runs++; return raise(ctx, tx, "40001") })
	})
	if runs != db.Attempts {
		t.Errorf("nested: the savepoint ran %d times in all, want once per attempt of the outer transaction (%d)", runs, db.Attempts)
	}
	if !db.Retryable(err) {
		t.Errorf("nested: %v, want the serialization failure", err)
	}
}

func TestCrossedTransactionsBothCommitThroughTheDeadlockRetry(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, "CREATE TABLE acct (id int PRIMARY KEY, n int); INSERT INTO acct VALUES (1, 0), (2, 0)"); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var wg sync.WaitGroup
	var barrier sync.WaitGroup
	barrier.Add(2)
	errs := make([]error, 2)
	for i, order := range [][2]int{{1, 2}, {2, 1}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			errs[i] = db.InTx(ctx, d.Pool, func(tx pgx.Tx) error {
				attempts.Add(1)
				if _, err := tx.Exec(ctx, "UPDATE acct SET n = n + 1 WHERE id = $1", order[0]); err != nil {
					return err
				}
				if first { // both hold their first row before either takes its second
					first = false
					barrier.Done()
					barrier.Wait()
				}
				_, err := tx.Exec(ctx, "UPDATE acct SET n = n + 1 WHERE id = $1", order[1])
				return err
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d: %v, want it retried past the deadlock", i, err)
		}
	}
	var a, b int
	if err := d.Pool.QueryRow(ctx, "SELECT (SELECT n FROM acct WHERE id = 1), (SELECT n FROM acct WHERE id = 2)").Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a != 2 || b != 2 || attempts.Load() < 3 {
		t.Fatalf("rows %d, %d after %d attempts: want 2 and 2, and at least one retry", a, b, attempts.Load())
	}
}

func TestCheckDurabilityNamesEachSettingThatLosesAcknowledgedWrites(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	problems, err := db.CheckDurability(ctx, d.Pool)
	if err != nil || len(problems) != 0 {
		t.Fatalf("the private cluster: %v %v, want durable", problems, err)
	}
	cfg, err := pgxpool.ParseConfig(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	lax, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer lax.Close()
	problems, err = db.CheckDurability(ctx, lax)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "synchronous_commit = off") {
		t.Fatalf("asynchronous commits: %v %v, want one warning naming synchronous_commit", problems, err)
	}
}

func TestCloseWithinReturnsAtItsBoundWhileAConnectionIsHeld(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	go func() { done <- db.CloseWithin(200*time.Millisecond, pool) }()
	select {
	case closed := <-done:
		if closed {
			t.Error("CloseWithin says closed while a connection is still held")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("CloseWithin did not return at its bound")
	}
	conn.Release()
}

func TestAQueryThatFindsNoFreeConnectionFailsAtTheAcquireTimeout(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{MaxConns: 1, AcquireTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	held, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	request, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var one int
	err = pool.QueryRow(request, "SELECT 1").Scan(&one)
	if c, ok := db.Classify(err); !ok || c != db.PoolTimeout {
		t.Fatalf("query on a full pool: %v (class %q), want pool_timeout", err, c)
	}
	if request.Err() != nil {
		t.Fatal("the request's own deadline passed: the acquire timeout did not apply")
	}
	held.Release()
	if err := pool.QueryRow(request, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("query once a connection is free: %v", err)
	}
	gone, cancelGone := context.WithCancel(ctx)
	cancelGone()
	if _, ok := db.Classify(pool.QueryRow(gone, "SELECT 1").Scan(&one)); ok {
		t.Error("a request that went away before it got a connection is no outage")
	}
}
