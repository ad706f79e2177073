package hotspot_test

import (
	"fmt"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

// Problems per res-9 cell in one window: 14 in a cell of Dezhou and 4 in
// each of its neighbours. The study area is those 7 cells and the 12 empty
// cells around them: n = 19, x̄ = 2, S = √(216/19), and the centre's
// z = (38 − 2·7)/(S·√(7·12/18)) = 24/√(3024/57) = 3.295. Its p = 0.00098
// passes the 99 % test alone but not the FDR cut-off at 99 % (0.01/19 =
// 0.00053); it passes at 95 % (0.05/19 = 0.0026).
func ExampleGiStar() {
	c, _ := h3.LatLngToCell(h3.LatLng{Lat: 37.45, Lng: 116.30}, 9)
	centre := hotspot.Cell(c)
	values := map[hotspot.Cell]float64{centre: 14}
	for _, n := range hotspot.Neighbours(centre) {
		values[n] = 4
	}
	res, err := hotspot.GiStar(values, nil)
	if err != nil {
		panic(err)
	}
	r := res[centre]
	fmt.Printf("%d cells; %s: z=%.3f p=%.4f N=%d %v\n", len(res), c, r.Z, r.P, r.N, hotspot.Classify(r.Z, r.P))
	fmt.Println("with FDR:", hotspot.Classes(res, true)[centre])
	// Output:
	// 19 cells; 89319d2b38fffff: z=3.295 p=0.0010 N=7 hot 99%
	// with FDR: hot 95%
}

func ExampleMannKendall() {
	m := hotspot.MannKendall([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	fmt.Printf("S=%d Var(S)=%g Z=%.4f p=%.2e tau=%g trend=%+d\n", m.S, m.VarS, m.Z, m.P, m.Tau, m.Trend)
	// Output:
	// S=45 Var(S)=125 Z=3.9355 p=8.30e-05 tau=1 trend=+1
}

// The 15 p-values of Benjamini & Hochberg (1995).
func ExampleBH() {
	ps := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	fmt.Println(hotspot.BH(ps, 0.05)[:6])
	fmt.Printf("%.4f\n", hotspot.BHAdjust(ps)[:6])
	// Output:
	// [true true true true false false]
	// [0.0015 0.0030 0.0095 0.0356 0.0603 0.0639]
}

// A cell's Gi* z-scores over ten weeks: quiet, then significant hot spots
// for the last three.
func ExampleEmerging() {
	z := []float64{0.2, -0.4, 0.9, 0.1, 0.3, -0.2, 0.5, 2.1, 2.8, 3.4}
	bins := make([]hotspot.Confidence, len(z))
	for i := range z {
		bins[i] = hotspot.Classify(z[i], hotspot.PValue(z[i]))
	}
	p, mk := hotspot.Emerging(z, bins, hotspot.Rules{})
	fmt.Println(p, p.Key(), bins[7:])
	fmt.Printf("trend: tau=%.2f p=%.4f\n", mk.Tau, mk.P)
	// Output:
	// Consecutive Hot Spot consecutive_hot_spot [hot 95% hot 99% hot 99%]
	// trend: tau=0.60 p=0.0200
}
