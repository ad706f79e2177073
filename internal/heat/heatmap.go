package heat

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// metric is what a heatmap's value is and which cells it shows.
type metric string

const (
	metricCount     metric = "count"     // every cell with a problem; value: problems
	metricRecurring metric = "recurring" // recurring cells; value: recurring_weeks
	metricRebound   metric = "rebound"   // cells with a rebound; value: rebounds
	metricOverdue   metric = "overdue"   // cells with an overdue problem; value: overdue
)

// DefaultK is how many distinct ISO weeks one category needs in a cell for
// the cell to be recurring.
const DefaultK = 3

// heatmapOptions are the heatmap's own parameters.
type heatmapOptions struct {
	Metric metric
	K      int
}

// heatmapCells aggregates the problems r selects into cells of r.f.Res.
func heatmapCells(ctx context.Context, tx pgx.Tx, r *reader, opt heatmapOptions) ([]Cell, error) {
	a := newAggregator(r.f.Res, r.f.Window)
	if err := r.Counted(ctx, a.Add); err != nil {
		return nil, err
	}
	if err := r.Open(ctx, a.AddOpen); err != nil {
		return nil, err
	}
	names, err := categoryNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	return a.Cells(opt.K, names, opt.Metric), nil
}

func (h *Handlers) heatmap(c echo.Context) error {
	if err := httpx.CheckQuery(c, "res", "category", "source", "from", "to", "bbox", "metric", "k", "format"); err != nil {
		return err
	}
	f, err := parseFilter(c, h.now())
	if err != nil {
		return err
	}
	m, err := httpx.QueryEnum(c, "metric", string(metricCount), string(metricRecurring), string(metricRebound), string(metricOverdue))
	if err != nil {
		return err
	}
	opt := heatmapOptions{Metric: metric(m), K: DefaultK}
	if opt.Metric == "" {
		opt.Metric = metricCount
	}
	if opt.K, err = queryInt(c, "k", 1, 520, DefaultK); err != nil {
		return err
	}
	format, err := httpx.QueryEnum(c, "format", "geojson", "h3")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tx, st, err := h.begin(ctx, &f)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if notModified(c, etag("heatmap", f, st, opt.Metric, opt.K, format)) {
		return nil
	}
	r, err := newReader(tx, f, st.Now)
	if err != nil {
		return err
	}
	r.noRollup = h.noRollup
	cells, err := heatmapCells(ctx, tx, r, opt)
	if err != nil {
		return err
	}
	if format == "h3" {
		return writeH3(c, cells, opt.Metric)
	}
	fw := httpx.NewFeatureWriter(c)
	var geom, props []byte
	for i := range cells {
		if geom, err = appendPolygon(geom[:0], cells[i].cell); err != nil {
			return err
		}
		props = cells[i].appendJSON(props[:0])
		if err := fw.Write(httpx.Feature{ID: cells[i].H3, Geometry: geom, Properties: json.RawMessage(props)}); err != nil {
			return err
		}
	}
	return fw.Close(map[string]any{
		"numberReturned": fw.Count(),
		"resolution":     f.Res,
		"from":           f.From.In(beijing).Format(time.RFC3339),
		"to":             f.To.In(beijing).Format(time.RFC3339),
		"metric":         opt.Metric,
		"k":              opt.K,
	})
}

// writeH3 writes the compact form deck.gl's H3HexagonLayer takes:
// [{"h3":"89…","count":n}, …], with "value" too for another metric.
func writeH3(c echo.Context, cells []Cell, m metric) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(http.StatusOK)
	w := bufio.NewWriterSize(c.Response(), 32<<10)
	b := make([]byte, 0, 64)
	w.WriteByte('[')
	for i := range cells {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"h3":`...)
		b = append(b, '"')
		b = append(b, cells[i].H3...)
		b = append(b, '"')
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(cells[i].Count), 10)
		if m != metricCount {
			b = append(b, `,"value":`...)
			b = strconv.AppendInt(b, int64(cells[i].Value), 10)
		}
		b = append(b, '}')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	w.WriteString("]\n")
	return w.Flush()
}
