package citygen

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Street segment lengths: shorter pieces are merged into a neighbour of the
// same street (or dropped when the street is that short), longer ones are
// cut into equal pieces of at most splitLen. The margins keep the
// segments within 100 m – 2 km on the spheroid.
const (
	minSegment = 120.0
	maxSegment = 1800.0
	splitLen   = 1500.0
	// maxTurn is the largest bend (radians) at which a street continues
	// through a junction into the next edge.
	maxTurn = 0.6
)

// segment is one output street segment.
type segment struct {
	name, class string
	line        []pt
}

// streetEdge is a grid boundary between two junctions inside the city.
type streetEdge struct {
	line  []pt
	class string // secondary: between communities; branch: inside one
	comm  string // the community of a branch edge
	subs  string // subdistrict codes of both sides: a change splits segments
	m     float64
}

// streetStage builds the street network: arterials across the city, then
// every grid edge inside the city, chained into named streets.
func (g *gen) streetStage(ctx context.Context) ([]segment, error) {
	segs, err := g.arterialSegments(ctx)
	if err != nil {
		return nil, err
	}
	narterial := len(segs)
	edges, err := g.gridEdges(ctx)
	if err != nil {
		return nil, err
	}
	chains := chainEdges(edges)
	taken := map[string]bool{}
	for _, a := range arterials {
		taken[a.name] = true
	}
	words := slices.Clone(roadWords)
	g.rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	nextRoad := 0
	roadName := func() string {
		for {
			n := pick(words, nextRoad) + "路"
			nextRoad++
			if !taken[n] {
				taken[n] = true
				return n
			}
		}
	}
	communityName := map[string]string{}
	for _, a := range g.areas {
		communityName[a.code] = strings.TrimSuffix(strings.TrimSuffix(a.name, "社区"), "村")
	}
	branches := map[string]int{}
	var nsecondary int
	for _, class := range []string{"secondary", "branch"} {
		for _, ch := range chains {
			if edges[ch[0].e].class != class {
				continue
			}
			pieces := chainSegments(edges, ch)
			if len(pieces) == 0 {
				continue
			}
			var name string
			if class == "secondary" {
				name = roadName()
				nsecondary += len(pieces)
			} else {
				c := edges[ch[0].e].comm
				branches[c]++
				name = communityName[c] + chineseNumber(branches[c]) + "街"
			}
			for _, p := range pieces {
				segs = append(segs, segment{name: name, class: class, line: p})
			}
		}
	}
	g.logf("%d grid edges in %d streets: %d arterial, %d secondary and %d branch segments",
		len(edges), len(chains), narterial, nsecondary, len(segs)-narterial-nsecondary)
	return segs, nil
}

