package httpx

// Request checks that every route gets without asking: the query string
// and path parameters must be text PostgreSQL can store, and the query
// string must parse.

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// CheckInput is middleware (installed by New, after routing) refusing with
// a 400 naming the parameter: a query string that does not parse (a ";"
// separator, a bad %-escape: Go's parser drops such pairs silently, so
// "bbox=1;2;3;4" would otherwise be no bbox at all), and a query or path
// parameter with a NUL character or bytes that are not UTF-8.
func CheckInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkQueryString(c.Request().URL.RawQuery); err != nil {
			return err
		}
		for k, vs := range c.QueryParams() {
			if r := textReason(k); r != "" {
				return Invalid(k, "parameter name "+r)
			}
			for _, v := range vs {
				if r := textReason(v); r != "" {
					return Invalid(k, r)
				}
			}
		}
		for i, name := range c.ParamNames() {
			if i >= len(c.ParamValues()) {
				break
			}
			raw := c.ParamValues()[i]
			v, err := url.PathUnescape(raw)
			if err != nil {
				v = raw
			}
			if r := textReason(v); r != "" {
				return Invalid(name, r)
			}
		}
		return next(c)
	}
}

// checkQueryString is nil when raw parses as a query string, else a 400
// naming the first pair that does not.
func checkQueryString(raw string) error {
	if raw == "" {
		return nil
	}
	if _, err := url.ParseQuery(raw); err == nil {
		return nil
	}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		field := name
		if n, err := url.QueryUnescape(name); err == nil {
			field = n
		}
		if strings.Contains(pair, ";") {
			f, _, _ := strings.Cut(field, ";")
			return Invalid(f, `";" is not a separator of query parameters: use "&" between parameters and "," inside bbox`)
		}
		if _, err := url.QueryUnescape(name); err != nil {
			return Invalid("query", "a parameter name has a malformed %-escape")
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return Invalid(field, "malformed %-escape in the value")
		}
	}
	return Invalid("query", "the query string does not parse")
}

// HeadAsGet is a pre-routing middleware that answers HEAD on every GET
// route: the request is routed and handled as a GET, and the body is
// dropped while status and headers go out as they would for the GET.
func HeadAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		req.Method = http.MethodGet
		c.Set(headKey, true) // logged and counted as the HEAD it was
		res := c.Response()
		res.Writer = &headWriter{ResponseWriter: res.Writer}
		return next(c)
	}
}

// headKey marks a request HeadAsGet turned into a GET.
const headKey = "gridkeeper.head"

// method is the request's method as the client sent it.
func method(c echo.Context) string {
	if head, _ := c.Get(headKey).(bool); head {
		return http.MethodHead
	}
	return c.Request().Method
}

// headWriter sends headers and drops the body.
type headWriter struct{ http.ResponseWriter }

func (w *headWriter) Write(b []byte) (int, error) { return len(b), nil }

func (w *headWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
