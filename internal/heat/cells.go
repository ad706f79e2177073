package heat

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Resolutions a request may ask for, and the one the rollup keeps.
const (
	MinRes    = 5
	MaxRes    = 12
	rollupRes = 10 // heat_day's cells
	areaRes   = 6  // heat_day's areas
)

// DefaultCellLimit is the most cells a request may cover (estimated from
// its bbox, or the city's extent without one).
const DefaultCellLimit = 50000

// autoCells is what the resolution chosen from a bbox aims at: the finest
// resolution whose estimate stays at or under it.
const autoCells = 3000

// parent is the cell's ancestor at resolution res (res ≤ the cell's own):
// the bit arithmetic of h3_parent in migrations/008_h3.sql.
func parent(cell int64, res int) int64 {
	return (cell &^ (15 << 52)) | int64(res)<<52 | (1<<(3*(15-res)) - 1)
}

// descendants returns the smallest and largest index a descendant of cell
// at resolution res (≥ the cell's) can have: digits below the cell's
// resolution all 0 or all 7, down to res, and 7 below res as H3 wants.
func descendants(cell int64, res int) (lo, hi int64) {
	r := int((cell >> 52) & 15)
	base := (cell &^ (15 << 52)) | int64(res)<<52
	free := int64(1)<<(3*(15-r)) - 1  // digits r+1..15
	pad := int64(1)<<(3*(15-res)) - 1 // digits res+1..15
	return base&^free | pad, base | free
}

// cellString is the hex form deck.gl and kepler.gl take (h3-go's String).
func cellString(c int64) string { return strconv.FormatInt(c, 16) }

// bboxAreaKm2 is the area of a lon/lat box on the authalic sphere.
func bboxAreaKm2(b httpx.BBox) float64 {
	const r = 6371.0072 // km
	rad := math.Pi / 180
	return r * r * (b.MaxLon - b.MinLon) * rad * math.Abs(math.Sin(b.MaxLat*rad)-math.Sin(b.MinLat*rad))
}

// estimateCells is about how many cells of resolution res cover b: its area
// over the average cell area, plus the ring of cells its edges cut.
func estimateCells(b httpx.BBox, res int) float64 {
	area, _ := h3.HexagonAreaAvgKm2(res)
	edge, _ := h3.HexagonEdgeLengthAvgKm(res)
	km := 111.2
	w := (b.MaxLon - b.MinLon) * km * math.Cos(math.Max(math.Abs(b.MinLat), math.Abs(b.MaxLat))*math.Pi/180)
	hgt := (b.MaxLat - b.MinLat) * km
	perimeterCells := 2 * (w + hgt) / (1.5 * edge)
	return bboxAreaKm2(b)/area + perimeterCells
}

// chooseRes is the finest resolution in MinRes..MaxRes whose estimate over
// b is at most autoCells (MinRes when even that is more).
func chooseRes(b httpx.BBox) int {
	for res := MaxRes; res > MinRes; res-- {
		if estimateCells(b, res) <= autoCells {
			return res
		}
	}
	return MinRes
}

// covering returns the cells of resolution res that overlap b, sorted.
func covering(b httpx.BBox, res int) ([]int64, error) {
	loop := h3.GeoLoop{
		{Lat: b.MinLat, Lng: b.MinLon}, {Lat: b.MinLat, Lng: b.MaxLon},
		{Lat: b.MaxLat, Lng: b.MaxLon}, {Lat: b.MaxLat, Lng: b.MinLon},
	}
	if b.MinLon == b.MaxLon || b.MinLat == b.MaxLat { // a point or a line: the cells at its corners
		out := []int64{}
		for _, ll := range loop {
			c, err := h3.LatLngToCell(ll, res)
			if err != nil {
				return nil, fmt.Errorf("bbox cells: %w", err)
			}
			out = append(out, int64(c))
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	cs, err := h3.PolygonToCellsExperimental(h3.GeoPolygon{GeoLoop: loop}, res, h3.ContainmentOverlapping)
	if err != nil {
		return nil, fmt.Errorf("bbox cells: %w", err)
	}
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = int64(c)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ranges are closed intervals of cell indexes, sorted and disjoint.
type ranges struct{ lo, hi []int64 }

// rangesOf returns the index ranges that hold every descendant at
// resolution res of the given cells (sorted), merged where they touch.
func rangesOf(cells []int64, res int) ranges {
	var r ranges
	for _, c := range cells {
		lo, hi := descendants(c, res)
		if n := len(r.hi); n > 0 && lo <= r.hi[n-1]+1 {
			r.hi[n-1] = max(r.hi[n-1], hi)
			continue
		}
		r.lo, r.hi = append(r.lo, lo), append(r.hi, hi)
	}
	return r
}

// ring is the boundary of a cell as a closed GeoJSON ring: lon/lat,
// counter-clockwise, first point repeated last, 7 decimals.
func ring(c int64) ([][2]float64, error) {
	b, err := h3.Cell(c).Boundary()
	if err != nil {
		return nil, fmt.Errorf("boundary of %s: %w", cellString(c), err)
	}
	pts := make([][2]float64, 0, len(b)+1)
	for _, ll := range b {
		pts = append(pts, [2]float64{round7(ll.Lng), round7(ll.Lat)})
	}
	pts = append(pts, pts[0])
	if signedArea(pts) < 0 {
		slices.Reverse(pts)
	}
	return pts, nil
}

// signedArea is twice the planar area of a closed ring, positive when it
// runs counter-clockwise.
func signedArea(pts [][2]float64) float64 {
	var s float64
	for i := 0; i+1 < len(pts); i++ {
		s += pts[i][0]*pts[i+1][1] - pts[i+1][0]*pts[i][1]
	}
	return s
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// appendPolygon appends the GeoJSON Polygon of cell c to b.
func appendPolygon(b []byte, c int64) ([]byte, error) {
	pts, err := ring(c)
	if err != nil {
		return b, err
	}
	b = append(b, `{"type":"Polygon","coordinates":[[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, p[1], 'f', -1, 64)
		b = append(b, ']')
	}
	return append(b, "]]}"...), nil
}

// edgeDegrees is twice the average edge of a cell of res, in degrees of
// longitude at the bbox's latitude furthest from the equator: a margin that
// holds every cell overlapping the bbox.
func edgeDegrees(res int, b httpx.BBox) float64 {
	km, _ := h3.HexagonEdgeLengthAvgKm(res)
	lat := math.Min(math.Max(math.Abs(b.MinLat), math.Abs(b.MaxLat)), 89)
	return 2 * km / (111.2 * math.Cos(lat*math.Pi/180))
}