// gridEdges reads the boundaries between grids, merged from junction to
// junction; edges on the city outline are left out.
func (g *gen) gridEdges(ctx context.Context) ([]streetEdge, error) {
	rows, err := g.conn.Query(ctx, `
		WITH merged AS (
			SELECT ST_LineMerge(ST_Union(ST_Boundary(geom), $1::float8 ORDER BY code)) AS geom
			FROM cg_area WHERE level = $2
		), edges AS (
			SELECT d.n, d.geom FROM merged, ST_Dump(merged.geom) WITH ORDINALITY AS d(path, geom, n)
		)
		SELECT ST_AsGeoJSON(e.geom, 7, 0), ARRAY(
			SELECT a.code FROM cg_area a
			WHERE a.level = $2 AND a.geom && e.geom AND ST_Relate(a.geom, e.geom, '***1*****')
			ORDER BY a.code)
		FROM edges e ORDER BY e.n`, gridSize, levelGrid)
	if err != nil {
		return nil, fmt.Errorf("grid edges: %w", err)
	}
	defer rows.Close()
	var edges []streetEdge
	for rows.Next() {
		var js string
		var sides []string
		if err := rows.Scan(&js, &sides); err != nil {
			return nil, fmt.Errorf("grid edges: %w", err)
		}
		if len(sides) != 2 {
			continue // the city outline
		}
		line, err := parseLine(js)
		if err != nil {
			return nil, err
		}
		e := streetEdge{line: line, class: "branch", comm: sides[0][:12], m: lineMetres(line)}
		if sides[0][:12] != sides[1][:12] {
			e.class, e.comm = "secondary", ""
		}
		e.subs = sides[0][:9] + "/" + sides[1][:9]
		edges = append(edges, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("grid edges: %w", err)
	}
	return edges, nil
}

// step is an edge walked forward (along its coordinates) or backward.
type step struct {
	e       int
	forward bool
}

// end is one end of an edge: at its first coordinate or its last.
type end struct {
	e     int
	start bool
}

// chainEdges joins edges into streets: at every junction the two edges of
// the same class (and, for branch streets, the same community) that
// continue each other most straightly are paired, greedily, when they bend
// by less than maxTurn. A street is a maximal run of paired edges.
func chainEdges(edges []streetEdge) [][]step {
	at := map[pt][]end{}
	var nodes []pt
	for i, e := range edges {
		for _, s := range []bool{true, false} {
			p := e.line[len(e.line)-1]
			if s {
				p = e.line[0]
			}
			if _, ok := at[p]; !ok {
				nodes = append(nodes, p)
			}
			at[p] = append(at[p], end{i, s})
		}
	}
	partner := map[end]end{}
	for _, node := range nodes {
		ends := at[node]
		type pair struct {
			a, b end
			bend float64
		}
		var pairs []pair
		for i, a := range ends {
			for _, b := range ends[i+1:] {
				ea, eb := edges[a.e], edges[b.e]
				if a.e == b.e || ea.class != eb.class || ea.comm != eb.comm {
					continue
				}
				d := math.Abs(heading(ea, a) - heading(eb, b))
				if d > math.Pi {
					d = 2*math.Pi - d
				}
				if bend := math.Pi - d; bend < maxTurn {
					pairs = append(pairs, pair{a, b, bend})
				}
			}
		}
		slices.SortStableFunc(pairs, func(x, y pair) int { return cmp.Compare(x.bend, y.bend) })
		for _, p := range pairs {
			_, ua := partner[p.a]
			_, ub := partner[p.b]
			if !ua && !ub {
				partner[p.a], partner[p.b] = p.b, p.a
			}
		}
	}
	used := make([]bool, len(edges))
	var chains [][]step
	for i := range edges {
		if used[i] {
			continue
		}
		used[i] = true
		chain := []step{{i, true}}
		for cur := (end{i, false}); ; {
			p, ok := partner[cur]
			if !ok || used[p.e] {
				break
			}
			used[p.e] = true
			chain = append(chain, step{p.e, p.start})
			cur = end{p.e, !p.start}
		}
		for cur := (end{i, true}); ; {
			p, ok := partner[cur]
			if !ok || used[p.e] {
				break
			}
			used[p.e] = true
			chain = append([]step{{p.e, !p.start}}, chain...)
			cur = end{p.e, !p.start}
		}
		chains = append(chains, chain)
	}
	return chains
}

// heading is the direction (radians, local metric) in which edge e leaves
// its end n, measured to the first vertex at least 60 m away.
func heading(e streetEdge, n end) float64 {
	line := e.line
	if !n.start {
		line = slices.Clone(line)
		slices.Reverse(line)
	}
	from, to := line[0], line[len(line)-1]
	for _, p := range line[1:] {
		if metres(from, p) >= 60 {
			to = p
			break
		}
	}
	lat := from[1] * math.Pi / 180
	return math.Atan2((to[1]-from[1])*mPerDegLat, (to[0]-from[0])*mPerDegLon*math.Cos(lat))
}

// chainSegments cuts a street into segments: one per edge, short edges
// merged into a neighbour (preferably one with the same subdistricts on its
// sides), long ones split evenly. A street shorter than minSegment yields
// nothing.
func chainSegments(edges []streetEdge, chain []step) [][]pt {
	type unit struct {
		line []pt
		subs string
		m    float64
	}
	units := make([]unit, len(chain))
	for i, s := range chain {
		e := edges[s.e]
		line := slices.Clone(e.line)
		if !s.forward {
			slices.Reverse(line)
		}
		units[i] = unit{line, e.subs, e.m}
	}
	for {
		short := -1
		for i, u := range units {
			if u.m < minSegment && (short < 0 || u.m < units[short].m) {
				short = i
			}
		}
		if short < 0 {
			break
		}
		if len(units) == 1 {
			return nil
		}
		into := short - 1 // merge with the previous unit, or the next one
		if short == 0 || (short+1 < len(units) && better(units[short+1].subs, units[short+1].m, units[short-1].subs, units[short-1].m, units[short].subs)) {
			into = short + 1
		}
		a, b := min(short, into), max(short, into)
		merged := unit{append(slices.Clone(units[a].line), units[b].line[1:]...), units[into].subs, units[a].m + units[b].m}
		units = append(append(units[:a:a], merged), units[b+1:]...)
	}
	var out [][]pt
	for _, u := range units {
		out = append(out, splitEvenly(u.line, u.m)...)
	}
	return out
}

// better reports whether neighbour x (subs, metres) is a better partner for
// a short unit with subdistricts own than neighbour y: same sides first,
// then the shorter.
func better(xs string, xm float64, ys string, ym float64, own string) bool {
	if (xs == own) != (ys == own) {
		return xs == own
	}
	return xm < ym
}

// splitEvenly cuts a line of m metres into equal pieces of at most
// maxSegment, on the 1e-7° grid.
func splitEvenly(line []pt, m float64) [][]pt {
	if m <= maxSegment {
		return [][]pt{line}
	}
	k := int(math.Ceil(m / splitLen))
	total := lineMetres(line)
	out := make([][]pt, 0, k)
	for j := range k {
		piece := subLine(line, total*float64(j)/float64(k), total*float64(j+1)/float64(k))
		for i := range piece {
			piece[i] = roundPt(piece[i])
		}
		out = append(out, dedupe(piece))
	}
	return out
}
