package places

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Location is what locate finds at a point.
type Location struct {
	Lon    float64    `json:"lon"`
	Lat    float64    `json:"lat"`
	Areas  []AreaRef  `json:"areas"`  // district down to grid; empty outside the city
	Street *StreetHit `json:"street"` // nearest segment within the radius, or null
}

// StreetHit is the street segment nearest to a located point.
type StreetHit struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	DistanceM float64 `json:"distance_m"`
}

// locateSQL finds the deepest area covering the point (lowest code on a
// shared boundary: see the package comment) and its ancestors from the
// district down, and the nearest street within $3 metres, in one round
// trip. Ancestors are looked up by code prefix (a child's code starts with
// its parent's: the areas trigger enforces it), which is four index probes
// instead of a recursive walk. The street search prefilters with the GiST
// index on a box of $4 degrees, wide enough for $3 metres at this latitude,
// then ranks by geodesic distance.
const locateSQL = `
WITH pt AS (
	SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g
), hit AS (
	SELECT a.code FROM areas a, pt WHERE ST_Covers(a.geom, pt.g)
	ORDER BY a.level DESC, a.code LIMIT 1
)
SELECT
	(SELECT coalesce(json_agg(json_build_object('level', a.level, 'code', a.code, 'name', a.name) ORDER BY a.level), '[]')
	 FROM hit, areas a
	 WHERE a.code = ANY (ARRAY[left(hit.code, 6), left(hit.code, 9), left(hit.code, 12), hit.code])
	   AND a.level <> 'city'),
	(SELECT json_build_object('code', s.code, 'name', s.name, 'distance_m', round(s.d::numeric, 1))
	 FROM (SELECT s.code, s.name, ST_Distance(s.geom::geography, pt.g::geography) AS d
	       FROM streets s, pt
	       WHERE ST_DWithin(s.geom, pt.g, $4)) s
	 WHERE s.d <= $3 ORDER BY s.d, s.code LIMIT 1)
`

// Locate maps a point to its areas and nearest street within radiusM metres.
func Locate(ctx context.Context, pool *pgxpool.Pool, lon, lat, radiusM float64) (Location, error) {
	loc := Location{Lon: lon, Lat: lat}
	var areas, street json.RawMessage
	if err := pool.QueryRow(ctx, locateSQL, lon, lat, radiusM, RadiusDegrees(radiusM, lat)).Scan(&areas, &street); err != nil {
		return loc, fmt.Errorf("locate (%g, %g): %w", lon, lat, err)
	}
	if err := json.Unmarshal(areas, &loc.Areas); err != nil {
		return loc, fmt.Errorf("decode areas: %w", err)
	}
	if len(street) > 0 && string(street) != "null" {
		loc.Street = &StreetHit{}
		if err := json.Unmarshal(street, loc.Street); err != nil {
			return loc, fmt.Errorf("decode street: %w", err)
		}
	}
	return loc, nil
}

// RadiusDegrees is a planar radius in degrees that contains every point
// within m metres of latitude lat (a degree of longitude shrinks with
// cos(lat); a degree of latitude is never shorter than 110.5 km).
func RadiusDegrees(m, lat float64) float64 {
	c := math.Cos(math.Min(math.Abs(lat)+1, 89.9) * math.Pi / 180)
	return m / (110_000 * c)
}
