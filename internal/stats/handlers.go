package stats

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Handlers serve area statistics and rankings.
type Handlers struct {
	Pool    *pgxpool.Pool
	Weights *Weights         // the composite score's; nil: DefaultWeights
	Now     func() time.Time // nil: time.Now (tests pin it)

	cache measureCache
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group) {
	g.GET("/stats/areas", h.areas)
	g.GET("/rankings", h.rankings)
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handlers) weights() Weights {
	if h.Weights != nil {
		return *h.Weights
	}
	return DefaultWeights()
}

func wantsCSV(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/csv")
}

// AreaProps are the properties of an area's feature.
type AreaProps struct {
	Code   string  `json:"code"`
	Name   *string `json:"name"` // null: the code is no longer an area
	Level  string  `json:"level"`
	Parent *string `json:"parent"`
	Measures
}

// areas: GET /stats/areas?level=&parent=&from=&to=|month=&category=
func (h *Handlers) areas(c echo.Context) error {
	if err := httpx.CheckQuery(c, "level", "parent", "from", "to", "month", "category"); err != nil {
		return err
	}
	level, err := parseLevel(c, "grid", AreaLevels)
	if err != nil {
		return err
	}
	now := h.now()
	p, err := h.areaPeriod(c, now)
	if err != nil {
		return err
	}
	q := query{Level: level, Periods: []period{p}, Parent: c.QueryParam("parent"), Categories: parseCategories(c), Geometry: !wantsCSV(c)}
	ctx := c.Request().Context()
	if err := resolve(ctx, h.Pool, &q); err != nil {
		return err
	}
	m, err := h.cache.get(ctx, h.Pool, level)
	if err != nil {
		return err
	}
	if wantsCSV(c) {
		cw := newCSV(c, "stats-"+level+".csv", false)
		err := each(ctx, h.Pool, q, m, func(r row) error {
			return cw.write(RankRow{Code: r.Key, Name: r.Name, Parent: r.Parent, Measures: r.Counts.measures(r.AreaKm2, r.StreetKm)})
		})
		if err != nil {
			return err
		}
		return cw.close()
	}
	fw := httpx.NewFeatureWriter(c)
	err = each(ctx, h.Pool, q, m, func(r row) error {
		return fw.Write(httpx.Feature{ID: r.Key, Geometry: r.Geometry, Properties: AreaProps{
			Code: r.Key, Name: r.Name, Level: level, Parent: r.Parent, Measures: r.Counts.measures(r.AreaKm2, r.StreetKm)}})
	})
	if err != nil {
		return err
	}
	return fw.Close(map[string]any{"numberReturned": fw.Count(), "level": level, "period": p.public(),
		"parent": nullable(q.Parent), "category": orEmpty(q.Categories)})
}

// areaPeriod reads from/to or month; neither gives the current month so
// far.
func (h *Handlers) areaPeriod(c echo.Context, now time.Time) (period, error) {
	from, hasFrom, err := queryInstant(c, "from")
	if err != nil {
		return period{}, err
	}
	to, hasTo, err := queryInstant(c, "to")
	if err != nil {
		return period{}, err
	}
	if raw := c.QueryParam("month"); raw != "" {
		if hasFrom || hasTo {
			return period{}, httpx.Invalid("month", "give either month or from and to, not both")
		}
		start, err := parseMonth(raw)
		if err != nil {
			return period{}, err
		}
		if start.After(now) {
			return period{}, httpx.Invalid("month", raw+" has not begun yet")
		}
		return monthPeriod(start, now), nil
	}
	switch {
	case !hasFrom && !hasTo:
		n := now.In(Beijing)
		return monthPeriod(time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, Beijing), now), nil
	case !hasFrom:
		return period{}, httpx.Invalid("from", "is required with to")
	case !hasTo:
		return period{}, httpx.Invalid("to", "is required with from")
	case !from.Before(to):
		return period{}, httpx.Invalid("from", fmt.Sprintf("%s is not before to (%s)", from.Format(time.RFC3339), to.Format(time.RFC3339)))
	case from.After(now):
		return period{}, httpx.Invalid("from", from.Format(time.RFC3339)+" is in the future: nothing has been reported yet")
	}
	return period{From: from, To: to, AsOf: minTime(to, now)}, nil
}

// Ranking is the JSON answer of /rankings.
type Ranking struct {
	Level          string    `json:"level"`
	Month          string    `json:"month"`
	Period         Period    `json:"period"`
	PreviousMonth  string    `json:"previous_month"`
	PreviousPeriod Period    `json:"previous_period"`
	Parent         *string   `json:"parent"`
	Category       []string  `json:"category"`
	Role           *string   `json:"role"`
	Weights        Weights   `json:"weights"`
	Rows           []RankRow `json:"rows"`
	NumberReturned int       `json:"numberReturned"`
}

// rankings: GET /rankings?level=&month=&parent=&category=&role=
func (h *Handlers) rankings(c echo.Context) error {
	if err := httpx.CheckQuery(c, "level", "month", "parent", "category", "role"); err != nil {
		return err
	}
	level, err := parseLevel(c, "grid", Levels)
	if err != nil {
		return err
	}
	role, err := httpx.QueryEnum(c, "role", Roles...)
	if err != nil {
		return err
	}
	if role != "" && level != "person" {
		return httpx.Invalid("role", "only with level=person")
	}
	now := h.now()
	var start time.Time
	if raw := c.QueryParam("month"); raw != "" {
		if start, err = parseMonth(raw); err != nil {
			return err
		}
		if start.After(now) {
			return httpx.Invalid("month", raw+" has not begun yet: rank a month up to "+now.In(Beijing).Format("2006-01"))
		}
	} else {
		// the last complete month
		n := now.In(Beijing)
		start = time.Date(n.Year(), n.Month()-1, 1, 0, 0, 0, 0, Beijing)
	}
	cur, prev := monthPeriod(start, now), monthPeriod(start.AddDate(0, -1, 0), now)
	q := query{Level: level, Periods: []period{cur, prev}, Parent: c.QueryParam("parent"), Categories: parseCategories(c), Role: role}
	ctx := c.Request().Context()
	if err := resolve(ctx, h.Pool, &q); err != nil {
		return err
	}
	var m areaMeasures
	if isArea(level) {
		if m, err = h.cache.get(ctx, h.Pool, level); err != nil {
			return err
		}
	}
	var rows []row
	if err := each(ctx, h.Pool, q, m, func(r row) error { rows = append(rows, r); return nil }); err != nil {
		return err
	}
	w := h.weights()
	out := ranking(level, w, rows)
	if wantsCSV(c) {
		cw := newCSV(c, "ranking-"+level+"-"+start.Format("2006-01")+".csv", true)
		for _, r := range out {
			if err := cw.write(r); err != nil {
				return err
			}
		}
		return cw.close()
	}
	return c.JSON(http.StatusOK, Ranking{
		Level: level, Month: start.Format("2006-01"), Period: cur.public(),
		PreviousMonth: prev.From.In(Beijing).Format("2006-01"), PreviousPeriod: prev.public(),
		Parent: nullable(q.Parent), Category: orEmpty(q.Categories), Role: nullable(role), Weights: w,
		Rows: out, NumberReturned: len(out),
	})
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
