package db

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// InstallHint is the command that installs what a private cluster needs.
const InstallHint = "apt-get update && apt-get install -y postgresql-15 postgresql-15-postgis-3"

// DatabaseName is the database a private cluster serves.
const DatabaseName = "gridkeeper"

// Cluster is a private PostgreSQL 15 cluster under a data directory. It
// listens on its unix socket only, inside the data directory (or a short
// path under the temporary directory when that one is too long for a
// socket), readable by the cluster's OS user alone; no TCP port is open.
// The port number chosen at creation only names the socket file. It runs
// with synchronous_commit, fsync and full_page_writes on: a commit that
// returned is on disk.
type Cluster struct {
	Dir     string // the Gridkeeper data directory
	PGData  string // Dir/pg
	Socket  string // unix socket directory
	Port    int
	BinDir  string
	Started bool // this process started the server and should stop it
	Created bool // the database was created by this call
	owner   *user.User
}

// Ensure makes sure a private cluster exists under dataDir and is running,
// creating it (initdb) and starting it as needed, and that the gridkeeper
// database with PostGIS exists in it. A cluster another process started is
// reused and left running. Concurrent callers serialise on a lock file.
func Ensure(ctx context.Context, dataDir string) (*Cluster, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	bin, err := findPGBin()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, "cluster.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()

	c := &Cluster{Dir: dir, PGData: filepath.Join(dir, "pg"), BinDir: bin, Socket: socketDir(dir)}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: the cluster belongs to
		// the postgres OS user, which the PostgreSQL package creates.
		if c.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root needs the postgres OS user (%s): %w", InstallHint, err)
		}
	}
	if err := os.MkdirAll(c.Socket, 0o755); err != nil {
		return nil, fmt.Errorf("socket directory: %w", err)
	}
	if err := c.chown(c.Socket); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(c.PGData, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if c.Port, err = c.readPort(); err != nil {
		return nil, err
	}
	// Clusters created by earlier versions trusted TCP on loopback and
	// committed asynchronously: bring their settings up to date.
	changed, err := c.secure()
	if err != nil {
		return nil, err
	}
	if !c.running(ctx) {
		if err := c.start(ctx); err != nil {
			return nil, err
		}
	} else if changed {
		if err := c.run(ctx, c.bin("pg_ctl"), "reload", "-D", c.PGData); err != nil {
			return nil, fmt.Errorf("reload postgres: %w", err)
		}
		slog.Warn("private PostgreSQL: settings made durable and socket-only; TCP stays open until the cluster restarts (gridkeeper db stop)", "dir", c.PGData)
	}
	if err := c.ensureDatabase(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Start starts the cluster's server if it is not running (after a crash,
// say): PostgreSQL recovers from its WAL before it accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	if pid := c.PostmasterPID(); pid != 0 && exited(pid) {
		// A postmaster killed outright and not yet reaped by its parent
		// still answers kill(pid, 0), so pg_ctl and PostgreSQL itself take
		// the lock file for a live server's: it is stale.
		slog.Warn("private PostgreSQL: removing the lock file of a postmaster that has exited", "pid", pid)
		if err := os.Remove(filepath.Join(c.PGData, "postmaster.pid")); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove stale postmaster.pid: %w", err)
		}
	}
	if c.running(ctx) {
		return nil
	}
	return c.start(ctx)
}

// exited is true when process pid is gone or a zombie.
func exited(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	i := bytes.LastIndexByte(b, ')') // the state follows the command name
	return i > 0 && i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X')
}

// PostmasterPID is the process id in postmaster.pid, 0 when the server is
// not running.
func (c *Cluster) PostmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.PGData, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// URL is the connection string of the cluster's gridkeeper database over
// the unix socket.
func (c *Cluster) URL() string { return c.DatabaseURL(DatabaseName) }

// DatabaseURL is the connection string of database name over the socket.
func (c *Cluster) DatabaseURL(name string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.Socket, c.Port, name)
}

// SocketPath is the path of the cluster's unix socket file.
func (c *Cluster) SocketPath() string {
	return filepath.Join(c.Socket, ".s.PGSQL."+strconv.Itoa(c.Port))
}

// Stop stops the server (fast shutdown: open sessions are ended).
func (c *Cluster) Stop(ctx context.Context) error {
	if err := c.run(ctx, c.bin("pg_ctl"), "stop", "-D", c.PGData, "-m", "fast", "-w", "-t", "60"); err != nil {
		return fmt.Errorf("stop postgres: %w", err)
	}
	return nil
}

func (c *Cluster) bin(name string) string { return filepath.Join(c.BinDir, name) }

func (c *Cluster) initdb(ctx context.Context) error {
	slog.Info("creating private PostgreSQL cluster", "dir", c.PGData)
	if err := os.MkdirAll(c.PGData, 0o700); err != nil {
		return fmt.Errorf("pgdata: %w", err)
	}
	if err := c.chown(c.PGData); err != nil {
		return err
	}
	// Only the unix socket is trusted, and it is the cluster owner's alone
	// (unix_socket_permissions); no TCP connection is accepted at all.
	if err := c.run(ctx, c.bin("initdb"), "-D", c.PGData, "-U", "postgres", "--auth-local=trust", "--auth-host=reject",
		"--encoding=UTF8", "--locale=C.UTF-8"); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	return c.writeConf(port)
}

