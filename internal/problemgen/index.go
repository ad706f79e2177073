package problemgen

// Small spatial indexes in the local metric projection: a raster that
// answers "which community" without a polygon test for almost every point,
// a uniform grid of street pieces for "nearest street", and one of points
// for "nearest frontage unit".

import "math"

// mixed marks a raster cell that needs the exact polygon test.
const mixed = math.MaxUint16

// raster holds, for every cell, community index + 1 when the whole cell lies
// in that community, 0 when it lies outside the city, mixed otherwise. A
// cell is whole when its four corners agree and no polygon vertex lies in
// it: a straight boundary edge that crosses a square separates its corners.
type raster struct {
	x0, y0, size float64
	w, h         int
	cells        []uint16
}

func newRaster(c *city, size float64) raster {
	b := c.outline.Bound()
	lo, hi := c.proj.fwd(b.Min), c.proj.fwd(b.Max)
	r := raster{x0: lo.x - size, y0: lo.y - size, size: size}
	r.w = int(math.Ceil((hi.x-lo.x)/size)) + 2
	r.h = int(math.Ceil((hi.y-lo.y)/size)) + 2
	corner := make([]int32, (r.w+1)*(r.h+1))
	for j := 0; j <= r.h; j++ {
		for i := 0; i <= r.w; i++ {
			q := c.proj.inv(xy{r.x0 + float64(i)*size, r.y0 + float64(j)*size})
			corner[j*(r.w+1)+i] = int32(c.communityExact(q))
		}
	}
	r.cells = make([]uint16, r.w*r.h)
	for j := 0; j < r.h; j++ {
		for i := 0; i < r.w; i++ {
			k := corner[j*(r.w+1)+i]
			if k != corner[j*(r.w+1)+i+1] || k != corner[(j+1)*(r.w+1)+i] || k != corner[(j+1)*(r.w+1)+i+1] {
				r.cells[j*r.w+i] = mixed
				continue
			}
			r.cells[j*r.w+i] = uint16(k + 1)
		}
	}
	for _, cm := range c.communities {
		for _, ring := range cm.poly {
			for _, q := range ring {
				if i, j, ok := r.cell(c.proj.fwd(q)); ok {
					r.cells[j*r.w+i] = mixed
				}
			}
		}
	}
	return r
}

func (r *raster) cell(p xy) (int, int, bool) {
	i := int(math.Floor((p.x - r.x0) / r.size))
	j := int(math.Floor((p.y - r.y0) / r.size))
	return i, j, i >= 0 && j >= 0 && i < r.w && j < r.h
}

func (r *raster) at(p xy) uint16 {
	i, j, ok := r.cell(p)
	if !ok {
		return 0
	}
	return r.cells[j*r.w+i]
}

// grid is a uniform grid of buckets in compressed form: the items of
// bucket k are items[start[k]:start[k+1]].
type grid struct {
	x0, y0, size float64
	w, h         int
	start        []int32
	items        []int32
}

func newGrid(lo, hi xy, size float64) grid {
	g := grid{x0: lo.x - size, y0: lo.y - size, size: size}
	g.w = int(math.Ceil((hi.x-lo.x)/size)) + 2
	g.h = int(math.Ceil((hi.y-lo.y)/size)) + 2
	return g
}

func (g *grid) clampCell(p xy) (int, int) {
	i := int(math.Floor((p.x - g.x0) / g.size))
	j := int(math.Floor((p.y - g.y0) / g.size))
	return min(max(i, 0), g.w-1), min(max(j, 0), g.h-1)
}

// fill builds the buckets from each item's cell range.
func (g *grid) fill(n int, span func(k int) (i0, j0, i1, j1 int)) {
	count := make([]int32, g.w*g.h+1)
	for k := 0; k < n; k++ {
		i0, j0, i1, j1 := span(k)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				count[j*g.w+i+1]++
			}
		}
	}
	for k := 1; k < len(count); k++ {
		count[k] += count[k-1]
	}
	g.start = count
	g.items = make([]int32, count[len(count)-1])
	next := append([]int32(nil), count[:len(count)-1]...)
	for k := 0; k < n; k++ {
		i0, j0, i1, j1 := span(k)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				c := j*g.w + i
				g.items[next[c]] = int32(k)
				next[c]++
			}
		}
	}
}

func (g *grid) bucket(i, j int) []int32 {
	if i < 0 || j < 0 || i >= g.w || j >= g.h {
		return nil
	}
	k := j*g.w + i
	return g.items[g.start[k]:g.start[k+1]]
}

// piece is one straight piece of a street segment.
type piece struct {
	a, b   xy
	street int32
	index  int32 // a is streets[street].pts[index]
}

type lineIndex struct {
	grid
	pieces []piece
}

func newLineIndex(streets []street, size float64) lineIndex {
	lo := xy{math.Inf(1), math.Inf(1)}
	hi := xy{math.Inf(-1), math.Inf(-1)}
	var ps []piece
	for si, s := range streets {
		for i := 0; i+1 < len(s.pts); i++ {
			ps = append(ps, piece{a: s.pts[i], b: s.pts[i+1], street: int32(si), index: int32(i)})
			for _, p := range s.pts[i : i+2] {
				lo.x, lo.y = math.Min(lo.x, p.x), math.Min(lo.y, p.y)
				hi.x, hi.y = math.Max(hi.x, p.x), math.Max(hi.y, p.y)
			}
		}
	}
	ix := lineIndex{grid: newGrid(lo, hi, size), pieces: ps}
	ix.fill(len(ps), func(k int) (int, int, int, int) {
		p := ps[k]
		i0, j0 := ix.clampCell(xy{math.Min(p.a.x, p.b.x), math.Min(p.a.y, p.b.y)})
		i1, j1 := ix.clampCell(xy{math.Max(p.a.x, p.b.x), math.Max(p.a.y, p.b.y)})
		return i0, j0, i1, j1
	})
	return ix
}

