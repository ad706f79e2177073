package citygen

import (
	"math"
	"math/rand/v2"
)

// atom is one small Voronoi cell of the city; districts and subdistricts
// are grown as connected sets of atoms.
type atom struct {
	id   int
	site pt      // a point inside the cell
	area float64 // m²
	nbr  []int   // indices of atoms sharing an edge
}

// grow assigns each atom listed in members to one of len(cores) regions,
// growing all regions at once over the adjacency graph: the region with
// the smallest area relative to its weight takes the frontier atom nearest
// its core, the distance stretched by a per-atom random factor so that
// boundaries wander and shrunk for atoms mostly surrounded by the region
// so that it stays compact. Regions stay connected. Atoms the growth cannot reach
// (cut off in the graph) join the region of the nearest reached atom.
// The result maps atom index → region.
func grow(atoms []atom, members []int, cores []pt, weights []float64, rng *rand.Rand) map[int]int {
	in := make(map[int]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	stretch := make(map[int]float64, len(members))
	for _, m := range members {
		stretch[m] = 1 + 0.4*rng.Float64()
	}
	region := make(map[int]int, len(members))
	area := make([]float64, len(cores))
	claim := func(r, m int) {
		region[m] = r
		area[r] += atoms[m].area
	}
	// cost favours atoms near the core and, to keep regions compact rather
	// than fingered, atoms mostly surrounded by the region already.
	cost := func(r, m int) float64 {
		var own int
		for _, n := range atoms[m].nbr {
			if isIn(region, n) && region[n] == r {
				own++
			}
		}
		f := 0.0
		if len(atoms[m].nbr) > 0 {
			f = float64(own) / float64(len(atoms[m].nbr))
		}
		return metres(cores[r], atoms[m].site) * stretch[m] * (1 - 0.6*f)
	}
	// Each region starts at the free member nearest its core.
	for r := range cores {
		best := -1
		for _, m := range members {
			if _, taken := region[m]; !taken && (best < 0 || cost(r, m) < cost(r, best)) {
				best = m
			}
		}
		if best >= 0 {
			claim(r, best)
		}
	}
	done := make([]bool, len(cores))
	for len(region) < len(members) {
		// The hungriest region that can still grow.
		r := -1
		for i := range cores {
			if !done[i] && (r < 0 || area[i]/weights[i] < area[r]/weights[r]) {
				r = i
			}
		}
		if r < 0 {
			break
		}
		best := -1
		for _, m := range members {
			if !isIn(region, m) || region[m] != r {
				continue
			}
			for _, n := range atoms[m].nbr {
				if in[n] && !isIn(region, n) && (best < 0 || cost(r, n) < cost(r, best) ||
					(cost(r, n) == cost(r, best) && n < best)) {
					best = n
				}
			}
		}
		if best < 0 {
			done[r] = true
			continue
		}
		claim(r, best)
	}
	for _, m := range members {
		if isIn(region, m) {
			continue
		}
		near, d := -1, math.Inf(1)
		for _, o := range members {
			if isIn(region, o) {
				if dd := metres(atoms[m].site, atoms[o].site); dd < d {
					near, d = o, dd
				}
			}
		}
		region[m] = region[near]
	}
	return region
}

func isIn(region map[int]int, m int) bool {
	_, ok := region[m]
	return ok
}

// spread picks k of members far apart: a random first one, then each time
// the member farthest from those already picked.
func spread(atoms []atom, members []int, k int, rng *rand.Rand) []pt {
	picked := []int{members[rng.IntN(len(members))]}
	for len(picked) < k {
		best, bestD := -1, -1.0
		for _, m := range members {
			d := math.Inf(1)
			for _, p := range picked {
				d = math.Min(d, metres(atoms[m].site, atoms[p].site))
			}
			if d > bestD {
				best, bestD = m, d
			}
		}
		picked = append(picked, best)
	}
	out := make([]pt, k)
	for i, p := range picked {
		out[i] = atoms[p].site
	}
	return out
}