// writeConf appends the private settings to postgresql.conf; later lines win.
func (c *Cluster) writeConf(port int) error {
	conf := fmt.Sprintf(`
# gridkeeper private cluster
port = %d
%s
unix_socket_directories = '%s'
max_connections = 200
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
%s
timezone = 'UTC'
# a bulk import writes about 2 GB of WAL per million problems: no
# checkpoint (and no full-page images after it) in the middle of one
max_wal_size = 4GB
checkpoint_timeout = 15min
`, port, socketOnlyConf, c.Socket, durableConf)
	return c.appendConf(conf)
}

func (c *Cluster) appendConf(conf string) error {
	f, err := os.OpenFile(filepath.Join(c.PGData, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("postgresql.conf: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(conf); err != nil {
		return fmt.Errorf("postgresql.conf: %w", err)
	}
	return nil
}

// readPort finds the last "port =" line of postgresql.conf.
func (c *Cluster) readPort() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.PGData, "postgresql.conf"))
	if err != nil {
		return 0, fmt.Errorf("postgresql.conf: %w", err)
	}
	port := 0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == "port" {
			if p, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(v, "#", 2)[0])); err == nil {
				port = p
			}
		}
	}
	if port == 0 {
		return 0, fmt.Errorf("postgresql.conf in %s names no port", c.PGData)
	}
	return port, nil
}

func (c *Cluster) running(ctx context.Context) bool {
	return c.run(ctx, c.bin("pg_ctl"), "status", "-D", c.PGData) == nil
}

func (c *Cluster) start(ctx context.Context) error {
	// The port chosen at initdb may have been taken since: move once.
	if !portFree(c.Port) {
		port, err := freePort()
		if err != nil {
			return err
		}
		if err := c.writeConf(port); err != nil {
			return err
		}
		c.Port = port
	}
	logFile := filepath.Join(c.PGData, "server.log")
	slog.Info("starting private PostgreSQL", "dir", c.PGData, "port", c.Port, "log", logFile)
	if err := c.run(ctx, c.bin("pg_ctl"), "start", "-D", c.PGData, "-l", logFile, "-w", "-t", "60"); err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("start postgres: %w\n%s", err, tail)
	}
	c.Started = true
	return nil
}

func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.DatabaseURL("postgres"))
	if err != nil {
		return fmt.Errorf("connect to private cluster: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", DatabaseName).Scan(&exists); err != nil {
		return fmt.Errorf("look up database: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{DatabaseName}.Sanitize()); err != nil {
			return fmt.Errorf("create database: %w", err)
		}
		c.Created = true
	}
	gk, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", DatabaseName, err)
	}
	defer gk.Close(context.Background())
	if _, err := gk.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		return fmt.Errorf("create extension postgis (is it installed? %s): %w", InstallHint, err)
	}
	return nil
}

// run executes a PostgreSQL program, as the postgres OS user when we are root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	if c.owner != nil {
		uid, _ := strconv.Atoi(c.owner.Uid)
		gid, _ := strconv.Atoi(c.owner.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = append(os.Environ(), "HOME="+c.owner.HomeDir, "USER=postgres")
	}
	cmd.Dir = os.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", filepath.Base(name), args[0], err, strings.TrimSpace(out.String()))
	}
	return nil
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("chown %s to postgres: %w", path, err)
	}
	return nil
}

// findPGBin locates the PostgreSQL 15 server programs and checks that
// PostGIS is installed for them.
func findPGBin() (string, error) {
	candidates := []string{"/usr/lib/postgresql/15/bin"}
	if p, err := exec.LookPath("pg_config"); err == nil {
		if out, err := exec.Command(p, "--bindir").Output(); err == nil {
			candidates = append([]string{strings.TrimSpace(string(out))}, candidates...)
		}
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			continue
		}
		share := filepath.Join(filepath.Dir(dir), "..", "..", "..", "share", "postgresql", filepath.Base(filepath.Dir(dir)), "extension", "postgis.control")
		if out, err := exec.Command(filepath.Join(dir, "pg_config"), "--sharedir").Output(); err == nil {
			share = filepath.Join(strings.TrimSpace(string(out)), "extension", "postgis.control")
		}
		if _, err := os.Stat(share); err != nil {
			return "", fmt.Errorf("PostGIS is not installed for the PostgreSQL in %s (no %s); install it with: %s", dir, share, InstallHint)
		}
		return dir, nil
	}
	return "", fmt.Errorf("PostgreSQL 15 server programs not found (looked in %s); install them with: %s, or set DATABASE_URL",
		strings.Join(candidates, ", "), InstallHint)
}

// socketDir keeps the socket path under the kernel's 107-byte limit.
func socketDir(dir string) string {
	s := filepath.Join(dir, "run")
	if len(s)+len("/.s.PGSQL.65535") < 100 {
		return s
	}
	h := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "gridkeeper-"+hex.EncodeToString(h[:6]))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// lockFile takes an exclusive flock, waiting up to two minutes.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("lock %s: another gridkeeper holds it: %w", path, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
