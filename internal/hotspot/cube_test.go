package hotspot_test

import (
	"math"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
)

func disk(t *testing.T, c hotspot.Cell, k int) []hotspot.Cell {
	t.Helper()
	d, err := h3.Cell(c).GridDisk(k)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]hotspot.Cell, len(d))
	for i := range d {
		out[i] = hotspot.Cell(d[i])
	}
	return out
}

// The space-time Gi* written out over all pairs of bins of the cube:
// neighbours are the cells at grid distance ≤ 1 in bins t − step … t, and
// the mean, S and n are over the whole cube.
func bruteCube(t *testing.T, cells []hotspot.Cell, x [][]float64, step int) [][]float64 {
	var all []float64
	for _, b := range x {
		all = append(all, b...)
	}
	n := float64(len(all))
	var sum, sum2 float64
	for _, v := range all {
		sum += v
		sum2 += v * v
	}
	mean := sum / n
	s := math.Sqrt(sum2/n - mean*mean)
	out := make([][]float64, len(x))
	for tb := range x {
		out[tb] = make([]float64, len(cells))
		for i, ci := range cells {
			var wx, w float64
			for u := range x {
				if u > tb || u < tb-step {
					continue
				}
				for j, cj := range cells {
					if d, _ := h3.Cell(ci).GridDistance(h3.Cell(cj)); d <= 1 {
						wx += x[u][j]
						w++
					}
				}
			}
			out[tb][i] = (wx - mean*w) / (s * math.Sqrt((n*w-w*w)/(n-1)))
		}
	}
	return out
}

func TestCubeGiStarMatchesTheFormulaOverSpaceTimeNeighbours(t *testing.T) {
	centre := cellAt(t, 37.45, 116.30, 9)
	bins := make([]map[hotspot.Cell]float64, 6)
	for tb := range bins {
		bins[tb] = map[hotspot.Cell]float64{}
		for i, c := range disk(t, centre, 2) {
			bins[tb][c] = float64((i*7+tb*5)%4) + float64(tb*i%3)
		}
	}
	cube, err := hotspot.NewCube(bins, disk(t, centre, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []int{0, 1, 2, 10} {
		got := cube.GiStar(step)
		want := bruteCube(t, cube.Study.Cells(), cube.Bins, step)
		for tb := range want {
			for i := range want[tb] {
				if math.Abs(got[tb][i].Z-want[tb][i]) > 1e-9 {
					t.Fatalf("step %d bin %d cell %d: z %v, want %v", step, tb, i, got[tb][i].Z, want[tb][i])
				}
			}
		}
		// N counts the space-time neighbourhood: 7 cells × bins in window
		// for the centre.
		i, _ := cube.Study.Index(centre)
		if n := got[5][i].N; n != 7*min(step+1, 6) {
			t.Errorf("step %d: N = %d", step, n)
		}
	}
	// With no time step and one bin, the cube is the spatial statistic.
	one, err := hotspot.NewCube(bins[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	spatial, err := hotspot.GiStar(bins[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range one.GiStar(0)[0] {
		if s := spatial[one.Study.Cells()[i]]; !near(s.Z, r.Z) || !near(s.P, r.P) || s.N != r.N {
			t.Errorf("cell %d: cube %+v, spatial %+v", i, r, s)
		}
	}
}

// Twelve weekly bins over the 61 res-9 cells within 4 steps of a centre in
// Dezhou: a background of 0-2 problems a week everywhere, one cluster (a
// cell and its ring) busy from the first week (10 a week per cell) and
// growing by 2 a week, and another that appears in the last week only.
// (The growing cluster starting from 4 a week is not significant in its
// first two weeks: 10 of 12 hot bins, a Consecutive Hot Spot.)
func TestCubeEmergingFindsIntensifyingAndNewHotSpots(t *testing.T) {
	centre := cellAt(t, 37.45, 116.30, 9)
	study := disk(t, centre, 4)
	var growing, fresh, quiet hotspot.Cell
	for _, c := range study {
		d, _ := h3.Cell(centre).GridDistance(h3.Cell(c))
		switch {
		case d == 2 && growing == 0:
			growing = c
		case d == 2 && fresh == 0:
			if g, _ := h3.Cell(growing).GridDistance(h3.Cell(c)); g >= 4 {
				fresh = c
			}
		}
	}
	for _, c := range study { // far from both clusters
		dg, _ := h3.Cell(growing).GridDistance(h3.Cell(c))
		df, _ := h3.Cell(fresh).GridDistance(h3.Cell(c))
		if dg >= 4 && df >= 4 {
			quiet = c
		}
	}
	if growing == 0 || fresh == 0 || quiet == 0 {
		t.Fatal("fixture cells not found")
	}
	bins := make([]map[hotspot.Cell]float64, 12)
	for tb := range bins {
		bins[tb] = map[hotspot.Cell]float64{}
		for i, c := range study {
			bins[tb][c] = float64((i*7 + tb*3) % 3)
		}
		for _, c := range append(hotspot.Neighbours(growing), growing) {
			bins[tb][c] = float64(10 + 2*tb)
		}
	}
	for _, c := range append(hotspot.Neighbours(fresh), fresh) {
		bins[11][c] = 20
	}
	cube, err := hotspot.NewCube(bins, study)
	if err != nil {
		t.Fatal(err)
	}
	trends := cube.Emerging(hotspot.DefaultTrendOptions)
	byCell := map[hotspot.Cell]hotspot.Trend{}
	for _, tr := range trends {
		byCell[tr.Cell] = tr
	}
	for c, want := range map[hotspot.Cell]hotspot.Pattern{
		growing: hotspot.IntensifyingHotSpot,
		fresh:   hotspot.NewHotSpot,
		quiet:   hotspot.NoPattern,
	} {
		if tr := byCell[c]; tr.Pattern != want {
			t.Errorf("%x: %v, want %v\n z %.2f\n bins %v\n MK %+v", c, tr.Pattern, want, tr.Z, tr.Bins, tr.MK)
		}
	}
	if tr := byCell[growing]; len(tr.Z) != 12 || len(tr.Bins) != 12 || tr.MK.Trend != 1 {
		t.Errorf("growing: %+v", tr)
	}
}
