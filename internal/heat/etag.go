package heat

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// answerFormat changes whenever what a response holds for the same inputs
// changes, so that old ETags stop matching after an upgrade.
const answerFormat = "heat/1"

// etag is a strong ETag over everything an answer depends on: the endpoint,
// its resolved parameters (window, resolution, filters, options), the data
// version and the latest deadline passed (the overdue problems change when
// a deadline passes, with no write).
func etag(endpoint string, f Filter, st state, opts ...any) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%q|%q|%d|%d|", answerFormat, endpoint, f.Res, f.Category, f.Source, f.From.UnixMicro(), f.To.UnixMicro())
	if f.BBox != nil {
		fmt.Fprintf(h, "%v|", *f.BBox)
	}
	fmt.Fprintf(h, "v%s|", st.Version)
	if st.Deadline != nil {
		fmt.Fprintf(h, "d%d|", st.Deadline.UnixMicro())
	}
	for _, o := range opts {
		fmt.Fprintf(h, "%v|", o)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// notModified sets the ETag and answers 304 when the request's
// If-None-Match holds it (weak comparison, as RFC 9110 asks for GET).
func notModified(c echo.Context, tag string) bool {
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "no-cache")
	for _, t := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			c.Response().WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
