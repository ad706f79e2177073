package placemap

import (
	"math"

	"github.com/tidwall/geodesic"
)

// Geodesic distance from a point to a street the way PostGIS 3 measures
// ST_Distance(line::geography, point::geography): the tree distance of
// liblwgeom picks, over every edge, the point of the edge's great-circle
// arc on the unit sphere nearest the query point (the smallest sphere
// distance wins), then measures the WGS84 geodesic between the two points
// with GeographicLib's inverse solution and rounds it to 10 nm.
//
// Every floating-point step follows the order of operations of liblwgeom,
// so that the closest point, and with it the distance, agree to the last
// bits but for the rounding of Go's math against glibc's libm and of this
// GeographicLib port against PROJ's (a 10 nm step of the final rounding,
// now and then); products are wrapped in float64() so that no compiler
// fuses them into FMAs.

// wgs84 is the spheroid of SRID 4326 as PostGIS initialises it: semi-major
// axis and flattening of WGS84.
var wgs84 = geodesic.NewEllipsoid(6378137, 1/298.257223563)

const (
	// fpTolerance is FP_TOLERANCE as lwgeodetic.h overrides it for
	// geodetic code: two geographic points closer than this in both
	// latitude and longitude (radians) are the same point, at distance 0.
	fpTolerance = 5e-14
	invMinDist  = 1e8 // geography_distance rounds to 1/INVMINDIST metres (10 nm)
	// minRadius bounds from below the metres per radian of central angle
	// (on the sphere of geodetic latitudes) along any geodesic: b²/a,
	// with a margin.
	minRadius = 6.30e6
)

// gpoint is a geographic point in radians (GEOGRAPHIC_POINT).
type gpoint struct{ lat, lon float64 }

type vec3 struct{ x, y, z float64 }

// toGeo converts degrees to a geographic point as geographic_point_init
// does: π·d/180, then normalised into range.
func toGeo(lon, lat float64) gpoint {
	return gpoint{lat: normLatRad(math.Pi * lat / 180), lon: normLonRad(math.Pi * lon / 180)}
}

func normLonRad(lon float64) float64 {
	if lon == -math.Pi {
		return math.Pi
	}
	if lon == -2*math.Pi {
		return 0
	}
	if lon > 2*math.Pi {
		lon = math.Remainder(lon, 2*math.Pi)
	}
	if lon < -2*math.Pi {
		lon = math.Remainder(lon, -2*math.Pi)
	}
	if lon > math.Pi {
		lon = -2*math.Pi + lon
	}
	if lon < -math.Pi {
		lon = 2*math.Pi + lon
	}
	if lon == -2*math.Pi {
		lon *= -1
	}
	return lon
}

func normLatRad(lat float64) float64 {
	if lat > 2*math.Pi {
		lat = math.Remainder(lat, 2*math.Pi)
	}
	if lat < -2*math.Pi {
		lat = math.Remainder(lat, -2*math.Pi)
	}
	if lat > math.Pi {
		lat = math.Pi - lat
	}
	if lat < -math.Pi {
		lat = -math.Pi - lat
	}
	if lat > math.Pi/2 {
		lat = math.Pi - lat
	}
	if lat < -math.Pi/2 {
		lat = -math.Pi - lat
	}
	return lat
}

// gvertex is a geographic point with the trigonometry every distance to it
// needs, computed once.
type gvertex struct {
	g              gpoint
	sinLat, cosLat float64
	cart           vec3
}

func newGVertex(g gpoint) gvertex {
	s, c := math.Sin(g.lat), math.Cos(g.lat)
	return gvertex{g: g, sinLat: s, cosLat: c, cart: vec3{float64(c * math.Cos(g.lon)), float64(c * math.Sin(g.lon)), s}}
}

func dot(a, b vec3) float64 {
	return float64(a.x*b.x) + float64(a.y*b.y) + float64(a.z*b.z)
}

func normalize(p vec3) vec3 {
	d := math.Sqrt(float64(p.x*p.x) + float64(p.y*p.y) + float64(p.z*p.z))
	if math.Abs(d) <= fpTolerance {
		return vec3{}
	}
	return vec3{p.x / d, p.y / d, p.z / d}
}

// crossGeo is the normal of the great circle through p and q computed from
// their latitudes and longitudes, accurate for short edges (liblwgeom's
// robust_cross_product).
func crossGeo(p, q gpoint) vec3 {
	lonSum := (q.lon + p.lon) / -2.0
	lonDiff := (q.lon - p.lon) / 2.0
	sMinus := math.Sin(p.lat - q.lat)
	sPlus := math.Sin(p.lat + q.lat)
	sSum, cSum := math.Sin(lonSum), math.Cos(lonSum)
	sDiff, cDiff := math.Sin(lonDiff), math.Cos(lonDiff)
	return vec3{
		x: float64(float64(sMinus*sSum)*cDiff) - float64(float64(sPlus*cSum)*sDiff),
		y: float64(float64(sMinus*cSum)*cDiff) + float64(float64(sPlus*sSum)*sDiff),
		z: float64(float64(math.Cos(p.lat)*math.Cos(q.lat)) * math.Sin(q.lon-p.lon)),
	}
}

