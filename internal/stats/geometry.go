package stats

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// areaMeasures are the area (km²) and street length (km) inside each area
// of a level, as parallel slices for the statement's unnest.
type areaMeasures struct {
	codes   []string
	km2, km []float64
}

// measuresSQL: geodesic area, and the streets' length inside the area with
// the pieces along its boundary counted half (see the package comment).
const measuresSQL = `SELECT a.code, ST_Area(a.geom::geography) / 1e6,
	coalesce((SELECT sum(ST_Length(ST_Intersection(s.geom, a.geom)::geography)
	                     - ST_Length(ST_Intersection(s.geom, ST_Boundary(a.geom))::geography) / 2)
	          FROM streets s WHERE ST_Intersects(s.geom, a.geom)), 0) / 1000
FROM areas a WHERE a.level = $1::area_level ORDER BY a.code`

// stampSQL changes whenever an area or street is added, changed or
// removed: the importers and the areas trigger keep updated_at.
const stampSQL = `SELECT (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM areas)
	|| ' ' || (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM streets)`

// measureCache keeps each level's measures until the areas or streets
// change: street lengths take ST_Intersection over every street and area,
// a quarter of a second for the sample city's grids, which a ranking
// should not pay on every request.
type measureCache struct {
	mu      sync.Mutex
	stamp   string
	byLevel map[string]areaMeasures
}

func (c *measureCache) get(ctx context.Context, pool *pgxpool.Pool, level string) (areaMeasures, error) {
	var stamp string
	if err := pool.QueryRow(ctx, stampSQL).Scan(&stamp); err != nil {
		return areaMeasures{}, fmt.Errorf("areas and streets stamp: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if stamp != c.stamp {
		c.stamp, c.byLevel = stamp, map[string]areaMeasures{}
	}
	if m, ok := c.byLevel[level]; ok {
		return m, nil
	}
	rows, err := pool.Query(ctx, measuresSQL, level)
	if err != nil {
		return areaMeasures{}, fmt.Errorf("area and street length of %s areas: %w", level, err)
	}
	defer rows.Close()
	var m areaMeasures
	for rows.Next() {
		var code string
		var km2, km float64
		if err := rows.Scan(&code, &km2, &km); err != nil {
			return areaMeasures{}, fmt.Errorf("area and street length: %w", err)
		}
		m.codes, m.km2, m.km = append(m.codes, code), append(m.km2, km2), append(m.km, km)
	}
	if err := rows.Err(); err != nil {
		return areaMeasures{}, fmt.Errorf("area and street length of %s areas: %w", level, err)
	}
	c.byLevel[level] = m
	return m, nil
}
