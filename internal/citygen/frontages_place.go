package citygen

// Where the sample frontage units stand: runs of units along each side of
// a street, kept clear of junctions, other streets and each other.

import "math"

// placement is one candidate unit.
type placement struct {
	at    pt
	width int
	ok    bool
}

// side places the runs of units along one side (+1 left, -1 right of the
// drawing direction) of street i.
func (g *frontGen) side(lines []streetLine, i int, side float64) []placement {
	l := lines[i].xy
	length := polyLength(l)
	if length < 2*frontEndGap+frontMinStep {
		return nil
	}
	c := math.Min(0.9, frontDensity*g.urbanity(lines[i]))
	var out []placement
	s := frontEndGap + g.uniform(0, 1)*g.gap(c)
	for s < length-frontEndGap {
		runEnd := math.Min(s+g.uniform(60, 240), length-frontEndGap)
		offset := g.uniform(frontMinOffset+1, frontMaxOffset-4)
		var run []placement
		var at []float64 // distance along the street of the run's units that fit
		for s <= runEnd {
			o := math.Max(frontMinOffset, math.Min(frontMaxOffset, offset+g.uniform(-1.5, 1.5)))
			p := placement{at: pointBeside(l, s, side*o)}
			if p.ok = g.fits(i, p.at); p.ok {
				g.units.add(p.at)
				at = append(at, s)
			}
			run = append(run, p)
			s += g.uniform(frontMinStep, frontMaxStep)
		}
		// A unit answers for the street up to its nearer neighbour, so the
		// zones of a run (centred on their units) never overlap.
		k := 0
		for j := range run {
			if !run[j].ok {
				continue
			}
			w := math.Inf(1)
			if k > 0 {
				w = at[k] - at[k-1]
			}
			if k+1 < len(at) {
				w = math.Min(w, at[k+1]-at[k])
			}
			if math.IsInf(w, 1) {
				w = g.uniform(frontMinStep, frontMaxStep)
			}
			run[j].width = int(math.Max(frontMinStep, math.Min(frontMaxStep, math.Floor(w))))
			k++
		}
		out = append(out, run...)
		s += g.gap(c)
	}
	return out
}

// gap is the length of a stretch without shops between two runs, so that
// runs cover about a share c of the side.
func (g *frontGen) gap(c float64) float64 {
	run := g.uniform(60, 240)
	return run * (1 - c) / c * g.uniform(0.5, 1.5)
}

// urbanity is 1 at the core of 德城区 (the city centre), falling off with
// the distance to the nearest district core, never below frontFloor.
func (g *frontGen) urbanity(l streetLine) float64 {
	mid := l.xy[len(l.xy)/2]
	u := frontFloor
	for i, d := range districts {
		weight := 0.6
		if i == 0 {
			weight = 1
		}
		dist := math.Hypot(mid[0]-g.proj.xy(d.core)[0], mid[1]-g.proj.xy(d.core)[1])
		u = math.Max(u, weight*math.Exp(-dist*dist/(frontCoreSigma*frontCoreSigma)))
	}
	return u
}

// fits reports whether a unit at p belongs to street i: its own street
// within the offset range, every other one clearly farther, no unit of
// another street too close.
func (g *frontGen) fits(i int, p pt) bool {
	own := math.Inf(1)
	other := math.Inf(1)
	g.streets.near(p, frontMaxOffset+frontClearance+1, func(j int, d float64) {
		if j == i {
			own = math.Min(own, d)
		} else {
			other = math.Min(other, d)
		}
	})
	if own < frontMinOffset-0.01 || own > frontMaxOffset+0.01 || other < own+frontClearance {
		return false
	}
	return !g.units.any(p, frontSpacing)
}
