package citygen

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// cut is a place where an arterial is split: at a fraction of its planar
// length, at a junction with another arterial or at a subdistrict boundary.
type cut struct {
	at       float64 // metres along the part
	junction bool
}

// arterialSegments draws the arterials, clips them to the city and splits
// them at junctions with each other and at subdistrict (hence district)
// boundaries, merging pieces shorter than minSegment into a neighbour
// (dropping a junction cut before a boundary cut) and splitting long ones.
func (g *gen) arterialSegments(ctx context.Context) ([]segment, error) {
	var seg []int32
	var xs, ys []float64
	for i, a := range arterials {
		for _, p := range g.arterialLine(a) {
			seg, xs, ys = append(seg, int32(i)), append(xs, p[0]), append(ys, p[1])
		}
	}
	if _, err := g.conn.Exec(ctx, `
		CREATE TEMP TABLE cg_art AS
		SELECT id, ST_SetSRID(ST_MakeLine(array_agg(ST_MakePoint(x, y) ORDER BY i)), 4326) AS geom
		FROM unnest($1::int[], $2::float8[], $3::float8[]) WITH ORDINALITY AS t(id, x, y, i)
		GROUP BY id`, seg, xs, ys); err != nil {
		return nil, fmt.Errorf("store arterials: %w", err)
	}
	rows, err := g.conn.Query(ctx, `
		WITH bounds AS (
			SELECT ST_Union(ST_Boundary(geom), $1::float8 ORDER BY code) AS geom FROM cg_area WHERE level = $2
		), parts AS (
			SELECT a.id, d.n, d.geom
			FROM cg_art a, cg_area c, ST_Dump(ST_Intersection(a.geom, c.geom)) WITH ORDINALITY AS d(path, geom, n)
			WHERE c.level = $3 AND ST_GeometryType(d.geom) = 'ST_LineString'
		)
		SELECT p.id, ST_AsGeoJSON(p.geom, 15, 0),
		       ARRAY(SELECT ST_LineLocatePoint(p.geom, x.geom)
		             FROM ST_DumpPoints(ST_Intersection(p.geom, b.geom)) x ORDER BY 1),
		       ARRAY(SELECT ST_LineLocatePoint(p.geom, x.geom)
		             FROM cg_art q, ST_DumpPoints(ST_Intersection(p.geom, q.geom)) x
		             WHERE q.id <> p.id AND q.geom && p.geom ORDER BY 1)
		FROM parts p, bounds b ORDER BY p.id, p.n`, gridSize, levelSubdistrict, levelCity)
	if err != nil {
		return nil, fmt.Errorf("clip arterials: %w", err)
	}
	defer rows.Close()
	var out []segment
	for rows.Next() {
		var id int
		var js string
		var bounds, junctions []float64
		if err := rows.Scan(&id, &js, &bounds, &junctions); err != nil {
			return nil, fmt.Errorf("clip arterials: %w", err)
		}
		line, err := parseLine(js)
		if err != nil {
			return nil, err
		}
		for _, piece := range splitArterial(line, bounds, junctions) {
			out = append(out, segment{name: arterials[id].name, class: "arterial", line: piece})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clip arterials: %w", err)
	}
	return out, nil
}

// splitArterial cuts one clipped arterial part at the given fractions of
// its planar length (as ST_LineLocatePoint measures them).
func splitArterial(line []pt, bounds, junctions []float64) [][]pt {
	// Planar and metric length at every vertex, to turn fractions into metres.
	planar := make([]float64, len(line))
	metric := make([]float64, len(line))
	for i := 1; i < len(line); i++ {
		planar[i] = planar[i-1] + math.Hypot(line[i][0]-line[i-1][0], line[i][1]-line[i-1][1])
		metric[i] = metric[i-1] + metres(line[i-1], line[i])
	}
	total := metric[len(line)-1]
	if total < minSegment {
		return nil
	}
	toMetres := func(f float64) float64 {
		d := f * planar[len(planar)-1]
		i, _ := slices.BinarySearch(planar, d)
		if i == 0 {
			return 0
		}
		i = min(i, len(planar)-1)
		seg := planar[i] - planar[i-1]
		if seg == 0 {
			return metric[i]
		}
		return metric[i-1] + (metric[i]-metric[i-1])*(d-planar[i-1])/seg
	}
	var cuts []cut
	for _, f := range bounds {
		cuts = append(cuts, cut{toMetres(f), false})
	}
	for _, f := range junctions {
		cuts = append(cuts, cut{toMetres(f), true})
	}
	slices.SortStableFunc(cuts, func(a, b cut) int { return cmp.Compare(a.at, b.at) })
	// Stops: the ends (fixed) and the cuts, at least a metre apart.
	stops := []cut{{0, false}}
	for _, c := range cuts {
		if c.at > 1 && c.at < total-1 && c.at-stops[len(stops)-1].at > 1 {
			stops = append(stops, c)
		}
	}
	stops = append(stops, cut{total, false})
	for {
		short := -1
		for i := 1; i < len(stops); i++ {
			if l := stops[i].at - stops[i-1].at; l < minSegment && (short < 0 || l < stops[short].at-stops[short-1].at) {
				short = i
			}
		}
		if short < 0 {
			break
		}
		// The piece between stops short-1 and short: drop one of its inner stops.
		left, right := short-1, short
		canL, canR := left > 0, right < len(stops)-1
		var drop int
		switch {
		case canL && canR:
			drop = right
			if stops[left].junction && !stops[right].junction {
				drop = left
			} else if stops[left].junction == stops[right].junction &&
				stops[left].at-stops[left-1].at < stops[right+1].at-stops[right].at {
				drop = left
			}
		case canL:
			drop = left
		case canR:
			drop = right
		default:
			return nil
		}
		stops = slices.Delete(stops, drop, drop+1)
	}
	var out [][]pt
	for i := 1; i < len(stops); i++ {
		piece := subLine(line, stops[i-1].at, stops[i].at)
		for j := range piece {
			piece[j] = roundPt(piece[j])
		}
		out = append(out, splitEvenly(dedupe(piece), stops[i].at-stops[i-1].at)...)
	}
	return out
}
