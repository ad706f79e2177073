package placemap

import "math"

// Planar predicates in lon/lat degrees, as PostGIS evaluates them on
// geometry: ST_Covers(polygon, point) and ST_Distance(geometry, point).
//
// A point is on a ring when the cross product of the edge and the point is
// exactly 0 and the point lies within the edge's bounding box (PostGIS's
// interval-tree point-in-polygon, no tolerance); otherwise the winding
// number decides. Covered means inside or on any boundary, holes included.

type pt struct{ x, y float64 }

// location of a point relative to a ring or a polygon.
const (
	outside = iota
	boundary
	inside
)

// ring is a closed ring with, for long rings, its edges bucketed by
// horizontal band so that a test only visits the edges at the point's y.
type ring struct {
	pts        []pt
	minY, maxY float64
	bandH      float64   // 0: no bands, visit every edge
	bands      [][]int32 // edge i runs from pts[i] to pts[i+1]
}

// bandEdges is the ring length from which edges are bucketed into bands.
const bandEdges = 48

func newRing(pts []pt) ring {
	r := ring{pts: pts, minY: math.Inf(1), maxY: math.Inf(-1)}
	for _, p := range pts {
		r.minY = math.Min(r.minY, p.y)
		r.maxY = math.Max(r.maxY, p.y)
	}
	n := len(pts) - 1
	if n < bandEdges || !(r.maxY > r.minY) {
		return r
	}
	nb := n / 8
	r.bandH = (r.maxY - r.minY) / float64(nb)
	r.bands = make([][]int32, nb)
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[i+1]
		lo, hi := r.band(math.Min(a.y, b.y)), r.band(math.Max(a.y, b.y))
		for k := lo; k <= hi; k++ {
			r.bands[k] = append(r.bands[k], int32(i))
		}
	}
	return r
}

// band is the band of y, clamped into range; monotonic in y.
func (r *ring) band(y float64) int {
	k := int((y - r.minY) / r.bandH)
	return max(0, min(k, len(r.bands)-1))
}

// locate tells whether p is outside, on or inside the ring.
func (r *ring) locate(p pt) int {
	if p.y < r.minY || p.y > r.maxY {
		return outside
	}
	wn := 0
	if r.bands == nil {
		for i := 0; i+1 < len(r.pts); i++ {
			if edgeWinding(r.pts[i], r.pts[i+1], p, &wn) {
				return boundary
			}
		}
	} else {
		for _, i := range r.bands[r.band(p.y)] {
			if edgeWinding(r.pts[i], r.pts[i+1], p, &wn) {
				return boundary
			}
		}
	}
	if wn != 0 {
		return inside
	}
	return outside
}

// edgeWinding adds the edge a→b's contribution to the winding number of p
// and reports whether p lies on the edge.
func edgeWinding(a, b, p pt, wn *int) bool {
	if p.y < math.Min(a.y, b.y) || p.y > math.Max(a.y, b.y) {
		return false
	}
	side := float64((b.x-a.x)*(p.y-a.y)) - float64((p.x-a.x)*(b.y-a.y))
	if side == 0 && p.x >= math.Min(a.x, b.x) && p.x <= math.Max(a.x, b.x) {
		return true // p.y is within the edge's y range already
	}
	if a.y <= p.y && p.y < b.y && side > 0 {
		*wn++
	} else if b.y <= p.y && p.y < a.y && side < 0 {
		*wn--
	}
	return false
}

// polygon is an exterior ring followed by its holes.
type polygon []ring

// locate tells whether p is outside, on the boundary of or inside poly.
func (poly polygon) locate(p pt) int {
	switch poly[0].locate(p) {
	case outside:
		return outside
	case boundary:
		return boundary
	}
	for i := 1; i < len(poly); i++ {
		switch poly[i].locate(p) {
		case boundary:
			return boundary
		case inside:
			return outside
		}
	}
	return inside
}

// covers is ST_Covers(multipolygon, point): inside or on the boundary of
// any polygon.
func covers(polys []polygon, p pt) bool {
	if math.IsNaN(p.x) || math.IsNaN(p.y) || math.IsInf(p.x, 0) || math.IsInf(p.y, 0) {
		return false
	}
	for _, poly := range polys {
		if poly.locate(p) != outside {
			return true
		}
	}
	return false
}

// planarDistance is ST_Distance(g, point) for a point, polygon or
// multipolygon g (exactly one of point and polys is used), following
// liblwgeom's measures.c: 0 inside or on a polygon, else the distance to
// the nearest edge of the ring the point is outside of.
func planarDistance(point *pt, polys []polygon, p pt) float64 {
	if point != nil {
		return ptDist(*point, p)
	}
	best := math.Inf(1)
	for _, poly := range polys {
		d := polyDistance(poly, p)
		if d < best {
			best = d
		}
		if best <= 0 {
			return 0
		}
	}
	return best
}

func polyDistance(poly polygon, p pt) float64 {
	if poly[0].locate(p) == outside {
		return ringDistance(poly[0].pts, p)
	}
	for i := 1; i < len(poly); i++ {
		if poly[i].locate(p) != outside {
			return ringDistance(poly[i].pts, p)
		}
	}
	return 0
}

// ringDistance is lw_dist2d_pt_ptarray: the least point-to-segment distance.
func ringDistance(pts []pt, p pt) float64 {
	best := ptDist(p, pts[0])
	for i := 1; i < len(pts); i++ {
		if d := segDistance(p, pts[i-1], pts[i]); d < best {
			best = d
		}
		if best <= 0 {
			return best
		}
	}
	return best
}

// segDistance is lw_dist2d_pt_seg.
func segDistance(p, a, b pt) float64 {
	if a.x == b.x && a.y == b.y {
		return ptDist(p, a)
	}
	r := (float64((p.x-a.x)*(b.x-a.x)) + float64((p.y-a.y)*(b.y-a.y))) /
		(float64((b.x-a.x)*(b.x-a.x)) + float64((b.y-a.y)*(b.y-a.y)))
	if r < 0 {
		return ptDist(p, a)
	}
	if r >= 1 {
		return ptDist(p, b)
	}
	if float64((a.y-p.y)*(b.x-a.x)) == float64((a.x-p.x)*(b.y-a.y)) {
		return 0
	}
	c := pt{a.x + float64(r*(b.x-a.x)), a.y + float64(r*(b.y-a.y))}
	return ptDist(p, c)
}

// ptDist is lw_dist2d_pt_pt.
func ptDist(a, b pt) float64 {
	h, v := b.x-a.x, b.y-a.y
	return math.Sqrt(float64(h*h) + float64(v*v))
}
