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
		if t.Z < PointZoom && f.untimed() {
			where, args := f.where(rollupArgs(args, t))
			return fmt.Sprintf(rollupHeatSQL, where), args
		}
		where, args := f.where(args)
		return fmt.Sprintf(heatSQL, where), args
	default:
		if t.Z >= PointZoom {
			where, args := f.where(args)
			return fmt.Sprintf(problemPointSQL, where), args
		}
		if f.untimed() {
			where, args := f.where(rollupArgs(args, t))
			return fmt.Sprintf(rollupProblemSQL, where), args
		}
		where, args := f.where(args)
		return fmt.Sprintf(problemCellSQL, where), args
	}
}

// rollupArgs appends the rollup's parameters ($5-$10) for a tile below
// PointZoom: the cells are tiles of zoom t.Z + 4, summed from the rollup's
// zoom-14 rows up to zoom 10, its zoom-17 rows for zooms 11 to 13 and its
// zoom-18 rows for zoom 14.
func rollupArgs(args []any, t Tile) []any {
	level := 14
	switch {
	case t.Z == 14:
		level = 18
	case t.Z > 10:
		level = 17
	}
	d := uint(level - t.Z)
	x0, y0 := t.X<<d, t.Y<<d
	return append(args, level-(t.Z+4), level, x0, x0+(1<<d)-1, y0, y0+(1<<d)-1)
}

// untimed says whether the filter is one the rollup can answer: it keeps
// no times.
func (f Filter) untimed() bool { return f.From == nil && f.To == nil && f.DueBefore == nil }
