package duty_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkResponsible resolves the chain on the staffed sample city (with
// its frontage units) at points a few metres off its streets, where every
// link applies: the SQL path (duty.Resolve, one round trip per chain) and
// the HTTP path through Echo over loopback.
//
//	go test -run '^$' -bench Responsible -benchmem ./internal/duty/
func BenchmarkResponsible(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `ANALYZE;
		INSERT INTO categories (code, name, kind, big_class, big_class_name, small_class, department_code, time_limit_hours, first_in_line)
		VALUES ('B-LITTER', 'bench', 'event', '98', 'bench', '01', 'cgj', 8, 'frontage_owner') ON CONFLICT DO NOTHING`); err != nil {
		b.Fatal(err)
	}
	// Points 8 m to one side of the street centre lines, where frontage
	// zones lie, spread over the whole network.
	rows, err := d.Pool.Query(ctx, `
		SELECT ST_X(p), ST_Y(p) FROM (
			SELECT ST_Project(ST_LineInterpolatePoint(ST_GeometryN(geom, 1), 0.5)::geography, 8, radians(0))::geometry AS p
			FROM streets ORDER BY code) s`)
	if err != nil {
		b.Fatal(err)
	}
	type pt struct{ lon, lat float64 }
	var pts []pt
	for rows.Next() {
		var p pt
		rows.Scan(&p.lon, &p.lat)
		pts = append(pts, p)
	}
	var frontageLinks int
	at := time.Now()
	for _, p := range pts[:100] {
		ch, err := duty.Resolve(ctx, d.Pool, p.lon, p.lat, "B-LITTER", at, 50)
		if err != nil {
			b.Fatal(err)
		}
		if ch.Links[0].Role == "frontage_owner" {
			frontageLinks++
		}
	}
	b.Logf("%d points; %d of the first 100 chains start in a frontage zone; 1 SQL round trip per chain", len(pts), frontageLinks)

	b.Run("sql", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := pts[i%len(pts)]
			if _, err := duty.Resolve(ctx, d.Pool, p.lon, p.lat, "B-LITTER", at, 50); err != nil {
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
			q := url.Values{"lon": {fmt.Sprint(p.lon)}, "lat": {fmt.Sprint(p.lat)}, "category": {"B-LITTER"}}
			resp, err := client.Get(srv.URL + "/api/v1/responsible?" + q.Encode())
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
