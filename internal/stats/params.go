package stats

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Beijing is the zone months and dates are counted in (China keeps no
// daylight saving time, so a fixed +08:00 is exact).
var Beijing = time.FixedZone("UTC+8", 8*3600)

var (
	monthPattern = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])$`)
	codePattern  = regexp.MustCompile(`^[0-9]{6}([0-9]{3}){0,3}$`)
)

// parseMonth reads YYYY-MM as the first instant of that month in Beijing.
func parseMonth(raw string) (time.Time, error) {
	if !monthPattern.MatchString(raw) {
		return time.Time{}, httpx.Invalid("month", fmt.Sprintf("%q is not a month: write it as YYYY-MM, e.g. 2026-10", raw))
	}
	t, _ := time.ParseInLocation("2006-01", raw, Beijing)
	return t, nil
}

// queryInstant reads an RFC 3339 time, or a date (YYYY-MM-DD) taken as
// midnight in Beijing.
func queryInstant(c echo.Context, name string) (t time.Time, ok bool, err error) {
	raw := strings.TrimSpace(c.QueryParam(name))
	if raw == "" {
		return t, false, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", raw, Beijing); err == nil {
		return d, true, nil
	}
	t, reason := httpx.ParseTime(raw)
	if reason != "" {
		return t, false, httpx.Invalid(name, reason+" (or a date, 2026-10-01, taken as midnight in Beijing)")
	}
	return t, true, nil
}

// monthPeriod is the month starting at start, evaluated at min(end, now).
func monthPeriod(start, now time.Time) period {
	end := start.AddDate(0, 1, 0)
	return period{From: start, To: end, AsOf: minTime(end, now)}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// parseLevel reads level from allowed, with a default.
func parseLevel(c echo.Context, def string, allowed []string) (string, error) {
	level, err := httpx.QueryEnum(c, "level", allowed...)
	if err != nil || level != "" {
		return level, err
	}
	return def, nil
}

// parseCategories reads a comma-separated list of category codes; nil when
// absent.
func parseCategories(c echo.Context) []string {
	raw := c.QueryParam("category")
	if raw == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var levelOrder = map[string]int{"city": 0, "district": 1, "subdistrict": 2, "community": 3, "grid": 4}

// resolve checks q's parent and categories against the database in one
// round trip: an unknown parent is a 404 naming parent (as on
// /api/v1/areas), a parent at or below the level a 400, an unknown
// category a 400 naming category.
func resolve(ctx context.Context, pool *pgxpool.Pool, q *query) error {
	if q.Parent != "" && !codePattern.MatchString(q.Parent) {
		return httpx.Invalid("parent", fmt.Sprintf("%q is not an area code: 6, 9, 12 or 15 digits", q.Parent))
	}
	var parentLevel *string
	var unknown []string
	err := pool.QueryRow(ctx, `SELECT (SELECT level::text FROM areas WHERE code = $1),
		ARRAY(SELECT x FROM unnest($2::text[]) x WHERE NOT EXISTS (SELECT FROM categories c WHERE c.code = x))`,
		q.Parent, q.Categories).Scan(&parentLevel, &unknown)
	if err != nil {
		return fmt.Errorf("check parent and categories: %w", err)
	}
	if q.Parent != "" {
		if parentLevel == nil {
			p := httpx.NotFound("no area with code " + q.Parent)
			p.Errors = []httpx.FieldError{{Field: "parent", Reason: "unknown area code " + q.Parent}}
			return p
		}
		q.ParentLevel = *parentLevel
		if isArea(q.Level) && levelOrder[q.ParentLevel] >= levelOrder[q.Level] {
			return httpx.Invalid("parent", fmt.Sprintf("%s is a %s: there is no %s below it", q.Parent, q.ParentLevel, q.Level))
		}
	}
	if len(unknown) > 0 {
		return httpx.Invalid("category", "no category "+strings.Join(unknown, ", ")+" (see /api/v1/categories)")
	}
	return nil
}
