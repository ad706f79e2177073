package places_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/places"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkLocate measures locate on the sample city: the SQL path
// (places.Locate, one round trip) and the HTTP path through Echo over
// loopback TCP. The ratio http/sql is the cost of the web layer.
//
//	go test -run '^$' -bench Locate -benchmem ./internal/places/
func BenchmarkLocate(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	type pt struct{ lon, lat float64 }
	pts := make([]pt, 1024)
	for i := range pts {
		pts[i] = pt{116.2 + rng.Float64()*0.4, 37.3 + rng.Float64()*0.3}
	}

	b.Run("sql", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := pts[i%len(pts)]
			if _, err := places.Locate(ctx, d.Pool, p.lon, p.lat, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http", func(b *testing.B) {
		srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true}))
		defer srv.Close()
		client := srv.Client()
		for i := 0; b.Loop(); i++ {
			p := pts[i%len(pts)]
			resp, err := client.Get(fmt.Sprintf("%s/api/v1/locate?lon=%.6f&lat=%.6f", srv.URL, p.lon, p.lat))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
