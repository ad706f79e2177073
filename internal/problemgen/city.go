package problemgen

// The sample city as the generator sees it: the city outline for the
// inside test, communities (with their subdistrict and district) for
// addresses and density, street pieces in a grid index for "nearest
// street", and frontage units when geodata carries them. Everything is
// kept in a local equirectangular projection in metres, which is accurate
// to well under a metre across a 40 km city.

import (
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

type xy struct{ x, y float64 }

// proj maps lon/lat to metres east and north of the city's centre.
type proj struct{ lon0, lat0, kx, ky float64 }

func newProj(b orb.Bound) proj {
	lat0 := (b.Min[1] + b.Max[1]) / 2
	return proj{
		lon0: (b.Min[0] + b.Max[0]) / 2, lat0: lat0,
		kx: 111320 * math.Cos(lat0*math.Pi/180), ky: 110574,
	}
}

func (p proj) fwd(q orb.Point) xy { return xy{(q[0] - p.lon0) * p.kx, (q[1] - p.lat0) * p.ky} }
func (p proj) inv(q xy) orb.Point { return orb.Point{p.lon0 + q.x/p.kx, p.lat0 + q.y/p.ky} }

type district struct {
	code, name string
	core       xy      // area-weighted centre of its 街道 subdistricts: the urban core
	factor     float64 // how busy the district is
}

type subdistrict struct {
	code, name string
	district   int
	town       bool // a 镇 rather than a 街道
}

type community struct {
	code, name  string
	subdistrict int
	poly        orb.Polygon // lon/lat
	bound       orb.Bound
	area        float64 // m²
	centre      xy
}

type street struct {
	name, class string
	district    int
	pts         []xy
	cum         []float64 // cum[i]: length from pts[0] to pts[i]
	base        float64   // length of the same-named segments before this one, for house numbers
}

func (s *street) length() float64 { return s.cum[len(s.cum)-1] }

// at returns the point at distance d along the segment, the index of its
// piece and the unit direction of that piece.
func (s *street) at(d float64) (xy, int, xy) {
	i := 1
	for i < len(s.cum)-1 && s.cum[i] < d {
		i++
	}
	a, b := s.pts[i-1], s.pts[i]
	l := s.cum[i] - s.cum[i-1]
	if l == 0 {
		return a, i - 1, xy{1, 0}
	}
	t := (d - s.cum[i-1]) / l
	t = math.Max(0, math.Min(1, t))
	dir := xy{(b.x - a.x) / l, (b.y - a.y) / l}
	return xy{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t}, i - 1, dir
}

type frontageUnit struct {
	name string
	at   xy
}

// city is the sample city, read once and shared read-only by all days.
type city struct {
	proj         proj
	outline      orb.MultiPolygon // lon/lat
	districts    []district
	subdistricts []subdistrict
	communities  []community
	streets      []street
	frontages    []frontageUnit

	admin   raster     // community lookup
	pieces  lineIndex  // street pieces
	fronts  pointIndex // frontage units
	density []float64  // per community: relative density of problems
}

const (
	areasFile     = "areas.geojson"
	streetsFile   = "streets.geojson"
	frontagesFile = "frontages.csv"
)

// loadCity reads the sample city from fsys (geodata.FS): areas and streets
// are required, frontages.csv is used when present.
func loadCity(fsys fs.FS) (*city, error) {
	areas, err := fs.ReadFile(fsys, areasFile)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", areasFile, err)
	}
	fc, err := parseFeatures(areas)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", areasFile, err)
	}
	c := &city{}
	var cityBound orb.Bound
	found := false
	for _, f := range fc {
		if f.Properties.Level == "city" {
			if c.outline, err = f.polygons(); err != nil {
				return nil, fmt.Errorf("%s: city: %w", areasFile, err)
			}
			cityBound = c.outline.Bound()
			found = true
		}
	}
	if !found || len(c.outline) == 0 {
		return nil, fmt.Errorf("%s: no city polygon", areasFile)
	}
	c.proj = newProj(cityBound)
	distIdx := map[string]int{}
	subIdx := map[string]int{}
	for _, f := range fc {
		p := f.Properties
		if p.Level == "district" {
			distIdx[p.Code] = len(c.districts)
			c.districts = append(c.districts, district{code: p.Code, name: p.Name})
		}
	}
	for _, f := range fc {
		p := f.Properties
		if p.Level == "subdistrict" {
			d, ok := distIdx[p.Parent]
			if !ok {
				return nil, fmt.Errorf("%s: subdistrict %s has no district", areasFile, p.Code)
			}
			subIdx[p.Code] = len(c.subdistricts)
			c.subdistricts = append(c.subdistricts, subdistrict{code: p.Code, name: p.Name, district: d,
				town: strings.HasSuffix(p.Name, "镇")})
		}
	}
	for _, f := range fc {
		p := f.Properties
		if p.Level != "community" {
			continue
		}
		s, ok := subIdx[p.Parent]
		if !ok {
			return nil, fmt.Errorf("%s: community %s has no subdistrict", areasFile, p.Code)
		}
		polys, err := f.polygons()
		if err != nil {
			return nil, fmt.Errorf("%s: community %s: %w", areasFile, p.Code, err)
		}
		for _, poly := range polys {
			cm := community{code: p.Code, name: p.Name, subdistrict: s, poly: poly, bound: poly.Bound()}
			cm.area, cm.centre = c.areaCentre(poly)
			c.communities = append(c.communities, cm)
		}
	}
	if len(c.communities) == 0 {
		return nil, fmt.Errorf("%s: no communities", areasFile)
	}
	c.setCores()
	c.admin = newRaster(c, 100)
	if err := c.loadStreets(fsys); err != nil {
		return nil, err
	}
	if err := c.loadFrontages(fsys); err != nil {
		return nil, err
	}
	c.setDensity()
	return c, nil
}