// hit is the nearest point of a street to a query point.
type hit struct {
	piece int32
	foot  xy
	dist  float64
	t     float64 // position of foot on the piece, 0..1
	left  bool    // the query point is left of the street's direction
}

func nearestOnPiece(p xy, pc *piece) (xy, float64, float64) {
	dx, dy := pc.b.x-pc.a.x, pc.b.y-pc.a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = ((p.x-pc.a.x)*dx + (p.y-pc.a.y)*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	f := xy{pc.a.x + dx*t, pc.a.y + dy*t}
	return f, (p.x-f.x)*(p.x-f.x) + (p.y-f.y)*(p.y-f.y), t
}

// nearest is the nearest street piece to p (ok false when there is none
// within maxDist). Rings of buckets are searched outwards until no unseen
// bucket can hold anything nearer.
func (ix *lineIndex) nearest(p xy, maxDist float64) (hit, bool) {
	ci := int(math.Floor((p.x - ix.x0) / ix.size))
	cj := int(math.Floor((p.y - ix.y0) / ix.size))
	best := hit{piece: -1, dist: math.Inf(1)}
	maxRing := int(maxDist/ix.size) + 1
	for r := 0; r <= maxRing; r++ {
		for j := cj - r; j <= cj+r; j++ {
			step := 1
			if j != cj-r && j != cj+r {
				step = 2 * r // only the ring's left and right columns
			}
			for i := ci - r; i <= ci+r; i += max(step, 1) {
				for _, k := range ix.bucket(i, j) {
					f, d2, t := nearestOnPiece(p, &ix.pieces[k])
					if d2 < best.dist || (d2 == best.dist && k < best.piece) {
						best = hit{piece: k, foot: f, dist: d2, t: t}
					}
				}
			}
		}
		if best.piece >= 0 && math.Sqrt(best.dist) <= float64(r)*ix.size {
			break
		}
	}
	if best.piece < 0 {
		return best, false
	}
	best.dist = math.Sqrt(best.dist)
	if best.dist > maxDist {
		return best, false
	}
	pc := &ix.pieces[best.piece]
	best.left = (pc.b.x-pc.a.x)*(p.y-pc.a.y)-(pc.b.y-pc.a.y)*(p.x-pc.a.x) > 0
	return best, true
}

// nearestOther is the nearest piece within maxDist (at most one bucket
// size) of a street whose name differs from name: the cross street.
func (ix *lineIndex) nearestOther(p xy, streets []street, name string, maxDist float64) (int32, bool) {
	ci, cj := int(math.Floor((p.x-ix.x0)/ix.size)), int(math.Floor((p.y-ix.y0)/ix.size))
	best, bestD := int32(-1), maxDist*maxDist
	for j := cj - 1; j <= cj+1; j++ {
		for i := ci - 1; i <= ci+1; i++ {
			for _, k := range ix.bucket(i, j) {
				pc := &ix.pieces[k]
				if streets[pc.street].name == name {
					continue
				}
				if _, d2, _ := nearestOnPiece(p, pc); d2 < bestD || (d2 == bestD && best >= 0 && k < best) {
					best, bestD = k, d2
				}
			}
		}
	}
	return best, best >= 0
}

type pointIndex struct {
	grid
	pts []xy
}

func newPointIndex(pts []xy, size float64) pointIndex {
	if len(pts) == 0 {
		return pointIndex{grid: grid{size: size}}
	}
	lo := xy{math.Inf(1), math.Inf(1)}
	hi := xy{math.Inf(-1), math.Inf(-1)}
	for _, p := range pts {
		lo.x, lo.y = math.Min(lo.x, p.x), math.Min(lo.y, p.y)
		hi.x, hi.y = math.Max(hi.x, p.x), math.Max(hi.y, p.y)
	}
	ix := pointIndex{grid: newGrid(lo, hi, size), pts: pts}
	ix.fill(len(pts), func(k int) (int, int, int, int) {
		i, j := ix.clampCell(pts[k])
		return i, j, i, j
	})
	return ix
}

// nearest is the nearest point within maxDist (at most the bucket size).
func (ix *pointIndex) nearest(p xy, maxDist float64) (int, bool) {
	if len(ix.pts) == 0 {
		return -1, false
	}
	ci, cj := int(math.Floor((p.x-ix.x0)/ix.size)), int(math.Floor((p.y-ix.y0)/ix.size))
	best, bestD := int32(-1), maxDist*maxDist
	for j := cj - 1; j <= cj+1; j++ {
		for i := ci - 1; i <= ci+1; i++ {
			for _, k := range ix.bucket(i, j) {
				q := ix.pts[k]
				d2 := (p.x-q.x)*(p.x-q.x) + (p.y-q.y)*(p.y-q.y)
				if d2 < bestD || (d2 == bestD && best >= 0 && k < best) {
					best, bestD = k, d2
				}
			}
		}
	}
	return int(best), best >= 0
}
