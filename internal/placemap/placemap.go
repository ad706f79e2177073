// Package placemap owns the in-memory snapshot of the city's places (areas,
// streets and frontage zones) that maps a point to its grid, deepest area,
// nearest street and frontage unit without a round trip per point, for bulk
// work such as the hotline importer.
//
// Its reference is resolveSQL in internal/duty: Map answers what that SQL
// answers for the same point, predicate for predicate and tie for tie —
// ST_Covers on geometry (boundaries count, holes included), areas by level
// DESC then code, the street nearest within the radius by
// ST_Distance(geography) rounded as PostGIS rounds it then by code, and the
// covering frontage zone nearest by planar ST_Distance then by id. Codes are
// ordered by the database's own collation, read at Load. An import that maps
// a point with Map maps it as problem intake does.
//
// A Snapshot is immutable after Load and safe for concurrent use.
package placemap

import (
	"math"

	"github.com/gridkeeper/gridkeeper/internal/places"
)

// Result is where a point falls.
type Result struct {
	Grid       string  // the lowest-code grid covering the point; "" when none
	Hit        string  // the deepest area covering the point (level DESC, code); "" when none
	HitLevel   string  // its level: grid, community, subdistrict, district, city; "" when none
	Street     string  // the street nearest the point within the radius (ties: lowest code); "" when none
	StreetName string  // its name
	StreetM    float64 // its geodesic distance in metres as PostGIS computes it (10 nm resolution)
	Frontage   int64   // the frontage unit whose zone covers the point (nearest unit, then lowest id); 0 when none
}

// Snapshot is the places of one moment, indexed for Map.
type Snapshot struct {
	areas   []area // in resolveSQL's order: level DESC, code
	areaIdx *bucketGrid

	streets []street
	edges   []streetEdge
	edgeIdx *bucketGrid

	fronts   []frontage
	frontIdx *bucketGrid
}

type area struct {
	code, level string
	box         bbox
	polys       []polygon
}

type street struct {
	code, name string
	rank       int // position of code in the database's ORDER BY code
}

type streetEdge struct {
	gedge
	street int32
	a, b   pt // the edge in degrees, for the planar prefilter
	box    bbox
}

type frontage struct {
	id    int64
	zone  []polygon
	box   bbox
	point *pt       // the unit's geometry when it is a point
	geom  []polygon // else its polygons
}

// Map returns where the point (lon, lat in degrees, EPSG:4326) falls, with
// the nearest street searched within streetRadiusM metres. Coordinates are
// expected in range (lon within ±180, lat within ±90).
func (s *Snapshot) Map(lon, lat, streetRadiusM float64) Result {
	var res Result
	p := pt{lon, lat}
	for _, i := range s.areaIdx.at(p) {
		a := &s.areas[i]
		if a.box.contains(p) && covers(a.polys, p) {
			res.Hit, res.HitLevel = a.code, a.level
			if a.level == "grid" {
				res.Grid = a.code
			}
			break // cells list areas in resolveSQL's order: the first wins
		}
	}
	s.nearestStreet(lon, lat, streetRadiusM, &res)
	found, bestD := false, 0.0
	for _, i := range s.frontIdx.at(p) {
		f := &s.fronts[i]
		if !f.box.contains(p) || !covers(f.zone, p) {
			continue
		}
		d := planarDistance(f.point, f.geom, p)
		if !found || d < bestD || d == bestD && f.id < res.Frontage {
			found, res.Frontage, bestD = true, f.id, d
		}
	}
	return res
}

// candidate is a street near the query point: its nearest edge point on
// the sphere, the central angle to it, and its planar distance in degrees.
type candidate struct {
	street int32
	angle  float64
	at     gpoint
	planar float64
}

// nearestStreet fills the street of res as resolveSQL picks it: among the
// streets within the ST_DWithin prefilter (places.RadiusDegrees, planar),
// those whose geography distance is within radius, the nearest by that
// distance, then the lowest code.
func (s *Snapshot) nearestStreet(lon, lat, radius float64, res *Result) {
	if !(radius >= 0) {
		return
	}
	rdeg := places.RadiusDegrees(radius, lat)
	// The edges to look at: a box a tenth larger than the prefilter's
	// (which itself holds every point within radius metres).
	rd := rdeg*1.1 + 1e-9
	box := bbox{lon - rd, lat - rd, lon + rd, lat + rd}
	p := pt{lon, lat}
	q := newQuery(lon, lat)
	var buf [32]candidate
	cands := buf[:0]
	s.edgeIdx.each(box, func(i int32) {
		e := &s.edges[i]
		if !e.box.intersects(box) {
			return
		}
		// An edge wholly outside the box is more than 1.1 radius away: it
		// can neither pass the prefilter nor be nearest for a street within
		// radius.
		planar := segDistance(p, e.a, e.b)
		if planar > rd*math.Sqrt2 {
			return
		}
		angle, at := e.distance(&q)
		for k := range cands {
			c := &cands[k]
			if c.street == e.street {
				// The least angle wins; on a tie the first edge met keeps it.
				if angle < c.angle {
					c.angle, c.at = angle, at
				}
				c.planar = math.Min(c.planar, planar)
				return
			}
		}
		cands = append(cands, candidate{e.street, angle, at, planar})
	})
	best, bestM := -1, 0.0
	for _, c := range cands {
		if !(c.planar <= rdeg) || c.angle*minRadius > radius {
			continue // outside the prefilter, or surely farther than radius
		}
		if best >= 0 && c.angle*minRadius > bestM+1e-6 {
			continue // surely farther than the best so far
		}
		m := spheroidDistance(c.at, q.g)
		if m > radius {
			continue
		}
		if best < 0 || m < bestM || m == bestM && s.streets[c.street].rank < s.streets[best].rank {
			best, bestM = int(c.street), m
		}
	}
	if best >= 0 {
		st := &s.streets[best]
		res.Street, res.StreetName, res.StreetM = st.code, st.name, bestM
	}
}
