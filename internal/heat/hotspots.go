package heat

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/hotspot"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// binDays is the length of a trend bin.
const binDays = 7

// minBins is the fewest bins a trend is computed over (the Mann-Kendall
// test needs two; ArcGIS asks for ten, and the emerging classes are meant
// for ten or more).
const minBins = 2

// Spot is one cell of a hot spot map.
type Spot struct {
	H3         string  `json:"h3"`
	Count      int     `json:"count"`      // problems in the window
	Z          float64 `json:"z"`          // Gi* z-score
	P          float64 `json:"p"`          // its two-sided p-value
	PFDR       float64 `json:"p_fdr"`      // Benjamini-Hochberg adjusted p-value over the study area
	Confidence int     `json:"confidence"` // −3…3: cold/hot at 99, 95, 90 % after the FDR correction (ArcGIS Gi_Bin)
	Class      string  `json:"class"`      // hot_99 … cold_90, not_significant
	Neighbours int     `json:"neighbours"` // the cell and its ring inside the study area (Σ w_ij)
}

// TrendSpot is a Spot with its emerging hot spot class.
type TrendSpot struct {
	Spot
	Pattern      string  `json:"pattern"`       // new_hot_spot, consecutive_hot_spot, … no_pattern
	PatternLabel string  `json:"pattern_label"` // ArcGIS's name: "New Hot Spot"
	HotBins      int     `json:"hot_bins"`      // bins that were significant hot spots (90 %)
	ColdBins     int     `json:"cold_bins"`
	MKZ          float64 `json:"mk_z"` // Mann-Kendall test of the bins' Gi* z-scores
	MKP          float64 `json:"mk_p"`
	MKTau        float64 `json:"mk_tau"`
	Trend        int     `json:"trend"` // +1 rising, −1 falling (p ≤ 0.05), 0 none
	cell         int64
}

// binner counts problems per cell and per bin of binDays Beijing days
// starting at day first.
type binner struct {
	res   int
	first int32
	bins  int
	index map[int64]int32
	cells []int64
	x     []float64 // x[i*bins+t]
}

func (b *binner) Add(cell int64, _ []byte, day, n, _ int32) {
	p := parent(cell, b.res)
	i, ok := b.index[p]
	if !ok {
		i = int32(len(b.cells))
		b.index[p] = i
		b.cells = append(b.cells, p)
		b.x = append(b.x, make([]float64, b.bins)...)
	}
	t := 0
	if b.bins > 1 {
		t = int(day-b.first) / binDays
	}
	b.x[int(i)*b.bins+t] += float64(n)
}

// hotspotOptions are the hot spot map's own parameters.
type hotspotOptions struct {
	Trend bool
	Level hotspot.Confidence // only cells at least this significant (or with a pattern); 0: all
}

// trendWindow snaps w to whole bins for a trend: to up to midnight, from
// forward so that whole bins of binDays days fill the window; it returns
// the number of bins.
func trendWindow(w Window) (Window, int) {
	to := midnight(w.To)
	if to.Before(w.To) {
		to = to.AddDate(0, 0, 1)
	}
	from := midnight(w.From)
	if from.Before(w.From) {
		from = from.AddDate(0, 0, 1)
	}
	n := int(dayNum(to)-dayNum(from)) / binDays
	return Window{From: to.AddDate(0, 0, -n*binDays), To: to}, n
}

