package hotline_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
)

// Distances are rounded in Go as PostgreSQL's round(d::numeric, 1)
// rounds them for intake, halves and the numbers that print long
// included.
func TestRound1AgreesWithPostgreSQL(t *testing.T) {
	d := dbtest.New(t)
	r := rand.New(rand.NewPCG(7, 7))
	ds := []float64{0, 0.05, 0.15, 0.25, 1.05, 2.675, 12.25, 12.35, 49.95, 49.999999999999, 0.04999999999999999, 1e-20, 123456.789}
	for range 3000 {
		switch r.IntN(3) {
		case 0:
			ds = append(ds, r.Float64()*60)
		case 1:
			ds = append(ds, float64(r.IntN(60000))/1000) // many exact halves
		default:
			ds = append(ds, float64(r.IntN(600))/10+0.05)
		}
	}
	rows, err := d.Pool.Query(context.Background(), `SELECT round(v::numeric, 1)::float8 FROM unnest($1::float8[]) WITH ORDINALITY u(v, n) ORDER BY n`, ds)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var want float64
		if err := rows.Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := hotline.Round1(ds[i]); got != want {
			t.Errorf("round1(%v) = %v, PostgreSQL says %v", ds[i], got, want)
		}
	}
	if i != len(ds) {
		t.Fatalf("%d of %d", i, len(ds))
	}
}
