// Package dbtest hands each test its own fresh, migrated PostGIS database,
// cloned from a template that is built once per migration set.
//
// The server is the one DATABASE_URL names (it must allow CREATE DATABASE),
// or a private cluster under <repo>/.gridkeeper/test that the first test
// starts and later runs reuse. Tests never mock the database.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/migrations"
)

var (
	once    sync.Once
	server  *Server
	initErr error
)

// Server is the PostgreSQL server tests create their databases on.
type Server struct {
	AdminURL string      // a database on the server to run CREATE DATABASE from
	Cluster  *db.Cluster // nil when DATABASE_URL named the server
	template string
}

// DB is one test's database.
type DB struct {
	Name string
	URL  string
	Pool *pgxpool.Pool
}

// Get returns the shared server, starting the private cluster and building
// the template database on first use.
func Get(tb testing.TB) *Server {
	tb.Helper()
	once.Do(func() { server, initErr = setup(context.Background()) })
	if initErr != nil {
		tb.Fatalf("test database server: %v", initErr)
	}
	return server
}

// New creates a fresh migrated database for tb, dropped when tb ends.
func New(tb testing.TB) *DB {
	tb.Helper()
	s := Get(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "gk_test_" + randomHex(6)
	if err := s.exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{s.template}.Sanitize()); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	d := &DB{Name: name, URL: s.urlFor(name)}
	pool, err := db.Open(ctx, d.URL, db.PoolOptions{})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	d.Pool = pool
	tb.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	return d
}

func setup(ctx context.Context) (*Server, error) {
	s := &Server{}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		s.AdminURL = u
	} else {
		dir := os.Getenv("GRIDKEEPER_TEST_DATA_DIR")
		if dir == "" {
			root, err := repoRoot()
			if err != nil {
				return nil, err
			}
			dir = filepath.Join(root, ".gridkeeper", "test")
		}
		c, err := db.Ensure(ctx, dir)
		if err != nil {
			return nil, err
		}
		s.Cluster = c
		s.AdminURL = c.DatabaseURL("postgres")
	}
	sum, err := migrationsHash()
	if err != nil {
		return nil, err
	}
	s.template = "gk_template_" + sum
	if err := s.buildTemplate(ctx); err != nil {
		return nil, fmt.Errorf("template database: %w", err)
	}
	return s, nil
}

// buildTemplate creates and migrates the template once per migration set;
// an advisory lock keeps concurrent test binaries from racing.
func (s *Server) buildTemplate(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.AdminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7411)"); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(7411)")
	var ready bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1 AND datistemplate)", s.template).Scan(&ready); err != nil {
		return err
	}
	if ready {
		return nil
	}
	ident := pgx.Identifier{s.template}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return err
	}
	tc, err := pgx.Connect(ctx, s.urlFor(s.template))
	if err != nil {
		return err
	}
	if _, _, err := db.MigrateConn(ctx, tc, migrations.FS); err != nil {
		tc.Close(context.Background())
		return err
	}
	tc.Close(context.Background())
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	return err
}

func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.AdminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// urlFor is AdminURL pointed at database name.
func (s *Server) urlFor(name string) string {
	cfg, err := pgx.ParseConfig(s.AdminURL)
	if err != nil {
		return s.AdminURL
	}
	return fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable",
		cfg.Host, cfg.Port, cfg.User, quoteValue(cfg.Password), name)
}

func quoteValue(v string) string {
	if v == "" {
		return "''"
	}
	out := []byte{'\''}
	for _, r := range []byte(v) {
		if r == '\'' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(append(out, '\''))
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)[:8]), err
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
