package hotspot

import (
	"fmt"
	"slices"

	"github.com/uber/h3-go/v4"
)

// Cell is an H3 cell index, as the database stores it (bigint).
type Cell = int64

// Neighbours returns the cells that share an edge with c, sorted: six, or
// five around a pentagon. It returns nil for an invalid cell.
func Neighbours(c Cell) []Cell {
	hc := h3.Cell(c)
	if !hc.IsValid() {
		return nil
	}
	disk, err := hc.GridDisk(1)
	if err != nil {
		return nil
	}
	out := make([]Cell, 0, 6)
	for _, d := range disk {
		if d != 0 && d != hc {
			out = append(out, Cell(d))
		}
	}
	slices.Sort(out)
	return out
}

// StudyArea returns the default study area for cells with data: the cells
// and their neighbours, sorted and without duplicates (see the package
// documentation).
func StudyArea(cells []Cell) []Cell {
	out := make([]Cell, 0, len(cells)*3)
	for _, c := range cells {
		out = append(out, c)
		out = append(out, Neighbours(c)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Study is a study area with its neighbourhood graph: the cells, sorted,
// and for each the positions of itself and of its neighbours that are in
// the study area. Build it once and run Gi* over as many value vectors
// (bins, categories) as needed.
type Study struct {
	cells []Cell
	index map[Cell]int32
	// Neighbourhood of cell i (itself first): nbr[start[i]:start[i+1]].
	start []int32
	nbr   []int32
}

// NewStudy builds the study area of cells (sorted and deduplicated here).
// The cells must be valid H3 cells of one resolution.
func NewStudy(cells []Cell) (*Study, error) {
	cs := slices.Clone(cells)
	slices.Sort(cs)
	cs = slices.Compact(cs)
	s := &Study{
		cells: cs,
		index: make(map[Cell]int32, len(cs)),
		start: make([]int32, 1, len(cs)+1),
		nbr:   make([]int32, 0, len(cs)*7),
	}
	for i, c := range cs {
		hc := h3.Cell(c)
		if !hc.IsValid() {
			return nil, fmt.Errorf("study area: %#x is not an H3 cell", c)
		}
		if i > 0 && hc.Resolution() != h3.Cell(cs[0]).Resolution() {
			return nil, fmt.Errorf("study area: cells of resolutions %d (%s) and %d (%s)",
				h3.Cell(cs[0]).Resolution(), h3.Cell(cs[0]), hc.Resolution(), hc)
		}
		s.index[c] = int32(i)
	}
	for i, c := range cs {
		s.nbr = append(s.nbr, int32(i))
		for _, n := range Neighbours(c) {
			if j, ok := s.index[n]; ok {
				s.nbr = append(s.nbr, j)
			}
		}
		s.start = append(s.start, int32(len(s.nbr)))
	}
	return s, nil
}

// Len is the number of cells n.
func (s *Study) Len() int { return len(s.cells) }

// Cells returns the cells, sorted; position i is the i-th element of every
// value vector. The slice is the Study's own: do not modify it.
func (s *Study) Cells() []Cell { return s.cells }

// Index returns the position of c, and whether c is in the study area.
func (s *Study) Index(c Cell) (int, bool) {
	i, ok := s.index[c]
	return int(i), ok
}

// Weight returns W_i = Σ_j w_ij, the number of cells of the neighbourhood of
// the i-th cell (itself included) inside the study area.
func (s *Study) Weight(i int) int { return int(s.start[i+1] - s.start[i]) }

// neighbourhood returns the positions of the i-th cell and of its
// neighbours in the study area.
func (s *Study) neighbourhood(i int) []int32 { return s.nbr[s.start[i]:s.start[i+1]] }

// Vector returns the values of the study's cells as a vector, 0 where
// values has none. A value for a cell outside the study area is an error.
func (s *Study) Vector(values map[Cell]float64) ([]float64, error) {
	x := make([]float64, len(s.cells))
	for c, v := range values {
		i, ok := s.index[c]
		if !ok {
			return nil, fmt.Errorf("cell %s has a value but is not in the study area", h3.Cell(c))
		}
		x[i] = v
	}
	return x, nil
}