// areaCentre is the area (m²) and centroid of poly's outer ring.
func (c *city) areaCentre(poly orb.Polygon) (float64, xy) {
	ring := poly[0]
	var a, cx, cy float64
	for i := 0; i+1 < len(ring); i++ {
		p, q := c.proj.fwd(ring[i]), c.proj.fwd(ring[i+1])
		cr := p.x*q.y - q.x*p.y
		a += cr
		cx += (p.x + q.x) * cr
		cy += (p.y + q.y) * cr
	}
	if a == 0 {
		return 0, c.proj.fwd(ring[0])
	}
	return math.Abs(a / 2), xy{cx / (3 * a), cy / (3 * a)}
}

// districtFactor: the old town (德城区) is busiest, the development zones
// and the eastern district less so.
var districtFactor = map[string]float64{"371402": 1.3, "371403": 0.85, "371471": 1.0, "371472": 0.75}

func (c *city) setCores() {
	for d := range c.districts {
		var w, x, y float64
		var tw, tx, ty float64
		for _, cm := range c.communities {
			s := c.subdistricts[cm.subdistrict]
			if s.district != d {
				continue
			}
			tw += cm.area
			tx += cm.centre.x * cm.area
			ty += cm.centre.y * cm.area
			if !s.town {
				w += cm.area
				x += cm.centre.x * cm.area
				y += cm.centre.y * cm.area
			}
		}
		if w == 0 { // no 街道: the district's centre
			w, x, y = tw, tx, ty
		}
		if w > 0 {
			c.districts[d].core = xy{x / w, y / w}
		}
		c.districts[d].factor = 0.9
		if f, ok := districtFactor[c.districts[d].code]; ok {
			c.districts[d].factor = f
		}
	}
}

// densityAt is the relative density of problems at a point of community
// cm: streets (街道) are five times as busy as towns (镇), busier districts
// more, and it falls off with the distance from the district's core.
func (c *city) densityAt(cm int, p xy) float64 {
	s := c.subdistricts[c.communities[cm].subdistrict]
	d := c.districts[s.district]
	base := 1.0
	if s.town {
		base = 0.2
	}
	dist := math.Hypot(p.x-d.core.x, p.y-d.core.y)
	return base * d.factor * (0.35 + 1.3*math.Exp(-dist/3500))
}

func (c *city) setDensity() {
	c.density = make([]float64, len(c.communities))
	for i, cm := range c.communities {
		c.density[i] = c.densityAt(i, cm.centre)
	}
}

// communityAt is the community holding p, or -1 outside the city.
func (c *city) communityAt(p xy) int {
	v := c.admin.at(p)
	if v != mixed {
		return int(v) - 1
	}
	return c.communityExact(c.proj.inv(p))
}

func (c *city) communityExact(q orb.Point) int {
	for i := range c.communities {
		cm := &c.communities[i]
		if cm.bound.Contains(q) && polygonContains(cm.poly, q) {
			return i
		}
	}
	return -1
}

// inside reports whether the lon/lat point lies in the city outline. The
// communities tile the city, so a raster cell wholly in one is inside;
// other cells take the exact test.
func (c *city) inside(q orb.Point) bool {
	switch c.admin.at(c.proj.fwd(q)) {
	case 0:
		return false
	case mixed:
		for _, poly := range c.outline {
			if polygonContains(poly, q) {
				return true
			}
		}
		return false
	}
	return true
}

// polygonContains is the even-odd test of q against poly's rings (outer
// ring minus holes), as orb/planar does it but without recomputing bounds.
func polygonContains(poly orb.Polygon, q orb.Point) bool {
	in := false
	for _, ring := range poly {
		n := len(ring)
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			a, b := ring[i], ring[j]
			if (a[1] > q[1]) != (b[1] > q[1]) && q[0] < (b[0]-a[0])*(q[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}
