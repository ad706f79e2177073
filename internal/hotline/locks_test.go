package hotline_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/hotline"
)

// The import locks what its problems reference only once they are
// written: a referenced row deleted while the import runs fails the import
// (nothing written) instead of leaving a problem pointing at nothing. The
// delete itself goes through: the import held no lock on it yet.
func TestARowDeletedWhileTheImportWritesFailsTheImport(t *testing.T) {
	d := setup(t)
	ctx := context.Background()
	csv := header +
		"L1,2026-09-02 08:00:00+08:00,T-LIGHT,116.05,37.15,测试路1号,路灯不亮,处理中,\n" +
		"L2,2026-09-02 09:00:00+08:00,T-DOG,116.05,37.15,测试路1号,有狗,处理中,\n"
	var deleted bool
	var delErr error
	_, err := importString(t, d, csv, hotline.Options{Phase: func(name string) {
		if name == "insert" {
			tag, err := d.Pool.Exec(ctx, `DELETE FROM categories WHERE code = 'T-LIGHT'`)
			deleted, delErr = tag.RowsAffected() == 1, err
		}
	}})
	if delErr != nil || !deleted {
		t.Fatalf("deleting the category while the import ran: deleted %v, %v (import: %v)", deleted, delErr, err)
	}
	if err == nil || !strings.Contains(err.Error(), "1 categories") {
		t.Fatalf("import after its category went: %v, want it to fail naming 1 category", err)
	}
	if n := count(t, d, `SELECT count(*) FROM problems`); n != 0 {
		t.Errorf("%d problems written by the failed import", n)
	}
}
