package heat

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve the heatmap and the hot spot map.
type Handlers struct {
	Pool *pgxpool.Pool
	// CellLimit is the most cells a request may cover; 0 means
	// DefaultCellLimit.
	CellLimit int
	// Now is the clock that "today" and "the future" are judged by; nil
	// means time.Now.
	Now func() time.Time

	noRollup bool        // benchmarks: read every heatmap from problems
	folding  atomic.Bool // a fold started by a read is running
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group) {
	g.GET("/heatmap", h.heatmap)
	g.GET("/hotspots", h.hotspots)
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handlers) limit() int {
	if h.CellLimit > 0 {
		return h.CellLimit
	}
	return DefaultCellLimit
}

// begin opens the read-only snapshot a request is answered from, reads
// its state, refuses an unknown category and fixes the resolution (422
// past the cell limit). The caller rolls tx back.
func (h *Handlers) begin(ctx context.Context, f *Filter) (pgx.Tx, state, error) {
	tx, err := h.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, state{}, fmt.Errorf("heat: begin: %w", err)
	}
	st, err := readState(ctx, tx, *f)
	if err == nil {
		h.foldSoon(st.Pending)
	}
	if err == nil && !st.Known {
		err = httpx.Invalid("category", fmt.Sprintf("unknown category %q (GET /api/v1/categories lists them)", f.Category))
	}
	if err == nil {
		err = f.resolve(st.area(*f), h.limit())
	}
	if err != nil {
		tx.Rollback(context.Background())
		return nil, st, err
	}
	return tx, st, nil
}

// categoryNames maps every category code to its name.
func categoryNames(ctx context.Context, tx pgx.Tx) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT code, name FROM categories`)
	if err != nil {
		return nil, fmt.Errorf("category names: %w", err)
	}
	names := map[string]string{}
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error {
		names[code] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("category names: %w", err)
	}
	return names, nil
}
