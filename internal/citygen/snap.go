package citygen

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// gridSize is the precision of the output: 1e-7° (about 1 cm).
const gridSize = 1e-7

// Levels, top down, as stored in cg_tree and cg_final.
const (
	levelCity = iota
	levelDistrict
	levelSubdistrict
	levelCommunity
	levelGrid
)

var levelNames = []string{"city", "district", "subdistrict", "community", "grid"}

type levelID struct{ level, id int }

// area is a final area's identity.
type area struct {
	code, name, parent string
}

// snapStage turns the unsnapped grid cells into an exact tiling on the
// 1e-7° grid: all cell boundaries are noded together with snap-rounding and
// polygonized, each face goes to the grid cell it overlaps most, each grid
// is the union of its faces and each area above the union of its children.
// Shared boundaries are then the same coordinates on both sides.
func (g *gen) snapStage(ctx context.Context) error {
	if _, err := g.conn.Exec(ctx, `
		WITH lines AS (
			SELECT ST_UnaryUnion(ST_Collect(ST_Boundary(geom) ORDER BY id), $1) AS geom FROM cg_grid
		), faces AS (
			SELECT ST_Polygonize(d.geom ORDER BY d.path) AS geom FROM lines, ST_Dump(lines.geom) d
		)
		INSERT INTO cg_face (id, geom)
		SELECT f.path[1], f.geom FROM faces, ST_Dump(faces.geom) f`, gridSize); err != nil {
		return fmt.Errorf("node and polygonize: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		UPDATE cg_face f SET grid = (
			SELECT c.id FROM cg_grid c WHERE c.geom && ST_Expand(f.geom, $1)
			ORDER BY ST_Area(ST_Intersection(c.geom, f.geom)) DESC,
			         ST_Distance(c.geom, ST_PointOnSurface(f.geom)), c.id
			LIMIT 1)`, strayBuffer); err != nil {
		return fmt.Errorf("assign faces: %w", err)
	}
	var faces, lost int
	if err := g.conn.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM cg_face),
		       (SELECT count(*) FROM cg_grid c WHERE NOT EXISTS (SELECT FROM cg_face f WHERE f.grid = c.id))`).Scan(&faces, &lost); err != nil {
		return fmt.Errorf("count faces: %w", err)
	}
	if lost > 0 {
		return fmt.Errorf("%d grids got no face after snapping", lost)
	}
	if _, err := g.conn.Exec(ctx, `
		CREATE TEMP TABLE cg_snapped AS
		SELECT c.id, c.parent, ST_Union(f.geom, $1::float8 ORDER BY f.id) AS geom
		FROM cg_face f JOIN cg_grid c ON c.id = f.grid GROUP BY c.id, c.parent`, gridSize); err != nil {
		return fmt.Errorf("union faces: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		TRUNCATE cg_grid;
		INSERT INTO cg_grid SELECT id, parent, geom FROM cg_snapped;
		DROP TABLE cg_snapped`); err != nil {
		return fmt.Errorf("store snapped grids: %w", err)
	}
	multi, err := g.fixStrays(ctx, "cg_grid", gridSize)
	if err != nil {
		return err
	}
	// The tree above the grids.
	levels, ids, parents := []int32{levelCity}, []int32{0}, []int32{-1}
	for d := range districts {
		levels, ids, parents = append(levels, levelDistrict), append(ids, int32(d+1)), append(parents, 0)
	}
	for _, s := range g.subs {
		levels, ids, parents = append(levels, levelSubdistrict), append(ids, int32(s.id)), append(parents, int32(s.district+1))
	}
	for _, c := range g.comms {
		levels, ids, parents = append(levels, levelCommunity), append(ids, int32(c.id)), append(parents, int32(c.sub))
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_tree (level, id, parent) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
		levels, ids, parents); err != nil {
		return fmt.Errorf("store tree: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_final (level, id, parent, geom) SELECT $1::int, id, parent, geom FROM cg_grid`, levelGrid); err != nil {
		return fmt.Errorf("store grids: %w", err)
	}
	for level := levelCommunity; level >= levelCity; level-- {
		if _, err := g.conn.Exec(ctx, `
			INSERT INTO cg_final (level, id, parent, geom)
			SELECT t.level, t.id, t.parent, ST_Union(c.geom, $2::float8 ORDER BY c.id)
			FROM cg_tree t JOIN cg_final c ON c.level = t.level + 1 AND c.parent = t.id
			WHERE t.level = $1 GROUP BY t.level, t.id, t.parent`, level, gridSize); err != nil {
			return fmt.Errorf("union %ss: %w", levelNames[level], err)
		}
	}
	// One canonical form: normalized, exterior rings counter-clockwise
	// (RFC 7946), a single part as a Polygon.
	if _, err := g.conn.Exec(ctx, `
		UPDATE cg_final SET geom = ST_ForcePolygonCCW(ST_Normalize(
			CASE WHEN ST_NumGeometries(geom) = 1 THEN ST_GeometryN(geom, 1) ELSE geom END))`); err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	rows, err := g.conn.Query(ctx, `
		SELECT level, count(*) FILTER (WHERE NOT ST_IsValid(geom)), count(*) FILTER (WHERE ST_NumGeometries(geom) > 1)
		FROM cg_final GROUP BY level ORDER BY level`)
	if err != nil {
		return fmt.Errorf("check areas: %w", err)
	}
	defer rows.Close()
	report := ""
	for rows.Next() {
		var level, invalid, parts int
		if err := rows.Scan(&level, &invalid, &parts); err != nil {
			return fmt.Errorf("check areas: %w", err)
		}
		if invalid > 0 {
			return fmt.Errorf("%d invalid %s polygons", invalid, levelNames[level])
		}
		report += fmt.Sprintf(" %s %d", levelNames[level], parts)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check areas: %w", err)
	}
	g.logf("%d faces; multi-part areas:%s (grids left multi-part by the stray fix: %d)", faces, report, multi)
	return nil
}

// codeStage numbers every area within its parent west to east, north to
// south (see the package comment for the exact rule), names it, and
// stores the result in cg_area.
func (g *gen) codeStage(ctx context.Context) error {
	type node struct {
		levelID
		parent int
		c      pt
		box    [4]float64
	}
	rows, err := g.conn.Query(ctx, `
		SELECT level, id, parent, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)),
		       ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
		FROM cg_final ORDER BY level, id`)
	if err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	nodes := map[levelID]*node{}
	kids := map[levelID][]*node{}
	var order []*node
	for rows.Next() {
		n := &node{}
		if err := rows.Scan(&n.level, &n.id, &n.parent, &n.c[0], &n.c[1], &n.box[0], &n.box[1], &n.box[2], &n.box[3]); err != nil {
			rows.Close()
			return fmt.Errorf("read areas: %w", err)
		}
		nodes[n.levelID] = n
		order = append(order, n)
		if n.level > levelCity {
			p := levelID{n.level - 1, n.parent}
			kids[p] = append(kids[p], n)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	g.areas = map[levelID]*area{{levelCity, 0}: {code: cityCode, name: cityName}}
	for d, spec := range districts {
		g.areas[levelID{levelDistrict, d + 1}] = &area{code: spec.code, name: spec.name, parent: cityCode}
	}
	for _, n := range order { // parents come before their children
		if n.level < levelDistrict || n.level == levelGrid {
			continue
		}
		parent := g.areas[n.levelID]
		ks := kids[n.levelID]
		bands := math.Ceil(math.Sqrt(float64(len(ks))))
		h := (n.box[3] - n.box[1]) / bands
		band := func(k *node) int { return min(int(bands)-1, int((n.box[3]-k.c[1])/h)) }
		slices.SortFunc(ks, func(a, b *node) int {
			return cmp.Or(cmp.Compare(band(a), band(b)), cmp.Compare(a.c[0], b.c[0]), cmp.Compare(b.c[1], a.c[1]), cmp.Compare(a.id, b.id))
		})
		for i, k := range ks {
			a := &area{code: parent.code + fmt.Sprintf("%03d", i+1), parent: parent.code}
			switch k.level {
			case levelSubdistrict:
				a.name = g.subs[k.id-1].name
			case levelCommunity:
				a.name = g.comms[k.id-1].name
			case levelGrid:
				c := g.comms[k.parent-1]
				a.name = g.subs[c.sub-1].name + c.name + "第" + strconv.Itoa(i+1) + "网格"
			}
			g.areas[k.levelID] = a
		}
	}
	var levels, ids []int32
	var codes, names, parents []string
	for _, n := range order {
		a := g.areas[n.levelID]
		levels, ids = append(levels, int32(n.level)), append(ids, int32(n.id))
		codes, names, parents = append(codes, a.code), append(names, a.name), append(parents, a.parent)
	}
	if _, err := g.conn.Exec(ctx, `
		INSERT INTO cg_area (code, name, level, parent, geom)
		SELECT t.code, t.name, f.level, nullif(t.parent, ''), f.geom
		FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[]) AS t(level, id, code, name, parent)
		JOIN cg_final f ON f.level = t.level AND f.id = t.id`, levels, ids, codes, names, parents); err != nil {
		return fmt.Errorf("store codes: %w", err)
	}
	return nil
}
