package tiles

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Render cuts one tile of layer l; an empty tile is an empty slice.
func Render(ctx context.Context, pool *pgxpool.Pool, l Layer, t Tile, f Filter) ([]byte, error) {
	sql, args := renderSQL(l, t, f)
	var b []byte
	if err := pool.QueryRow(ctx, sql, args...).Scan(&b); err != nil {
		return nil, fmt.Errorf("tile %s/%d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	return b, nil
}

// renderSQL is the statement and arguments that cut tile t of layer l.
func renderSQL(l Layer, t Tile, f Filter) (string, []any) {
	args := []any{t.Z, t.X, t.Y, l.Name}
	switch l.kind {
	case kindArea:
		return areaSQL, append(args, l.level)
	case kindStreet:
		return streetSQL, args
	case kindFrontage:
		return frontageSQL, args
	case kindHeat:
		where, args := f.where(args)
		return fmt.Sprintf(heatSQL, where), args
	default:
		where, args := f.where(args)
		if t.Z >= PointZoom {
			return fmt.Sprintf(problemPointSQL, where), args
		}
		return fmt.Sprintf(problemCellSQL, where), args
	}
}
