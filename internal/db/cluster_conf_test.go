package db

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecureUpgradesAnOldClusterToDurableSocketOnly(t *testing.T) {
	pg := t.TempDir()
	old := "port = 5555\nlisten_addresses = '127.0.0.1'\nsynchronous_commit = off\n"
	if err := os.WriteFile(filepath.Join(pg, "postgresql.conf"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pg, "pg_hba.conf"), []byte("host all all 127.0.0.1/32 trust\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{PGData: pg}
	changed, err := c.secure()
	if err != nil || !changed {
		t.Fatalf("secure: changed %v, %v; want the old settings replaced", changed, err)
	}
	have, err := c.settings()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range wantSettings {
		if have[k] != v {
			t.Errorf("%s = %q after secure, want %q", k, have[k], v)
		}
	}
	hba, _ := os.ReadFile(filepath.Join(pg, "pg_hba.conf"))
	if strings.Contains(string(hba), "127.0.0.1/32 trust") || !strings.Contains(string(hba), "host  all all all reject") {
		t.Errorf("pg_hba.conf still trusts TCP:\n%s", hba)
	}
	if changed, err := c.secure(); err != nil || changed {
		t.Errorf("a second secure changed %v (%v), want nothing left to change", changed, err)
	}
}