// hotspotCells computes the map: Gi* over the window's counts, and with
// opt.Trend the emerging class of each cell over the bins.
func hotspotCells(ctx context.Context, r *reader, bins int, opt hotspotOptions) ([]TrendSpot, int, error) {
	b := &binner{res: r.f.Res, first: dayNum(r.f.From), bins: bins, index: make(map[int64]int32, 4096)}
	if err := r.Counted(ctx, b.Add); err != nil {
		return nil, 0, err
	}
	if len(b.cells) == 0 {
		return nil, 0, nil
	}
	s, err := hotspot.NewStudy(hotspot.StudyArea(b.cells))
	if err != nil {
		return nil, 0, fmt.Errorf("hot spots: %w", err)
	}
	n := s.Len()
	totals := make([]float64, n)
	var cube *hotspot.Cube
	if opt.Trend {
		cube = &hotspot.Cube{Study: s, Bins: make([][]float64, bins)}
		for t := range cube.Bins {
			cube.Bins[t] = make([]float64, n)
		}
	}
	for i, c := range b.cells {
		j, _ := s.Index(c)
		for t := range bins {
			v := b.x[i*bins+t]
			totals[j] += v
			if cube != nil {
				cube.Bins[t][j] = v
			}
		}
	}
	res := s.GiStar(totals)
	zs, ps := make([]float64, n), make([]float64, n)
	for i, rr := range res {
		zs[i], ps[i] = rr.Z, rr.P
	}
	classes := hotspot.ClassifyFDR(zs, ps)
	adjusted := hotspot.BHAdjust(ps)
	var trends []hotspot.Trend
	if cube != nil {
		trends = cube.Emerging(hotspot.DefaultTrendOptions)
	}
	minLevel := hotspot.DefaultTrendOptions.MinLevel
	out := make([]TrendSpot, 0, n)
	for i, c := range s.Cells() {
		sp := TrendSpot{cell: c, Spot: Spot{
			H3: cellString(c), Count: int(totals[i]), Z: finite(zs[i]), P: finite(ps[i]), PFDR: finite(adjusted[i]),
			Confidence: int(classes[i]), Class: className(classes[i]), Neighbours: res[i].N,
		}}
		keep := opt.Level == 0 || classes[i] >= opt.Level || classes[i] <= -opt.Level
		if trends != nil {
			tr := trends[i]
			sp.Pattern, sp.PatternLabel = tr.Pattern.Key(), tr.Pattern.String()
			for _, bc := range tr.Bins {
				switch {
				case bc >= minLevel:
					sp.HotBins++
				case bc <= -minLevel:
					sp.ColdBins++
				}
			}
			sp.MKZ, sp.MKP, sp.MKTau, sp.Trend = finite(tr.MK.Z), finite(tr.MK.P), finite(tr.MK.Tau), tr.MK.Trend
			keep = keep || tr.Pattern != hotspot.NoPattern
		}
		if keep {
			out = append(out, sp)
		}
	}
	return out, n, nil
}

func className(c hotspot.Confidence) string {
	switch {
	case c > 0:
		return fmt.Sprintf("hot_%d", []int{90, 95, 99}[c-1])
	case c < 0:
		return fmt.Sprintf("cold_%d", []int{90, 95, 99}[-c-1])
	}
	return "not_significant"
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func (h *Handlers) hotspots(c echo.Context) error {
	if err := httpx.CheckQuery(c, "res", "category", "source", "from", "to", "bbox", "bins", "trend", "level"); err != nil {
		return err
	}
	f, err := parseFilter(c, h.now())
	if err != nil {
		return err
	}
	if _, err := httpx.QueryEnum(c, "bins", "week"); err != nil {
		return err
	}
	var opt hotspotOptions
	if opt.Trend, err = queryBool(c, "trend"); err != nil {
		return err
	}
	switch lv := c.QueryParam("level"); lv {
	case "":
	case "90", "95", "99":
		opt.Level = map[string]hotspot.Confidence{"90": hotspot.Hot90, "95": hotspot.Hot95, "99": hotspot.Hot99}[lv]
	default:
		return httpx.Invalid("level", fmt.Sprintf("%q is not a confidence level: 90, 95 or 99", lv))
	}
	bins := 1
	if opt.Trend {
		if f.Window, bins = trendWindow(f.Window); bins < minBins {
			return httpx.Invalid("from", fmt.Sprintf("trend=true needs at least %d whole %d-day bins between from and to", minBins, binDays))
		}
	}
	ctx := c.Request().Context()
	tx, st, err := h.begin(ctx, &f)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	st.Deadline = nil // hot spots do not depend on deadlines
	if notModified(c, etag("hotspots", f, st, opt.Trend, opt.Level, bins)) {
		return nil
	}
	r, err := newReader(tx, f, st.Now)
	if err != nil {
		return err
	}
	r.noRollup = h.noRollup
	spots, studyCells, err := hotspotCells(ctx, r, bins, opt)
	if err != nil {
		return err
	}
	fw := httpx.NewFeatureWriter(c)
	var geom []byte
	for i := range spots {
		if geom, err = appendPolygon(geom[:0], spots[i].cell); err != nil {
			return err
		}
		var props any = &spots[i].Spot
		if opt.Trend {
			props = &spots[i]
		}
		if err := fw.Write(httpx.Feature{ID: spots[i].H3, Geometry: geom, Properties: props}); err != nil {
			return err
		}
	}
	extra := map[string]any{
		"numberReturned": fw.Count(),
		"resolution":     f.Res,
		"from":           f.From.In(beijing).Format(time.RFC3339),
		"to":             f.To.In(beijing).Format(time.RFC3339),
		"study_cells":    studyCells,
		"weights":        "binary, the cell and its first ring (k=1)",
		"fdr":            "Benjamini-Hochberg over the study area at q = 0.10, 0.05, 0.01",
	}
	if opt.Trend {
		extra["bins"] = map[string]any{"count": bins, "days": binDays, "time_step": hotspot.DefaultTrendOptions.TimeStep}
	}
	return fw.Close(extra)
}
