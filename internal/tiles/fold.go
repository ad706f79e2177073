package tiles

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// foldSQL replaces the rows of every zoom-14 tile that has more than one
// by a single row carrying their sum, in one statement: the sum of every
// range, and so every ETag, stays what it was, and the rows an ETag reads
// stay few. Writers only append (migration 014), so the rows it deletes
// are locked by nobody else; a row appended meanwhile is not in its
// snapshot and stays for the next fold. The advisory lock keeps one
// folder at a time across servers.
const foldSQL = `WITH one AS (
	SELECT pg_try_advisory_xact_lock(hashtext('gridkeeper.tiles.fold')) AS mine
), gone AS (
	DELETE FROM problem_tile_versions v
	USING (SELECT x, y FROM problem_tile_versions GROUP BY x, y HAVING count(*) > 1) many, one
	WHERE one.mine AND v.x = many.x AND v.y = many.y
	RETURNING v.x, v.y, v.version
)
INSERT INTO problem_tile_versions (x, y, version)
SELECT x, y, sum(version)::bigint FROM gone GROUP BY x, y`

// foldCellsSQL does the same for the low-zoom rollup (migration
// problem_cells): each key's delta rows become one row of their sums, and
// a key whose counts sum to nothing goes. Every sum a tile reads stays
// what it was.
const foldCellsSQL = `WITH one AS (
	SELECT pg_try_advisory_xact_lock(hashtext('gridkeeper.tiles.fold-cells')) AS mine
), many AS (
	SELECT z, x, y, category_code, status, source FROM problem_cells
	GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1 OR sum(n) = 0
), gone AS (
	DELETE FROM problem_cells c
	USING many, one
	WHERE one.mine AND (c.z, c.x, c.y, c.category_code, c.status, c.source) = (many.z, many.x, many.y, many.category_code, many.status, many.source)
	RETURNING c.*
)
INSERT INTO problem_cells (z, x, y, category_code, status, source, n, sum_lon, sum_lat, sum_id)
SELECT z, x, y, category_code, status, source, sum(n), sum(sum_lon), sum(sum_lat), sum(sum_id)
FROM gone GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0`

// Fold packs each zoom-14 tile's version rows into one, and each key of
// the low-zoom rollup into one, and returns how many tiles it packed.
func Fold(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	tag, err := pool.Exec(ctx, foldSQL)
	if err != nil {
		return 0, fmt.Errorf("fold tile versions: %w", err)
	}
	if _, err := pool.Exec(ctx, foldCellsSQL); err != nil {
		return 0, fmt.Errorf("fold problem cells: %w", err)
	}
	return tag.RowsAffected(), nil
}

// RunFolder folds every interval until ctx ends (serve runs it; a fold
// that fails is logged and tried again at the next tick).
func RunFolder(ctx context.Context, pool *pgxpool.Pool, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := Fold(ctx, pool); err != nil && ctx.Err() == nil {
			slog.Warn("tiles: fold", "err", err)
		}
	}
}
