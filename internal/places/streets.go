package places

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// StreetProps are the properties of a street segment.
type StreetProps struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// EachStreet calls fn for every segment intersecting bbox (all when nil),
// in code order, as rows arrive.
func EachStreet(ctx context.Context, pool *pgxpool.Pool, bbox *httpx.BBox, fn func(StreetProps, json.RawMessage) error) error {
	q := `SELECT s.code, s.name, ST_AsGeoJSON(s.geom, 7)::json FROM streets s`
	var args []any
	if bbox != nil {
		args = []any{bbox.MinLon, bbox.MinLat, bbox.MaxLon, bbox.MaxLat}
		q += ` WHERE ST_Intersects(s.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`
	}
	rows, err := pool.Query(ctx, q+` ORDER BY s.code`, args...)
	if err != nil {
		return fmt.Errorf("query streets: %w", err)
	}
	defer rows.Close()
	var p StreetProps
	var geom json.RawMessage
	for rows.Next() {
		if err := rows.Scan(&p.Code, &p.Name, &geom); err != nil {
			return fmt.Errorf("scan street: %w", err)
		}
		if err := fn(p, geom); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read streets: %w", err)
	}
	return nil
}
