package httpx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// BBox is a lon/lat bounding box in EPSG:4326.
type BBox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

// QueryBBox parses the bbox query parameter "minLon,minLat,maxLon,maxLat".
// ok is false when it is absent.
func QueryBBox(c echo.Context, name string) (b BBox, ok bool, err error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return b, false, nil
	}
	b, err = ParseBBox(name, raw)
	return b, err == nil, err
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat": exactly four
// comma-separated finite numbers within lon/lat range, min before max. The
// error is a 400 naming the parameter name.
func ParseBBox(name, raw string) (BBox, error) {
	parts := strings.Split(raw, ",")
	if len(parts) != 4 {
		return BBox{}, Invalid(name, "want four comma-separated numbers minLon,minLat,maxLon,maxLat")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return BBox{}, Invalid(name, fmt.Sprintf("value %d (%q) is not a finite number", i+1, p))
		}
		v[i] = f
	}
	b := BBox{v[0], v[1], v[2], v[3]}
	switch {
	case b.MinLon < -180 || b.MaxLon > 180:
		return BBox{}, Invalid(name, "longitudes must lie in [-180, 180]")
	case b.MinLat < -90 || b.MaxLat > 90:
		return BBox{}, Invalid(name, "latitudes must lie in [-90, 90]")
	case b.MinLon > b.MaxLon:
		return BBox{}, Invalid(name, "minLon is greater than maxLon")
	case b.MinLat > b.MaxLat:
		return BBox{}, Invalid(name, "minLat is greater than maxLat")
	}
	return b, nil
}

// QueryFloat parses a required number in [min, max].
func QueryFloat(c echo.Context, name string, min, max float64) (float64, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0, Invalid(name, "is required")
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, Invalid(name, fmt.Sprintf("%q is not a number", raw))
	}
	if f < min || f > max {
		return 0, Invalid(name, fmt.Sprintf("%g is outside [%g, %g]", f, min, max))
	}
	return f, nil
}

// QueryEnum parses an optional value from allowed; "" when absent.
func QueryEnum(c echo.Context, name string, allowed ...string) (string, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return "", nil
	}
	for _, a := range allowed {
		if raw == a {
			return raw, nil
		}
	}
	return "", Invalid(name, fmt.Sprintf("%q is not one of %s", raw, strings.Join(allowed, ", ")))
}

// CheckQuery refuses query parameters the endpoint does not know, so that
// a misspelt filter is an error instead of a silently unfiltered answer.
func CheckQuery(c echo.Context, known ...string) error {
	for k := range c.QueryParams() {
		found := false
		for _, n := range known {
			if k == n {
				found = true
				break
			}
		}
		if !found {
			return Invalid(k, "unknown query parameter; this endpoint takes "+strings.Join(known, ", "))
		}
	}
	return nil
}

// ParseTime reads an RFC 3339 time that names its zone ("Z" or an
// offset); a time without a zone is ambiguous and refused with a reason.
func ParseTime(s string) (time.Time, string) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err == nil {
		return t, ""
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if _, e := time.Parse(layout, strings.TrimSpace(s)); e == nil {
			return time.Time{}, fmt.Sprintf("%q has no time zone: write it as RFC 3339 with an offset, e.g. 2026-09-11T08:30:00+08:00", s)
		}
	}
	return time.Time{}, fmt.Sprintf("%q is not an RFC 3339 time such as 2026-09-11T08:30:00+08:00", s)
}

// QueryTime parses an optional RFC 3339 query parameter; ok is false when
// it is absent.
func QueryTime(c echo.Context, name string) (t time.Time, ok bool, err error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return t, false, nil
	}
	t, reason := ParseTime(raw)
	if reason != "" {
		return t, false, Invalid(name, reason)
	}
	return t, true, nil
}
