package tiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
)

// tileFormat changes whenever what a tile holds for the same inputs
// changes, so that old ETags stop matching after an upgrade.
const tileFormat = "tiles/1"

// ETag is the strong ETag of a tile: its layer, address and filter, and
// the state of the rows it is cut from (see the package comment).
func ETag(ctx context.Context, pool *pgxpool.Pool, l Layer, t Tile, f Filter) (string, error) {
	dep, err := dependency(ctx, pool, l, t)
	if err != nil {
		return "", fmt.Errorf("tile %s/%d/%d/%d: version: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d/%d/%d|%s|%s", tileFormat, l.Name, t.Z, t.X, t.Y, f.query(), dep)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, nil
}

// dependency reads what the tile depends on, as text.
func dependency(ctx context.Context, pool *pgxpool.Pool, l Layer, t Tile) (string, error) {
	switch l.kind {
	case kindProblem, kindHeat:
		x0, x1, y0, y1 := cover14(t)
		var sum string
		err := pool.QueryRow(ctx, problemVersionSQL, x0, x1, y0, y1).Scan(&sum)
		return "p" + sum, err
	case kindFrontage:
		var n int64
		var at time.Time
		var duties string
		err := pool.QueryRow(ctx, frontageVersionSQL, t.Z, t.X, t.Y).Scan(&n, &at, &duties)
		return fmt.Sprintf("f%d:%d:%s", n, at.UnixMicro(), duties), err
	default:
		sql, args := streetVersionSQL, []any{t.Z, t.X, t.Y}
		if l.kind == kindArea {
			sql, args = areaVersionSQL, append(args, l.level)
		}
		var n int64
		var at time.Time
		err := pool.QueryRow(ctx, sql, args...).Scan(&n, &at)
		return fmt.Sprintf("a%d:%d", n, at.UnixMicro()), err
	}
}

// cover14 is the range of zoom-14 tiles that t covers, widened by one
// each way for the points its buffer shows from the tiles around it.
func cover14(t Tile) (x0, x1, y0, y1 int) {
	if t.Z >= 14 {
		s := uint(t.Z - 14)
		x0, y0 = t.X>>s, t.Y>>s
		x1, y1 = x0, y0
	} else {
		s := uint(14 - t.Z)
		x0, y0 = t.X<<s, t.Y<<s
		x1, y1 = x0+(1<<s)-1, y0+(1<<s)-1
	}
	return max(x0-1, 0), min(x1+1, 16383), max(y0-1, 0), min(y1+1, 16383)
}

// notModified sets the ETag and caching headers and answers 304 when the
// request's If-None-Match holds the tag (weak comparison, RFC 9110 §13.1.2).
func notModified(c echo.Context, tag string) bool {
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "no-cache")
	for _, v := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == tag || v == "*" {
			c.Response().WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
