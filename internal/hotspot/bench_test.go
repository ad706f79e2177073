package hotspot_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

// benchCells returns 20,000 res-10 cells (about 300 km², the size of a
// district) around Dezhou's centre.
func benchCells(b *testing.B) []hotspot.Cell {
	b.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: 37.45, Lng: 116.30}, 10)
	if err != nil {
		b.Fatal(err)
	}
	d, err := c.GridDisk(82) // 20,419 cells
	if err != nil {
		b.Fatal(err)
	}
	cells := make([]hotspot.Cell, len(d))
	for i := range d {
		cells[i] = hotspot.Cell(d[i])
	}
	slices.Sort(cells)
	return cells[:20000]
}

// poisson draws a Poisson count with mean lambda (Knuth's method, small
// lambda).
func poisson(r *rand.Rand, lambda float64) float64 {
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// benchValues is one bin of counts: 0.3 a cell on average, ten times that
// in every 50th cell.
func benchValues(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		lambda := 0.3
		if i%50 == 0 {
			lambda = 3
		}
		x[i] = poisson(r, lambda)
	}
	return x
}

// BenchmarkNewStudy builds the neighbourhood graph of 20,000 cells (one
// h3 grid disk per cell).
//
//	go test -run '^$' -bench . -benchmem ./internal/hotspot/
func BenchmarkNewStudy(b *testing.B) {
	cells := benchCells(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := hotspot.NewStudy(cells); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cells)), "cells")
}

// BenchmarkGiStar is one hot spot map: Gi* and the FDR classes of 20,000
// cells, on a study area built beforehand.
func BenchmarkGiStar(b *testing.B) {
	s, err := hotspot.NewStudy(benchCells(b))
	if err != nil {
		b.Fatal(err)
	}
	x := benchValues(rand.New(rand.NewPCG(1, 2)), s.Len())
	zs, ps := make([]float64, s.Len()), make([]float64, s.Len())
	var hot int
	b.ResetTimer()
	for b.Loop() {
		res := s.GiStar(x)
		for i, r := range res {
			zs[i], ps[i] = r.Z, r.P
		}
		hot = 0
		for _, c := range hotspot.ClassifyFDR(zs, ps) {
			if c > 0 {
				hot++
			}
		}
	}
	b.ReportMetric(float64(s.Len()), "cells")
	b.ReportMetric(float64(hot), "hot")
}

// BenchmarkEmerging52Weeks is the trend map: space-time Gi* over 20,000
// cells × 52 weekly bins (time step 1), the FDR over all 1,040,000 bins,
// and a Mann-Kendall test and a class per cell.
func BenchmarkEmerging52Weeks(b *testing.B) {
	s, err := hotspot.NewStudy(benchCells(b))
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	cube := &hotspot.Cube{Study: s, Bins: make([][]float64, 52)}
	for t := range cube.Bins {
		cube.Bins[t] = benchValues(r, s.Len())
	}
	var patterns map[hotspot.Pattern]int
	b.ResetTimer()
	for b.Loop() {
		patterns = map[hotspot.Pattern]int{}
		for _, tr := range cube.Emerging(hotspot.DefaultTrendOptions) {
			patterns[tr.Pattern]++
		}
	}
	b.ReportMetric(float64(s.Len()*len(cube.Bins)), "bins")
	b.ReportMetric(float64(s.Len()-patterns[hotspot.NoPattern]), "with-pattern")
}