// sameGeo is geographic_point_equals.
func sameGeo(a, b gpoint) bool {
	return math.Abs(a.lat-b.lat) <= fpTolerance && math.Abs(a.lon-b.lon) <= fpTolerance
}

// sphereDist is the central angle from s to e (liblwgeom's sphere_distance);
// the sines and cosines of both latitudes are given. Points equal within
// FP_TOLERANCE are 0 apart: PostGIS 3.3 measures geographies 5e-14 rad
// apart in both coordinates as 0 m, on the sphere and on the spheroid.
func sphereDist(s gpoint, sinS, cosS float64, e gpoint, sinE, cosE float64) float64 {
	if sameGeo(s, e) {
		return 0
	}
	dLon := e.lon - s.lon
	cosDLon := math.Cos(dLon)
	a1 := float64(cosE * math.Sin(dLon))
	a1 = float64(a1 * a1)
	a2 := float64(cosS*sinE) - float64(float64(sinS*cosE)*cosDLon)
	a2 = float64(a2 * a2)
	a := math.Sqrt(a1 + a2)
	b := float64(sinS*sinE) + float64(float64(cosS*cosE)*cosDLon)
	return math.Atan2(a, b)
}

// gedge is one edge of a street with what does not depend on the query
// point precomputed.
type gedge struct {
	start, end gvertex
	same       bool // the ends are equal within FP_TOLERANCE
	normal     vec3 // unit normal of the edge's great circle
	antipodal  bool
	mid        vec3    // unit bisector of the ends
	startOnMid float64 // cosine of the half-angle of the edge's cone
}

func newGEdge(s, e gvertex) gedge {
	ed := gedge{start: s, end: e}
	ed.same = sameGeo(s.g, e.g)
	ed.normal = normalize(crossGeo(s.g, e.g))
	vs, ve := s.cart, e.cart
	ed.antipodal = vs.x == -1.0*ve.x && vs.y == -1.0*ve.y && vs.z == -1.0*ve.z
	ed.mid = normalize(vec3{vs.x + ve.x, vs.y + ve.y, vs.z + ve.z})
	ed.startOnMid = dot(vs, ed.mid)
	return ed
}

// query is the point distances are measured from.
type query struct {
	g              gpoint
	sinLat, cosLat float64
	cart           vec3
}

func newQuery(lon, lat float64) query {
	v := newGVertex(toGeo(lon, lat))
	return query{g: v.g, sinLat: v.sinLat, cosLat: v.cosLat, cart: v.cart}
}

// distance returns the central angle from q to the edge and the point of
// the edge it is measured to (liblwgeom's edge_distance_to_point).
func (ed *gedge) distance(q *query) (float64, gpoint) {
	if ed.same {
		return sphereDist(ed.start.g, ed.start.sinLat, ed.start.cosLat, q.g, q.sinLat, q.cosLat), ed.start.g
	}
	// Project the point onto the great circle of the edge.
	n := ed.normal
	t := dot(q.cart, n)
	n = vec3{float64(n.x * t), float64(n.y * t), float64(n.z * t)}
	k := normalize(vec3{q.cart.x - n.x, q.cart.y - n.y, q.cart.z - n.z})
	gk := gpoint{lon: math.Atan2(k.y, k.x), lat: math.Asin(k.z)}
	best, at := 1000000000.0, gk
	sinK, cosK := math.Sin(gk.lat), math.Cos(gk.lat)
	vk := vec3{float64(cosK * math.Cos(gk.lon)), float64(cosK * math.Sin(gk.lon)), sinK}
	if ed.contains(vk) {
		best = sphereDist(q.g, q.sinLat, q.cosLat, gk, sinK, cosK)
	}
	if d := sphereDist(q.g, q.sinLat, q.cosLat, ed.start.g, ed.start.sinLat, ed.start.cosLat); d < best {
		best, at = d, ed.start.g
	}
	if d := sphereDist(q.g, q.sinLat, q.cosLat, ed.end.g, ed.end.sinLat, ed.end.cosLat); d < best {
		best, at = d, ed.end.g
	}
	return best, at
}

// contains reports whether the unit vector v lies on the edge: inside the
// cone of its ends and on its plane (edge_contains_point).
func (ed *gedge) contains(v vec3) bool {
	inCone := ed.antipodal
	if !inCone {
		vm := dot(v, ed.mid)
		inCone = vm > ed.startOnMid || math.Abs(vm-ed.startOnMid) < 2e-16
	}
	return inCone && math.Abs(dot(ed.normal, v)) <= fpTolerance
}

// spheroidDistance is the WGS84 geodesic distance between two geographic
// points, converted back to degrees as liblwgeom does, rounded to 10 nm as
// geography_distance does; 0 for points equal within FP_TOLERANCE.
func spheroidDistance(a, b gpoint) float64 {
	if sameGeo(a, b) {
		return 0
	}
	var s12 float64
	wgs84.Inverse(a.lat*180.0/math.Pi, a.lon*180.0/math.Pi, b.lat*180.0/math.Pi, b.lon*180.0/math.Pi, &s12, nil, nil)
	return math.Round(s12*invMinDist) / invMinDist
}
