package hotline

import (
	"math"
	"sort"
	"time"

	"github.com/tidwall/geodesic"
)

// Recurrence as problem.Intake links it: a row recurs on the most
// recently closed problem (then the highest id) of its category that
// closed at or before the row was reported and less than recur_days
// before, within recur_radius_m (geodesic, WGS 84) — among the file's rows
// inside a grid as well as the problems already stored.

// candidate is a closed problem a row may recur on.
type candidate struct {
	id       int64
	closedAt time.Time
	lon, lat float64
}

// recurIndex holds the candidates of one category in square cells whose
// side is twice the category's radius (in degrees, generous at the
// latitude it is sized for), so that every point within the radius of a
// row at that latitude or below lies in the 2 × 2 block of cells nearest
// the row. Each cell's candidates are in closing order.
type recurIndex struct {
	radius float64
	days   int
	side   float64
	cells  map[[2]int64][]candidate
}

func newRecurIndex(cat *category, maxLat float64) *recurIndex {
	c := math.Cos(math.Min(maxLat+1, 89.9) * math.Pi / 180)
	return &recurIndex{radius: cat.recurM, days: cat.recurDays, side: 2 * cat.recurM / (110000 * c), cells: map[[2]int64][]candidate{}}
}

// cell is the cell holding a point.
func (x *recurIndex) cell(lon, lat float64) [2]int64 {
	return [2]int64{int64(math.Floor((lon + 180) / x.side)), int64(math.Floor((lat + 90) / x.side))}
}

func (x *recurIndex) add(c candidate) {
	k := x.cell(c.lon, c.lat)
	x.cells[k] = append(x.cells[k], c)
}

func (x *recurIndex) sort() {
	for _, list := range x.cells {
		sort.Slice(list, func(i, j int) bool {
			if !list[i].closedAt.Equal(list[j].closedAt) {
				return list[i].closedAt.Before(list[j].closedAt)
			}
			return list[i].id < list[j].id
		})
	}
}

// find returns the id the row recurs on, or 0. It searches the cells
// within the radius (in degrees, generous at the row's latitude) of the
// row: the 2 × 2 block nearest it, wherever the index's side was sized
// for a latitude at least the row's.
func (x *recurIndex) find(r *row) int64 {
	rd := x.radius / (110000 * math.Cos(math.Min(math.Abs(r.lat)+1, 89.9)*math.Pi/180))
	i0, i1 := int64(math.Floor((r.lon+180-rd)/x.side)), int64(math.Floor((r.lon+180+rd)/x.side))
	j0, j1 := int64(math.Floor((r.lat+90-rd)/x.side)), int64(math.Floor((r.lat+90+rd)/x.side))
	since := r.reportedAt.AddDate(0, 0, -x.days)
	var best *candidate
	for i := i0; i <= i1; i++ {
		for j := j0; j <= j1; j++ {
			list := x.cells[[2]int64{i, j}]
			// the first candidate closed after the row was reported
			n := sort.Search(len(list), func(i int) bool { return list[i].closedAt.After(r.reportedAt) })
			for k := n - 1; k >= 0; k-- {
				c := &list[k]
				if !c.closedAt.After(since) {
					break
				}
				if best != nil && (c.closedAt.Before(best.closedAt) || c.closedAt.Equal(best.closedAt) && c.id < best.id) {
					break // nothing further back in this cell can win
				}
				if c.id != r.id && within(r.lon, r.lat, c.lon, c.lat, x.radius) {
					best = c
					break
				}
			}
		}
	}
	if best == nil {
		return 0
	}
	return best.id
}

// within says whether two points are at most m metres apart on the WGS 84
// ellipsoid, as ST_DWithin on geography decides.
func within(lon1, lat1, lon2, lat2, m float64) bool {
	var s12 float64
	geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, &s12, nil, nil)
	return s12 <= m
}

// insert adds a candidate in closing order (the file's rows join the
// index as they are written, mostly at the end of their cell's list).
func (x *recurIndex) insert(c candidate) {
	k := x.cell(c.lon, c.lat)
	list := x.cells[k]
	i := len(list)
	for i > 0 && (list[i-1].closedAt.After(c.closedAt) || list[i-1].closedAt.Equal(c.closedAt) && list[i-1].id > c.id) {
		i--
	}
	list = append(list, candidate{})
	copy(list[i+1:], list[i:])
	list[i] = c
	x.cells[k] = list
}
