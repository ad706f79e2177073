package db

// The private cluster's durability and access settings, and the upgrade of
// clusters created by earlier versions (async commit, TCP trusted).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// socketOnlyConf closes TCP and keeps the socket file to the cluster's OS
// user (and root): the socket is trusted, so nobody else may reach it.
const socketOnlyConf = `listen_addresses = ''
unix_socket_permissions = 0700`

// durableConf is the promise behind every 2xx: a commit returns once its
// WAL is flushed, and a crash cannot tear a page.
const durableConf = `synchronous_commit = on
fsync = on
full_page_writes = on`

// hbaConf trusts the unix socket only; TCP is rejected even if some later
// setting opens a port.
const hbaConf = `# gridkeeper private cluster: the unix socket only (its permissions keep
# it to the cluster's OS user); every TCP connection is refused.
local all all trust
host  all all all reject
`

// wantSettings are the postgresql.conf values secure enforces.
var wantSettings = map[string]string{
	"listen_addresses":        "",
	"unix_socket_permissions": "0700",
	"synchronous_commit":      "on",
	"fsync":                   "on",
	"full_page_writes":        "on",
}

// secure brings an existing cluster's configuration to socket-only and
// durable commits. It reports whether it changed anything (a running
// server then needs a reload; listen_addresses a restart).
func (c *Cluster) secure() (bool, error) {
	changed := false
	hba := filepath.Join(c.PGData, "pg_hba.conf")
	if b, err := os.ReadFile(hba); err != nil {
		return false, fmt.Errorf("pg_hba.conf: %w", err)
	} else if string(b) != hbaConf {
		if err := os.WriteFile(hba, []byte(hbaConf), 0o600); err != nil {
			return false, fmt.Errorf("pg_hba.conf: %w", err)
		}
		if err := c.chown(hba); err != nil {
			return false, err
		}
		changed = true
	}
	have, err := c.settings()
	if err != nil {
		return false, err
	}
	var fix []string
	for _, k := range []string{"listen_addresses", "unix_socket_permissions", "synchronous_commit", "fsync", "full_page_writes"} {
		if v, ok := have[k]; !ok || v != wantSettings[k] {
			fix = append(fix, fmt.Sprintf("%s = '%s'", k, wantSettings[k]))
		}
	}
	if len(fix) > 0 {
		if err := c.appendConf("\n# gridkeeper: durable commits, unix socket only\n" + strings.Join(fix, "\n") + "\n"); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// settings reads the effective values of postgresql.conf and then
// postgresql.auto.conf (later lines win, as PostgreSQL reads them).
// Settings a file does not name keep PostgreSQL's defaults, which are the
// durable ones except listen_addresses (localhost).
func (c *Cluster) settings() (map[string]string, error) {
	out := map[string]string{"synchronous_commit": "on", "fsync": "on", "full_page_writes": "on", "listen_addresses": "localhost", "unix_socket_permissions": "0777"}
	for _, name := range []string{"postgresql.conf", "postgresql.auto.conf"} {
		b, err := os.ReadFile(filepath.Join(c.PGData, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			line, _, _ = strings.Cut(line, "#")
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			k = strings.ToLower(strings.TrimSpace(k))
			if _, want := wantSettings[k]; want {
				out[k] = strings.Trim(strings.TrimSpace(v), "'")
			}
		}
	}
	return out, nil
}
