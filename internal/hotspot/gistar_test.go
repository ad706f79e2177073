package hotspot_test

import (
	"math"
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

const tol = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) <= tol }

// cellAt is the H3 cell of a point at resolution res.
func cellAt(t testing.TB, lat, lon float64, res int) hotspot.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, res)
	if err != nil {
		t.Fatal(err)
	}
	return hotspot.Cell(c)
}

// ringCycle returns the neighbours of centre in order around it, each
// adjacent to the next and the last to the first.
func ringCycle(t *testing.T, centre hotspot.Cell) []hotspot.Cell {
	t.Helper()
	ring := hotspot.Neighbours(centre)
	if len(ring) != 6 {
		t.Fatalf("centre has %d neighbours", len(ring))
	}
	cycle := []hotspot.Cell{ring[0]}
	for len(cycle) < 6 {
		last := cycle[len(cycle)-1]
		for _, c := range ring {
			if !slices.Contains(cycle, c) && slices.Contains(hotspot.Neighbours(last), c) {
				cycle = append(cycle, c)
				break
			}
		}
	}
	if !slices.Contains(hotspot.Neighbours(cycle[5]), cycle[0]) {
		t.Fatal("ring does not close")
	}
	return cycle
}

// The 7-cell fixture: a res-9 cell in Dezhou with 14 problems, and its six
// neighbours, in order around it (each next to the next), with 8, 6, 4, 2,
// 2, 2. The default study area adds the ring around those seven: the 12
// cells at grid distance 2, all 0. So
//
//	n  = 7 + 12 = 19
//	Σx = 14 + 8 + 6 + 4 + 2 + 2 + 2 = 38,  x̄ = 38/19 = 2
//	Σ(x − x̄)² = 12² + 6² + 4² + 2² + 0 + 0 + 0 + 12·(−2)² = 144 + 36 + 16 + 4 + 48 = 248
//	S = √(248/19) = 3.6128...   (also Σx²/n − x̄² = 324/19 − 4 = 248/19)
//
// Binary weights: W_i = Σ_j w_ij = Σ_j w_ij² = cells of i's neighbourhood
// (itself included) in the study area, and the denominator is
// S·√(W(n − W)/(n − 1)).
//
// W = 7 (the centre, and each of the six: itself, the centre, its two
// neighbours on the ring and three zero cells at distance 2):
//
//	den₇ = S·√(7·12/18) = √(248/19 · 14/3) = √(3472/57) = 7.8046320029681339
//	centre: Σ = 38,               38 − 2·7 = 24  z = 24/den₇ = 3.0750969412616380
//	r₁ = 8: Σ = 8 + 14 + 2 + 6 = 30, 30 − 14 = 16  z = 16/den₇ = 2.0500646275077587
//	r₂ = 6: Σ = 6 + 14 + 8 + 4 = 32,           18  z = 18/den₇ = 2.3063227059462285
//	r₃ = 4: Σ = 4 + 14 + 6 + 2 = 26,           12  z = 12/den₇ = 1.5375484706308190
//	r₄ = 2: Σ = 2 + 14 + 4 + 2 = 22,            8  z =  8/den₇ = 1.0250323137538793
//	r₅ = 2: Σ = 2 + 14 + 2 + 2 = 20,            6  z =  6/den₇ = 0.7687742353154095
//	r₆ = 2: Σ = 2 + 14 + 2 + 8 = 26,           12  z = 12/den₇ = 1.5375484706308190
//
// The 12 cells at distance 2 are 0 and have part of their ring outside the
// study area. Six "corners" touch one r_k (W = itself + r_k + two cells at
// distance 2 = 4), six "edges" touch two neighbouring r_k, r_k+1 (W = 5):
//
//	den₄ = S·√(4·15/18) = √(248/19 · 10/3) = √(2480/57)  = 6.5961179438988628
//	den₅ = S·√(5·14/18) = √(248/19 · 35/9) = √(8680/171) = 7.1246216684206225
//	corner at r_k: z = (r_k − 2·4)/den₄:  r=8 → 0;  6 → −0.3032086474211574;  4 → −0.6064172948423148;  2 → −0.9096259422634722
//	edge at r_k, r_k+1: z = (r_k + r_k+1 − 2·5)/den₅:  8+6 → 0.5614333204147127;  6+4, 2+8 → 0;  4+2 → −0.5614333204147127;  2+2 → −0.8421499806220690
//
// Two-sided p = erfc(|z|/√2) (30-digit arithmetic):
//
//	z = 3.0750969412616380 → p = 0.0021043414343437698   (hot, 99 %)
//	z = 2.3063227059462285 → p = 0.021092607328151832    (hot, 95 %)
//	z = 2.0500646275077587 → p = 0.040358124616046372    (hot, 95 %)
//	z = 1.5375484706308190 → p = 0.12415905499187283     (not significant)
//	z = 1.0250323137538793 → p = 0.30534794082203921
//	z = 0.7687742353154095 → p = 0.44202734650135589
//	z = −0.9096259422634722 → p = 0.3630198124616337
//	z = −0.8421499806220690 → p = 0.39970400779906216
//	z = ±0.5614333204147127 → p = 0.57450217450757264
//	z = −0.6064172948423148 → p = 0.54423768680930469
//	z = −0.3032086474211574 → p = 0.76173085934386517
//	z = 0                   → p = 1
func TestGiStarSevenCellFixtureMatchesHandComputation(t *testing.T) {
	centre := cellAt(t, 37.45, 116.30, 9)
	ring := ringCycle(t, centre)
	counts := []float64{8, 6, 4, 2, 2, 2}
	values := map[hotspot.Cell]float64{centre: 14}
	for k, c := range ring {
		values[c] = counts[k]
	}
	res, err := hotspot.GiStar(values, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 19 {
		t.Fatalf("study area has %d cells, want 19", len(res))
	}

	type want struct {
		z, p float64
		n    int
	}
	const (
		z24 = 3.0750969412616380
		z18 = 2.3063227059462285
		z16 = 2.0500646275077587
		z12 = 1.5375484706308190
		z8  = 1.0250323137538793
		z6  = 0.7687742353154095
	)
	check := func(name string, c hotspot.Cell, w want) {
		t.Helper()
		r := res[c]
		if !near(r.Z, w.z) || !near(r.P, w.p) || r.N != w.n {
			t.Errorf("%s: got z=%.16f p=%.16f N=%d, want z=%.16f p=%.16f N=%d", name, r.Z, r.P, r.N, w.z, w.p, w.n)
		}
	}
	check("centre", centre, want{z24, 0.0021043414343437698, 7})
	ringWant := []want{
		{z16, 0.040358124616046372, 7},
		{z18, 0.021092607328151832, 7},
		{z12, 0.12415905499187283, 7},
		{z8, 0.30534794082203921, 7},
		{z6, 0.44202734650135589, 7},
		{z12, 0.12415905499187283, 7},
	}
	for k, c := range ring {
		check("r"+string(rune('1'+k)), c, ringWant[k])
	}
	// The same numbers from the closed forms above.
	if den7 := math.Sqrt(3472.0 / 57); !near(res[centre].Z, 24/den7) || !near(res[ring[1]].Z, 18/den7) {
		t.Errorf("closed forms: centre %v vs %v", res[centre].Z, 24/den7)
	}

	cornerWant := map[float64]want{ // by the count of the one r_k touched
		8: {0, 1, 4},
		6: {-0.3032086474211574, 0.76173085934386517, 4},
		4: {-0.6064172948423148, 0.54423768680930469, 4},
		2: {-0.9096259422634722, 0.3630198124616337, 4},
	}
	edgeWant := map[float64]want{ // by the sum of the two r_k touched
		14: {0.5614333204147127, 0.57450217450757264, 5},
		10: {0, 1, 5},
		6:  {-0.5614333204147127, 0.57450217450757264, 5},
		4:  {-0.8421499806220690, 0.39970400779906216, 5},
	}
	corners, edges := 0, 0
	for c := range res {
		if c == centre || slices.Contains(ring, c) {
			continue
		}
		var touched []float64
		for k, r := range ring {
			if slices.Contains(hotspot.Neighbours(c), r) {
				touched = append(touched, counts[k])
			}
		}
		switch len(touched) {
		case 1:
			corners++
			check("corner", c, cornerWant[touched[0]])
		case 2:
			edges++
			check("edge", c, edgeWant[touched[0]+touched[1]])
		default:
			t.Errorf("cell %x at distance 2 touches %d ring cells", c, len(touched))
		}
	}
	if corners != 6 || edges != 6 {
		t.Errorf("%d corners and %d edges, want 6 and 6", corners, edges)
	}

	// Classes without correction: the centre at 99 %, r₁ and r₂ at 95 %.
	classes := hotspot.Classes(res, false)
	for c, k := range map[hotspot.Cell]hotspot.Confidence{centre: hotspot.Hot99, ring[0]: hotspot.Hot95, ring[1]: hotspot.Hot95, ring[2]: hotspot.NotSignificant} {
		if classes[c] != k {
			t.Errorf("class of %x: %v, want %v", c, classes[c], k)
		}
	}
	// With the FDR over the 19 cells (sorted p: 0.0021, 0.0211, 0.0404,
	// 0.124, ...): at q = 0.10 the cut-offs are k/19·0.10 = 0.00526,
	// 0.01053, 0.01579, ...; only p₍₁₎ = 0.0021 ≤ 0.00526 passes (0.0211 >
	// 0.01053, 0.0404 > 0.01579, and every later p exceeds its cut-off too).
	// At q = 0.05 the first cut-off is 0.00263 ≥ 0.0021: the centre again;
	// at q = 0.01 it is 0.000526 < 0.0021. So the centre is hot at 95 %
	// and nothing else is significant.
	fdr := hotspot.Classes(res, true)
	for c, k := range fdr {
		want := hotspot.NotSignificant
		if c == centre {
			want = hotspot.Hot95
		}
		if k != want {
			t.Errorf("FDR class of %x: %v, want %v", c, k, want)
		}
	}
}

// bruteGiStar is the Gi* formula written out over all pairs, with the
// weights from h3's grid distance: an independent check of the
// neighbourhood graph and the arithmetic.
func bruteGiStar(t *testing.T, study []hotspot.Cell, x map[hotspot.Cell]float64) map[hotspot.Cell]float64 {
	n := float64(len(study))
	var sum, sum2 float64
	for _, c := range study {
		sum += x[c]
		sum2 += x[c] * x[c]
	}
	mean := sum / n
	s := math.Sqrt(sum2/n - mean*mean)
	out := make(map[hotspot.Cell]float64)
	for _, i := range study {
		var wx, w, w2 float64
		for _, j := range study {
			d, err := h3.Cell(i).GridDistance(h3.Cell(j))
			if err != nil {
				t.Fatal(err)
			}
			if d <= 1 {
				wx += x[j]
				w++
				w2++
			}
		}
		out[i] = (wx - mean*w) / (s * math.Sqrt((n*w2-w*w)/(n-1)))
	}
	return out
}

// The second fixture: a study area of the 127 res-9 cells within 6 steps of
// a centre, passed explicitly, background 5 everywhere, a hot cluster of 20
// (a cell 3 steps out and its ring) and a cold corner of 0 (a corner of the
// area and its three neighbours inside it).
func TestGiStarFindsHotClusterAndColdCorner(t *testing.T) {
	centre := cellAt(t, 37.45, 116.30, 9)
	disk, err := h3.Cell(centre).GridDisk(6)
	if err != nil {
		t.Fatal(err)
	}
	study := make([]hotspot.Cell, len(disk))
	for i, c := range disk {
		study[i] = hotspot.Cell(c)
	}
	dist := func(a, b hotspot.Cell) int {
		d, err := h3.Cell(a).GridDistance(h3.Cell(b))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	var hot, cold hotspot.Cell
	for _, c := range study {
		inside := 0
		for _, nb := range hotspot.Neighbours(c) {
			if slices.Contains(study, nb) {
				inside++
			}
		}
		if cold == 0 && inside == 3 { // a corner of the hexagonal area
			cold = c
		}
	}
	for _, c := range study { // 3 steps out, as far as possible from the corner
		if dist(centre, c) == 3 && (hot == 0 || dist(c, cold) > dist(hot, cold)) {
			hot = c
		}
	}
	x := make(map[hotspot.Cell]float64)
	for _, c := range study {
		x[c] = 5
	}
	x[hot] = 20
	for _, nb := range hotspot.Neighbours(hot) {
		x[nb] = 20
	}
	x[cold] = 0
	for _, nb := range hotspot.Neighbours(cold) {
		if slices.Contains(study, nb) {
			x[nb] = 0
		}
	}

	res, err := hotspot.GiStar(x, study)
	if err != nil {
		t.Fatal(err)
	}
	brute := bruteGiStar(t, study, x)
	for c, r := range res {
		if math.Abs(r.Z-brute[c]) > 1e-9 {
			t.Errorf("%x: z %v, brute force %v", c, r.Z, brute[c])
		}
	}
	for _, fdr := range []bool{false, true} {
		classes := hotspot.Classes(res, fdr)
		if classes[hot] != hotspot.Hot99 {
			t.Errorf("fdr=%v: hot cluster centre is %v (z=%.3f p=%.2g)", fdr, classes[hot], res[hot].Z, res[hot].P)
		}
		if classes[cold] > hotspot.Cold95 { // cold at 95 % at least
			t.Errorf("fdr=%v: cold corner is %v (z=%.3f p=%.2g)", fdr, classes[cold], res[cold].Z, res[cold].P)
		}
		if classes[centre] != hotspot.NotSignificant {
			t.Errorf("fdr=%v: the centre, 3 steps from the cluster, is %v (z=%.3f)", fdr, classes[centre], res[centre].Z)
		}
		for _, nb := range hotspot.Neighbours(hot) {
			if classes[nb] <= hotspot.NotSignificant {
				t.Errorf("fdr=%v: cluster cell %x is %v", fdr, nb, classes[nb])
			}
		}
	}
	if res[cold].N != 4 || res[hot].N != 7 {
		t.Errorf("N: corner %d, cluster %d; want 4 and 7", res[cold].N, res[hot].N)
	}
}

func TestGiStarDegenerateInputs(t *testing.T) {
	c := cellAt(t, 37.45, 116.30, 9)
	// Every value equal: S = 0, no evidence either way.
	flat := map[hotspot.Cell]float64{c: 3}
	for _, nb := range hotspot.Neighbours(c) {
		flat[nb] = 3
	}
	res, err := hotspot.GiStar(flat, hotspot.Neighbours(c)[:0:0])
	if err == nil {
		t.Errorf("values outside an empty study area: no error (%v)", res)
	}
	res, err = hotspot.GiStar(flat, append(hotspot.Neighbours(c), c))
	if err != nil {
		t.Fatal(err)
	}
	for cell, r := range res {
		if r.Z != 0 || r.P != 1 {
			t.Errorf("flat %x: %+v", cell, r)
		}
	}
	// Mixed resolutions and invalid cells are refused.
	if _, err := hotspot.GiStar(map[hotspot.Cell]float64{c: 1, cellAt(t, 37.45, 116.30, 10): 2}, nil); err == nil {
		t.Error("mixed resolutions: no error")
	}
	if _, err := hotspot.NewStudy([]hotspot.Cell{c, 12345}); err == nil {
		t.Error("invalid cell: no error")
	}
}

func TestNeighboursOfHexagonsAndPentagons(t *testing.T) {
	c := cellAt(t, 37.45, 116.30, 9)
	nb := hotspot.Neighbours(c)
	if len(nb) != 6 || slices.Contains(nb, c) || !slices.IsSorted(nb) {
		t.Errorf("hexagon: %x", nb)
	}
	for _, n := range nb {
		if d, _ := h3.Cell(c).GridDistance(h3.Cell(n)); d != 1 {
			t.Errorf("%x is %d steps away", n, d)
		}
	}
	pents, err := h3.Pentagons(9)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pents {
		if n := hotspot.Neighbours(hotspot.Cell(p)); len(n) != 5 {
			t.Errorf("pentagon %s has %d neighbours", p, len(n))
		}
	}
	if hotspot.Neighbours(0) != nil {
		t.Error("invalid cell has neighbours")
	}
	if got := hotspot.StudyArea([]hotspot.Cell{c, c}); len(got) != 7 {
		t.Errorf("StudyArea of one cell: %d cells", len(got))
	}
}
