package placemap_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/placemap"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

// BenchmarkMap maps random points of the sample city's bounding box (a
// street within 50 m), one goroutine and all of them; Load is timed once.
//
//	go test -run '^$' -bench Map -benchmem ./internal/placemap/
func BenchmarkMap(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		b.Fatal(err)
	}
	snap, err := placemap.Load(ctx, d.Pool)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := placemap.Load(ctx, d.Pool); err != nil {
				b.Fatal(err)
			}
		}
	})
	var minX, minY, maxX, maxY float64
	if err := d.Pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom)::geometry e FROM areas) s`).Scan(&minX, &minY, &maxX, &maxY); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	type pt struct{ lon, lat float64 }
	pts := make([]pt, 1<<16)
	for i := range pts {
		pts[i] = pt{minX + rng.Float64()*(maxX-minX), minY + rng.Float64()*(maxY-minY)}
	}
	b.Run("random", func(b *testing.B) {
		streets := 0
		for i := 0; b.Loop(); i++ {
			p := pts[i&(len(pts)-1)]
			if snap.Map(p.lon, p.lat, 50).Street != "" {
				streets++
			}
		}
		b.ReportMetric(float64(streets)/float64(b.N), "street/op")
	})
	// Hotline tickets are mostly reported from the street: points 0–60 m
	// off the street centre lines.
	rows, err := d.Pool.Query(ctx, `
		SELECT ST_X(p), ST_Y(p) FROM (
			SELECT ST_Project(ST_LineInterpolatePoint(ST_GeometryN(s.geom, 1), (i * 0.618034) % 1)::geography,
				(i * 7.31) % 60, radians((i * 137.5) % 360))::geometry AS p
			FROM generate_series(1, 8192) i JOIN LATERAL (
				SELECT geom FROM streets ORDER BY code OFFSET (i * 7919) % (SELECT count(*) FROM streets) LIMIT 1) s ON true) q`)
	if err != nil {
		b.Fatal(err)
	}
	var near []pt
	for rows.Next() {
		var p pt
		if err := rows.Scan(&p.lon, &p.lat); err != nil {
			b.Fatal(err)
		}
		near = append(near, p)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	b.Run("near-street", func(b *testing.B) {
		streets := 0
		for i := 0; b.Loop(); i++ {
			p := near[i%len(near)]
			if snap.Map(p.lon, p.lat, 50).Street != "" {
				streets++
			}
		}
		b.ReportMetric(float64(streets)/float64(b.N), "street/op")
	})
	b.Run("random-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(pts))
			for pb.Next() {
				p := pts[i&(len(pts)-1)]
				snap.Map(p.lon, p.lat, 50)
				i++
			}
		})
	})
}
