package frontage_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkFrontages measures, on the sample city, importing its 4,100
// units into an empty table (owners included) and again (nothing to
// write), and GET /api/v1/frontages for a 0.02° box in the centre (about
// 180 units, 360 features) and for the largest box served (0.2°).
//
//	go test -run '^$' -bench Frontages -benchtime 5x ./internal/frontage/
func BenchmarkFrontages(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	csvFile, err := geodata.FS.ReadFile("frontages.csv")
	if err != nil {
		b.Fatal(err)
	}
	importFile := func(b *testing.B) frontage.Result {
		f, _ := geodata.FS.Open("frontages.csv")
		defer f.Close()
		res, err := frontage.ImportCSV(ctx, d.Pool, f, frontage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("import-new", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := d.Pool.Exec(ctx, `DELETE FROM duties WHERE role = 'frontage_owner';
				DELETE FROM frontages; DELETE FROM people WHERE title = '门前五包责任人' AND NOT EXISTS (SELECT FROM duties WHERE person_id = people.id)`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if res := importFile(b); res.Inserted == 0 {
				b.Fatalf("nothing inserted: %+v", res)
			}
		}
		b.SetBytes(int64(len(csvFile)))
	})
	b.Run("import-unchanged", func(b *testing.B) {
		for b.Loop() {
			if res := importFile(b); res.Inserted+res.Updated != 0 {
				b.Fatalf("re-import wrote: %+v", res)
			}
		}
		b.SetBytes(int64(len(csvFile)))
	})
	if _, err := d.Pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
	defer srv.Close()
	for _, box := range []struct{ name, bbox string }{
		{"bbox-0.02", "116.30,37.46,116.32,37.48"},
		{"bbox-0.2", "116.20,37.35,116.40,37.55"},
	} {
		b.Run(box.name, func(b *testing.B) {
			var n int64
			for b.Loop() {
				resp, err := srv.Client().Get(fmt.Sprintf("%s/api/v1/frontages?bbox=%s", srv.URL, box.bbox))
				if err != nil {
					b.Fatal(err)
				}
				n, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.SetBytes(n)
		})
	}
}
