package citygen

// The plane geometry of the sample frontage units: a local metric
// projection, distances along and beside a street, and the grid indexes
// that find streets and units near a point.

import "math"

// localProj is an equirectangular projection about the streets' centre,
// with the ellipsoid's metres per degree there: over the 0.3° of the
// sample city its distances are off by less than 0.5 %.
type localProj struct {
	lon0, lat0, mx, my float64
}

func newLocalProj(lines []streetLine) localProj {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, l := range lines {
		for _, p := range l.lonlat {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
	}
	lat0 := (minY + maxY) / 2
	phi := lat0 * math.Pi / 180
	return localProj{
		lon0: (minX + maxX) / 2, lat0: lat0,
		mx: 111412.84*math.Cos(phi) - 93.5*math.Cos(3*phi),
		my: 111132.954 - 559.822*math.Cos(2*phi) + 1.175*math.Cos(4*phi),
	}
}

func (p localProj) xy(q pt) pt { return pt{(q[0] - p.lon0) * p.mx, (q[1] - p.lat0) * p.my} }

func (p localProj) lonlat(q pt) (float64, float64) { return p.lon0 + q[0]/p.mx, p.lat0 + q[1]/p.my }

func (p localProj) line(l []pt) []pt {
	out := make([]pt, len(l))
	for i, q := range l {
		out[i] = p.xy(q)
	}
	return out
}

// pointBeside is the point at distance s along l, moved off perpendicular
// by offset (positive: to the left).
func pointBeside(l []pt, s, offset float64) pt {
	for k := 1; k < len(l); k++ {
		a, b := l[k-1], l[k]
		seg := math.Hypot(b[0]-a[0], b[1]-a[1])
		if s <= seg || k == len(l)-1 {
			t := math.Min(1, s/seg)
			nx, ny := -(b[1]-a[1])/seg, (b[0]-a[0])/seg
			return pt{a[0] + t*(b[0]-a[0]) + offset*nx, a[1] + t*(b[1]-a[1]) + offset*ny}
		}
		s -= seg
	}
	return l[len(l)-1]
}

func polyLength(l []pt) float64 {
	var n float64
	for k := 1; k < len(l); k++ {
		n += math.Hypot(l[k][0]-l[k-1][0], l[k][1]-l[k-1][1])
	}
	return n
}

// segDist is the distance from p to the segment ab.
func segDist(p, a, b pt) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}

// gridCell is the cell size of the spatial indexes, metres.
const gridCell = 50

type cell struct{ x, y int }

func cellOf(p pt) cell {
	return cell{int(math.Floor(p[0] / gridCell)), int(math.Floor(p[1] / gridCell))}
}

// lineIndex finds the street pieces near a point.
type lineIndex struct {
	cells map[cell][]linePiece
}

type linePiece struct {
	line int
	a, b pt
}

func newLineIndex() *lineIndex { return &lineIndex{cells: map[cell][]linePiece{}} }

func (x *lineIndex) add(line int, l []pt) {
	for k := 1; k < len(l); k++ {
		a, b := l[k-1], l[k]
		lo, hi := cellOf(pt{math.Min(a[0], b[0]), math.Min(a[1], b[1])}), cellOf(pt{math.Max(a[0], b[0]), math.Max(a[1], b[1])})
		for cx := lo.x; cx <= hi.x; cx++ {
			for cy := lo.y; cy <= hi.y; cy++ {
				c := cell{cx, cy}
				x.cells[c] = append(x.cells[c], linePiece{line, a, b})
			}
		}
	}
}

// near calls fn with the distance from p to every piece within r (and
// perhaps some farther).
func (x *lineIndex) near(p pt, r float64, fn func(line int, d float64)) {
	lo, hi := cellOf(pt{p[0] - r, p[1] - r}), cellOf(pt{p[0] + r, p[1] + r})
	for cx := lo.x; cx <= hi.x; cx++ {
		for cy := lo.y; cy <= hi.y; cy++ {
			for _, s := range x.cells[cell{cx, cy}] {
				fn(s.line, segDist(p, s.a, s.b))
			}
		}
	}
}

// pointIndex finds placed units near a point.
type pointIndex struct{ cells map[cell][]pt }

func newPointIndex() *pointIndex { return &pointIndex{cells: map[cell][]pt{}} }

func (x *pointIndex) add(p pt) { c := cellOf(p); x.cells[c] = append(x.cells[c], p) }

func (x *pointIndex) any(p pt, r float64) bool {
	lo, hi := cellOf(pt{p[0] - r, p[1] - r}), cellOf(pt{p[0] + r, p[1] + r})
	for cx := lo.x; cx <= hi.x; cx++ {
		for cy := lo.y; cy <= hi.y; cy++ {
			for _, q := range x.cells[cell{cx, cy}] {
				if math.Hypot(p[0]-q[0], p[1]-q[1]) < r {
					return true
				}
			}
		}
	}
	return false
}
