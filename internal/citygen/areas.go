package citygen

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
)

// atomCount is how many atoms the city outline is cut into.
const atomCount = 520

// gridsPerCommunity is the mean number of grids a community is cut into.
const gridsPerCommunity = 3.5

type subdistrict struct {
	id       int
	district int // index into districts
	name     string
	town     bool // 镇: villages, fewer and larger grids
	grids    int
}

type community struct {
	id    int
	sub   int // subdistrict id
	name  string
	grids int
}

// atomStage draws the city outline and cuts it into atoms.
func (g *gen) atomStage(ctx context.Context) error {
	g.ring = g.outline()
	xs, ys := make([]float64, len(g.ring)), make([]float64, len(g.ring))
	for i, p := range g.ring {
		xs[i], ys[i] = p[0], p[1]
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_parent (id, geom)
		SELECT 0, ST_SetSRID(ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(x, y) ORDER BY i))), 4326)
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)`, xs, ys); err != nil {
		return fmt.Errorf("store outline: %w", err)
	}
	kids := make([]child, atomCount)
	for i := range kids {
		kids[i] = child{id: i + 1, parent: 0}
	}
	if err := g.sampleSeeds(ctx, kids); err != nil {
		return err
	}
	if err := g.partition(ctx, 2); err != nil {
		return err
	}
	if _, err := g.conn.Exec(ctx, `INSERT INTO cg_atom SELECT * FROM cg_cell`); err != nil {
		return fmt.Errorf("store atoms: %w", err)
	}
	rows, err := g.conn.Query(ctx, `
		SELECT id, ST_X(p), ST_Y(p), ST_Area(geom::geography)
		FROM (SELECT id, geom, ST_PointOnSurface(geom) AS p FROM cg_atom) a ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read atoms: %w", err)
	}
	g.atoms = g.atoms[:0]
	for rows.Next() {
		var a atom
		if err := rows.Scan(&a.id, &a.site[0], &a.site[1], &a.area); err != nil {
			rows.Close()
			return fmt.Errorf("read atoms: %w", err)
		}
		g.atoms = append(g.atoms, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read atoms: %w", err)
	}
	index := make(map[int]int, len(g.atoms))
	for i, a := range g.atoms {
		index[a.id] = i
	}
	// Neighbours share a stretch of boundary, not just a corner.
	rows, err = g.conn.Query(ctx, `
		SELECT a.id, b.id FROM cg_atom a JOIN cg_atom b ON a.id < b.id AND a.geom && b.geom
		WHERE ST_Relate(a.geom, b.geom, '****1****') ORDER BY a.id, b.id`)
	if err != nil {
		return fmt.Errorf("atom adjacency: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b int
		if err := rows.Scan(&a, &b); err != nil {
			return fmt.Errorf("atom adjacency: %w", err)
		}
		ia, ib := index[a], index[b]
		g.atoms[ia].nbr = append(g.atoms[ia].nbr, ib)
		g.atoms[ib].nbr = append(g.atoms[ib].nbr, ia)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("atom adjacency: %w", err)
	}
	g.logf("outline of %d vertices cut into %d atoms", len(g.ring)-1, len(g.atoms))
	return nil
}

// districtStage grows the districts over the atoms, then each district's
// subdistricts over its atoms, and leaves the subdistricts in cg_parent.
func (g *gen) districtStage(ctx context.Context) error {
	all := make([]int, len(g.atoms))
	for i := range all {
		all[i] = i
	}
	cores := make([]pt, len(districts))
	shares := make([]float64, len(districts))
	for i, d := range districts {
		cores[i], shares[i] = d.core, d.share
	}
	district := grow(g.atoms, all, cores, shares, g.rng)
	atomSub := make([]int32, len(g.atoms))
	atomIDs := make([]int32, len(g.atoms))
	g.subs = g.subs[:0]
	for d, spec := range districts {
		var members []int
		for _, m := range all {
			if district[m] == d {
				members = append(members, m)
			}
		}
		k := len(spec.subdistricts)
		if len(members) < k {
			return fmt.Errorf("%s got %d atoms for %d subdistricts", spec.name, len(members), k)
		}
		weights := make([]float64, k)
		for i := range weights {
			weights[i] = 0.75 + 0.5*g.rng.Float64()
		}
		region := grow(g.atoms, members, spread(g.atoms, members, k, g.rng), weights, g.rng)
		first := len(g.subs) + 1
		for range k {
			g.subs = append(g.subs, &subdistrict{id: len(g.subs) + 1, district: d})
		}
		for _, m := range members {
			atomIDs[m], atomSub[m] = int32(g.atoms[m].id), int32(first+region[m])
		}
	}
	if _, err := g.conn.Exec(ctx, `TRUNCATE cg_parent`); err != nil {
		return fmt.Errorf("clear parents: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_parent (id, geom)
		SELECT t.sub, ST_CollectionExtract(ST_UnaryUnion(ST_Collect(a.geom ORDER BY a.id)), 3)
		FROM cg_atom a JOIN unnest($1::int[], $2::int[]) AS t(id, sub) ON t.id = a.id
		GROUP BY t.sub`, atomIDs, atomSub); err != nil {
		return fmt.Errorf("store subdistricts: %w", err)
	}
	// Names: 街道 to the subdistricts nearest the district's core, 镇 further out.
	type placed struct {
		id         int
		dist, area float64
	}
	byDistrict := make([][]placed, len(districts))
	rows, err := g.conn.Query(ctx, `
		SELECT id, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)), ST_Area(geom::geography)
		FROM cg_parent ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read subdistricts: %w", err)
	}
	for rows.Next() {
		var p placed
		var c pt
		if err := rows.Scan(&p.id, &c[0], &c[1], &p.area); err != nil {
			rows.Close()
			return fmt.Errorf("read subdistricts: %w", err)
		}
		d := g.subs[p.id-1].district
		p.dist = metres(c, districts[d].core)
		byDistrict[d] = append(byDistrict[d], p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read subdistricts: %w", err)
	}
	for d, ps := range byDistrict {
		slices.SortFunc(ps, func(a, b placed) int { return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.id, b.id)) })
		weights := make([]float64, len(ps))
		for i, p := range ps {
			s := g.subs[p.id-1]
			s.name = districts[d].subdistricts[i]
			s.town = strings.HasSuffix(s.name, "镇")
			weights[i] = p.area
			if !s.town {
				weights[i] *= 2.5
			}
		}
		for i, n := range allocate(districts[d].grids, weights, 4) {
			g.subs[ps[i].id-1].grids = n
		}
	}
	return nil
}

