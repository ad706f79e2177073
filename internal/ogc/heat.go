package ogc

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// sourceFunc builds a collection's rows at request time: a FROM clause
// (alias t) and its parameters, which become the first bind parameters of
// the query.
type sourceFunc func(ctx context.Context, pool *pgxpool.Pool) (from string, args []any, err error)

// heatRes and heatDays fix the heat collection: H3 resolution 9 (about
// 0.1 km² a cell, the heatmap's street-level resolution) over the last 90
// days, as the heatmap's default window.
const (
	heatRes  = 9
	heatDays = 90
)

var heatCollection = &collection{
	ID: "heat", Title: "Heat cells 热力 (90 days, H3 res 9)",
	Description: fmt.Sprintf("Problems reported in the last %d days per H3 hexagon of resolution %d (void and merged problems do not count). The h3 string is what kepler.gl and deck.gl take.", heatDays, heatRes),
	Key:         "t.id", IntKey: true, Geom: "t.geom", GeomFormat: "geometry-polygon",
	Fields: []field{
		{"h3", "t.h3", cql2.String, "H3 cell index"},
		{"count", "t.n", cql2.Integer, "problems reported in the window"},
	},
	CheapCount: true,
	source:     heatSource,
}

// heatCellsSQL counts problems per resolution-9 parent of their res-15
// cell (bit arithmetic: no h3-pg extension).
const heatCellsSQL = `
SELECT (h3_15 & ~(15::bigint << 52)) | (9::bigint << 52) | ((1::bigint << 18) - 1) AS cell, count(*)::int
FROM problems
WHERE reported_at >= now() - make_interval(days => $1) AND status NOT IN ('void', 'merged')
GROUP BY 1`

// heatSource counts the cells in SQL, draws their hexagons in Go and hands
// them back to PostgreSQL as arrays, so that bbox, datetime-free filters
// and paging run over them exactly as over a table.
func heatSource(ctx context.Context, pool *pgxpool.Pool) (string, []any, error) {
	rows, err := pool.Query(ctx, heatCellsSQL, heatDays)
	if err != nil {
		return "", nil, fmt.Errorf("heat cells: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var counts []int32
	var hexes []string
	var geoms [][]byte
	for rows.Next() {
		var id int64
		var n int32
		if err := rows.Scan(&id, &n); err != nil {
			return "", nil, fmt.Errorf("heat cells: %w", err)
		}
		cell := h3.Cell(id)
		b, err := cell.Boundary()
		if err != nil {
			return "", nil, fmt.Errorf("boundary of cell %x: %w", id, err)
		}
		ring := make(orb.Ring, 0, len(b)+1)
		for _, ll := range b {
			ring = append(ring, orb.Point{ll.Lng, ll.Lat})
		}
		ring = append(ring, ring[0])
		if ring.Orientation() != orb.CCW {
			ring.Reverse()
		}
		g, err := wkb.Marshal(orb.Polygon{ring})
		if err != nil {
			return "", nil, fmt.Errorf("cell %x: %w", id, err)
		}
		ids, counts, hexes, geoms = append(ids, id), append(counts, n), append(hexes, cell.String()), append(geoms, g)
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("heat cells: %w", err)
	}
	from := `(SELECT u.id, u.h3, u.n, ST_GeomFromWKB(u.g, 4326) AS geom
	          FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bytea[]) AS u(id, h3, n, g)) t`
	return from, []any{ids, hexes, counts, geoms}, nil
}
