package placemap

import (
	"math"
	"slices"
)

// bbox is a bounding box in degrees.
type bbox struct{ minX, minY, maxX, maxY float64 }

func emptyBox() bbox {
	return bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (b *bbox) add(p pt) {
	b.minX, b.minY = math.Min(b.minX, p.x), math.Min(b.minY, p.y)
	b.maxX, b.maxY = math.Max(b.maxX, p.x), math.Max(b.maxY, p.y)
}

func (b *bbox) union(o bbox) {
	b.minX, b.minY = math.Min(b.minX, o.minX), math.Min(b.minY, o.minY)
	b.maxX, b.maxY = math.Max(b.maxX, o.maxX), math.Max(b.maxY, o.maxY)
}

func (b bbox) contains(p pt) bool {
	return p.x >= b.minX && p.x <= b.maxX && p.y >= b.minY && p.y <= b.maxY
}

func (b bbox) intersects(o bbox) bool {
	return b.minX <= o.maxX && o.minX <= b.maxX && b.minY <= o.maxY && o.minY <= b.maxY
}

// bucketGrid is a uniform grid of cells over the extent of its items; each
// cell lists, in insertion order, the items whose bounding box meets it.
// Cell lists are stored flat: cell c holds items[start[c]:start[c+1]].
type bucketGrid struct {
	ext      bbox
	cw, ch   float64
	nx, ny   int
	start    []int32
	items    []int32
	itemCell [][2]int32 // each item's first cell (x, y), to visit it once
}

// maxCells caps the cells of one grid.
const maxCells = 1 << 18

// newBucketGrid indexes boxes (item i has boxes[i]; empty boxes are
// skipped) with square cells of factor times the median item size.
func newBucketGrid(boxes []bbox, factor float64) *bucketGrid {
	g := &bucketGrid{ext: emptyBox(), itemCell: make([][2]int32, len(boxes))}
	var sizes []float64
	for _, b := range boxes {
		if !(b.minX <= b.maxX && b.minY <= b.maxY) {
			continue
		}
		g.ext.union(b)
		sizes = append(sizes, math.Max(b.maxX-b.minX, b.maxY-b.minY))
	}
	if len(sizes) == 0 {
		g.ext = bbox{0, 0, 0, 0}
		sizes = append(sizes, 0)
	}
	slices.Sort(sizes)
	w, h := g.ext.maxX-g.ext.minX, g.ext.maxY-g.ext.minY
	side := math.Max(sizes[len(sizes)/2]*factor, math.Max(w, h)/1024)
	side = math.Max(side, 1e-9)
	g.nx = max(1, min(int(w/side)+1, 1024))
	g.ny = max(1, min(int(h/side)+1, 1024))
	for g.nx*g.ny > maxCells {
		g.nx, g.ny = max(1, g.nx/2), max(1, g.ny/2)
	}
	g.cw, g.ch = math.Max(w/float64(g.nx), 1e-12), math.Max(h/float64(g.ny), 1e-12)

	counts := make([]int32, g.nx*g.ny+1)
	for i, b := range boxes {
		if !(b.minX <= b.maxX && b.minY <= b.maxY) {
			g.itemCell[i] = [2]int32{-1, -1}
			continue
		}
		x0, y0, x1, y1 := g.cellX(b.minX), g.cellY(b.minY), g.cellX(b.maxX), g.cellY(b.maxY)
		g.itemCell[i] = [2]int32{int32(x0), int32(y0)}
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				counts[y*g.nx+x+1]++
			}
		}
	}
	g.start = make([]int32, len(counts))
	for c := 1; c < len(counts); c++ {
		g.start[c] = g.start[c-1] + counts[c]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	fill := append([]int32(nil), g.start[:len(g.start)-1]...)
	for i, b := range boxes {
		if g.itemCell[i][0] < 0 {
			continue
		}
		x0, y0, x1, y1 := g.cellX(b.minX), g.cellY(b.minY), g.cellX(b.maxX), g.cellY(b.maxY)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.items[fill[c]] = int32(i)
				fill[c]++
			}
		}
	}
	return g
}

// cellX is the column of x, clamped into the grid; monotonic in x.
func (g *bucketGrid) cellX(x float64) int {
	return clampCell((x-g.ext.minX)/g.cw, g.nx)
}

func (g *bucketGrid) cellY(y float64) int {
	return clampCell((y-g.ext.minY)/g.ch, g.ny)
}

func clampCell(f float64, n int) int {
	switch {
	case !(f > 0): // also NaN
		return 0
	case f >= float64(n):
		return n - 1
	}
	return int(f)
}

// at lists the items whose box may contain p (nil outside the extent).
func (g *bucketGrid) at(p pt) []int32 {
	if !g.ext.contains(p) {
		return nil
	}
	c := g.cellY(p.y)*g.nx + g.cellX(p.x)
	return g.items[g.start[c]:g.start[c+1]]
}

// each calls fn once for every item whose box may meet q.
func (g *bucketGrid) each(q bbox, fn func(item int32)) {
	if !g.ext.intersects(q) {
		return
	}
	x0, y0, x1, y1 := g.cellX(q.minX), g.cellY(q.minY), g.cellX(q.maxX), g.cellY(q.maxY)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			c := y*g.nx + x
			for _, it := range g.items[g.start[c]:g.start[c+1]] {
				// Visit an item in the first cell of q it occupies only.
				fc := g.itemCell[it]
				if int(fc[0]) < x && x > x0 || int(fc[1]) < y && y > y0 {
					continue
				}
				fn(it)
			}
		}
	}
}