// communityStage cuts every subdistrict into communities and leaves them
// in cg_parent.
func (g *gen) communityStage(ctx context.Context) error {
	urban := slices.Clone(urbanCommunities)
	villages := slices.Clone(villageCommunities)
	g.rng.Shuffle(len(urban), func(i, j int) { urban[i], urban[j] = urban[j], urban[i] })
	g.rng.Shuffle(len(villages), func(i, j int) { villages[i], villages[j] = villages[j], villages[i] })
	var nu, nv int
	g.comms = g.comms[:0]
	var kids []child
	for _, s := range g.subs {
		n := max(2, int(math.Round(float64(s.grids)/gridsPerCommunity)))
		sizes := make([]int, n)
		for i := range sizes {
			sizes[i] = 2
		}
		for range s.grids - 2*n {
			sizes[g.rng.IntN(n)]++
		}
		for _, size := range sizes {
			c := &community{id: len(g.comms) + 1, sub: s.id, grids: size}
			if s.town {
				c.name = pick(villages, nv) + "村"
				nv++
			} else {
				c.name = pick(urban, nu) + "社区"
				nu++
			}
			g.comms = append(g.comms, c)
			kids = append(kids, child{id: c.id, parent: s.id})
		}
	}
	if err := g.sampleSeeds(ctx, kids); err != nil {
		return err
	}
	if err := g.partition(ctx, 2); err != nil {
		return err
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_comm SELECT * FROM cg_cell;
		TRUNCATE cg_parent;
		INSERT INTO cg_parent (id, geom) SELECT id, geom FROM cg_comm`); err != nil {
		return fmt.Errorf("store communities: %w", err)
	}
	g.logf("%d subdistricts cut into %d communities", len(g.subs), len(g.comms))
	return nil
}

// pick takes the i-th name of a pool, prefixed by a direction once the
// pool has been used up.
func pick(pool []string, i int) string {
	prefix := []string{"", "新", "东", "西", "南", "北"}[min(i/len(pool), 5)]
	return prefix + pool[i%len(pool)]
}

// gridStage cuts every community into its grids, unsnapped, into cg_grid.
func (g *gen) gridStage(ctx context.Context) error {
	g.grids = g.grids[:0]
	for _, c := range g.comms {
		for range c.grids {
			g.grids = append(g.grids, child{id: len(g.grids) + 1, parent: c.id})
		}
	}
	if err := g.sampleSeeds(ctx, g.grids); err != nil {
		return err
	}
	if err := g.partition(ctx, 2); err != nil {
		return err
	}
	if _, err := g.conn.Exec(ctx, `INSERT INTO cg_grid SELECT * FROM cg_cell`); err != nil {
		return fmt.Errorf("store grids: %w", err)
	}
	g.logf("%d communities cut into %d grids", len(g.comms), len(g.grids))
	return nil
}
