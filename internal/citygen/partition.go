package citygen

import (
	"context"
	"fmt"
	"math"
)

// Work tables of one partition round: parents to cut, one seed point per
// child, and the resulting cells (unsnapped, full precision).
const partitionTables = `
CREATE TEMP TABLE cg_parent (id int PRIMARY KEY, geom geometry NOT NULL);
CREATE TEMP TABLE cg_seed (id int PRIMARY KEY, parent int NOT NULL, geom geometry NOT NULL);
CREATE TEMP TABLE cg_cell (id int PRIMARY KEY, parent int NOT NULL, geom geometry NOT NULL);
CREATE TEMP TABLE cg_stray (id int, k int, to_id int, geom geometry, PRIMARY KEY (id, k));
`

// child is one cell to cut from a parent: its id and its parent's id.
type child struct{ id, parent int }

// sampleSeeds puts one random point inside its parent (cg_parent) for every
// child into cg_seed, replacing what was there.
func (g *gen) sampleSeeds(ctx context.Context, children []child) error {
	rows, err := g.conn.Query(ctx, `SELECT id, ST_AsGeoJSON(geom, 15, 0) FROM cg_parent ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read parents: %w", err)
	}
	parents := map[int]multiPolygon{}
	for rows.Next() {
		var id int
		var js string
		if err := rows.Scan(&id, &js); err != nil {
			rows.Close()
			return fmt.Errorf("read parents: %w", err)
		}
		mp, err := parsePolygonal(js)
		if err != nil {
			rows.Close()
			return fmt.Errorf("parent %d: %w", id, err)
		}
		parents[id] = mp
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read parents: %w", err)
	}
	ids := make([]int32, len(children))
	par := make([]int32, len(children))
	xs := make([]float64, len(children))
	ys := make([]float64, len(children))
	for i, c := range children {
		mp, ok := parents[c.parent]
		if !ok {
			return fmt.Errorf("seed %d: no parent %d", c.id, c.parent)
		}
		p, err := g.pointIn(mp)
		if err != nil {
			return fmt.Errorf("seed %d in parent %d: %w", c.id, c.parent, err)
		}
		ids[i], par[i], xs[i], ys[i] = int32(c.id), int32(c.parent), p[0], p[1]
	}
	if _, err := g.conn.Exec(ctx, `TRUNCATE cg_seed`); err != nil {
		return fmt.Errorf("clear seeds: %w", err)
	}
	_, err = g.conn.Exec(ctx, `
		INSERT INTO cg_seed (id, parent, geom)
		SELECT id, parent, ST_SetSRID(ST_MakePoint(x, y), 4326)
		FROM unnest($1::int[], $2::int[], $3::float8[], $4::float8[]) AS t(id, parent, x, y)`,
		ids, par, xs, ys)
	if err != nil {
		return fmt.Errorf("store seeds: %w", err)
	}
	return nil
}

// pointIn draws a uniform random point inside mp.
func (g *gen) pointIn(mp multiPolygon) (pt, error) {
	b := mp.bbox()
	for range 100000 {
		p := pt{b[0] + g.rng.Float64()*(b[2]-b[0]), b[1] + g.rng.Float64()*(b[3]-b[1])}
		if mp.contains(p) {
			return p, nil
		}
	}
	return pt{}, fmt.Errorf("no random point fell inside the polygon")
}

// partition cuts every parent in cg_parent into the Voronoi cells of its
// seeds, clipped to the parent, into cg_cell. Before the final cut, lloyd
// rounds move every seed to its cell's centroid (or a point on its surface
// when the centroid falls outside), which evens out cell sizes and shapes.
// Finally stray pieces of cells cut in two by a concave parent join the
// neighbouring sibling they share most boundary with.
func (g *gen) partition(ctx context.Context, lloyd int) error {
	for round := 0; ; round++ {
		if _, err := g.conn.Exec(ctx, `TRUNCATE cg_cell`); err != nil {
			return fmt.Errorf("clear cells: %w", err)
		}
		// A parent with a single seed is its own cell (Voronoi of one point is empty).
		_, err := g.conn.Exec(ctx, `
			WITH v AS (
				SELECT p.id AS parent, p.geom AS pgeom, (ST_Dump(ST_VoronoiPolygons(
					(SELECT ST_Collect(s.geom ORDER BY s.id) FROM cg_seed s WHERE s.parent = p.id),
					0, ST_Expand(ST_Envelope(p.geom), 0.05)))).geom AS cell
				FROM cg_parent p
				WHERE (SELECT count(*) FROM cg_seed s WHERE s.parent = p.id) > 1
			)
			INSERT INTO cg_cell (id, parent, geom)
			SELECT s.id, s.parent, ST_CollectionExtract(ST_Intersection(v.cell, v.pgeom), 3)
			FROM v JOIN cg_seed s ON s.parent = v.parent AND ST_Contains(v.cell, s.geom)
			UNION ALL
			SELECT s.id, s.parent, p.geom
			FROM cg_parent p JOIN cg_seed s ON s.parent = p.id
			WHERE (SELECT count(*) FROM cg_seed o WHERE o.parent = p.id) = 1`)
		if err != nil {
			return fmt.Errorf("voronoi cells: %w", err)
		}
		var missing int
		if err := g.conn.QueryRow(ctx, `
			SELECT (SELECT count(*) FROM cg_seed) - (SELECT count(*) FROM cg_cell WHERE NOT ST_IsEmpty(geom))`).Scan(&missing); err != nil {
			return fmt.Errorf("count cells: %w", err)
		}
		if missing != 0 {
			return fmt.Errorf("voronoi cells: %d seeds got no cell", missing)
		}
		if round == lloyd {
			break
		}
		_, err = g.conn.Exec(ctx, `
			UPDATE cg_seed s
			SET geom = CASE WHEN ST_Contains(c.geom, ST_Centroid(c.geom)) THEN ST_Centroid(c.geom)
			                ELSE ST_PointOnSurface(c.geom) END
			FROM cg_cell c WHERE c.id = s.id`)
		if err != nil {
			return fmt.Errorf("lloyd relaxation: %w", err)
		}
	}
	_, err := g.fixStrays(ctx, "cg_cell", -1)
	return err
}

// fixStrays gives every part of a multi-part cell other than its largest to
// the sibling (same parent) it shares most boundary with, and repeats while
// that moves anything. table has columns id, parent, geom; gridSize is the
// precision of the unions (-1: full precision). It returns the number of
// cells that stay in several parts (no touching sibling to take a part).
func (g *gen) fixStrays(ctx context.Context, table string, gridSize float64) (int, error) {
	// The table name is one of this package's constants, never input.
	for range 5 {
		if _, err := g.conn.Exec(ctx, `TRUNCATE cg_stray`); err != nil {
			return 0, fmt.Errorf("strays: %w", err)
		}
		tag, err := g.conn.Exec(ctx, `
			WITH parts AS (
				SELECT c.id, c.parent, d.path[1] AS k, d.geom,
				       row_number() OVER (PARTITION BY c.id ORDER BY ST_Area(d.geom) DESC, d.path[1]) AS rank
				FROM `+table+` c, ST_Dump(c.geom) d
				WHERE ST_NumGeometries(c.geom) > 1
			), touch AS (
				SELECT p.id, p.k, p.geom, o.id AS to_id,
				       ST_Area(ST_Intersection(ST_Buffer(p.geom, $1), o.geom)) AS shared
				FROM parts p JOIN `+table+` o ON o.parent = p.parent AND o.id <> p.id AND o.geom && ST_Expand(p.geom, $1)
				WHERE p.rank > 1
			)
			INSERT INTO cg_stray (id, k, to_id, geom)
			SELECT DISTINCT ON (id, k) id, k, to_id, geom FROM touch WHERE shared > 0
			ORDER BY id, k, shared DESC, to_id`, strayBuffer)
		if err != nil {
			return 0, fmt.Errorf("find strays in %s: %w", table, err)
		}
		if tag.RowsAffected() == 0 {
			break
		}
		if _, err := g.conn.Exec(ctx, `
			UPDATE `+table+` c SET geom = (
				SELECT ST_Collect(d.geom ORDER BY d.path) FROM ST_Dump(c.geom) d
				WHERE NOT EXISTS (SELECT FROM cg_stray s WHERE s.id = c.id AND s.k = d.path[1]))
			WHERE c.id IN (SELECT id FROM cg_stray)`); err != nil {
			return 0, fmt.Errorf("trim strays in %s: %w", table, err)
		}
		if _, err := g.conn.Exec(ctx, `
			UPDATE `+table+` c SET geom = ST_CollectionExtract(ST_UnaryUnion(ST_Collect(c.geom, x.g), $1), 3)
			FROM (SELECT to_id, ST_Collect(geom ORDER BY id, k) AS g FROM cg_stray GROUP BY to_id) x
			WHERE c.id = x.to_id`, gridSize); err != nil {
			return 0, fmt.Errorf("move strays in %s: %w", table, err)
		}
	}
	var multi int
	if err := g.conn.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE ST_NumGeometries(geom) > 1`).Scan(&multi); err != nil {
		return 0, fmt.Errorf("count multi-part cells in %s: %w", table, err)
	}
	return multi, nil
}

// strayBuffer (degrees, about 0.1 m) widens a stray part to measure how much
// boundary it shares with each sibling, robust to unsnapped coordinates.
const strayBuffer = 1e-6

// allocate splits total into len(weights) whole shares of at least min,
// proportional to weights (largest remainder; ties to the lower index).
func allocate(total int, weights []float64, min int) []int {
	out := make([]int, len(weights))
	left := total - min*len(weights)
	var sum float64
	for _, w := range weights {
		sum += w
	}
	rem := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		share := float64(left) * w / sum
		out[i] = min + int(math.Floor(share))
		rem[i] = share - math.Floor(share)
		given += int(math.Floor(share))
	}
	for ; given < left; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}
