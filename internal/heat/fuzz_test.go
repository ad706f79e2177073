package heat

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// FuzzParseFilter: any res, from, to and bbox give a window with from
// before to and a resolution in range, or a 400 naming a parameter.
func FuzzParseFilter(f *testing.F) {
	f.Add("9", "2026-07", "2026-09", "116.28,37.42,116.32,37.46")
	f.Add("", "2026-09-11", "2026-10-11T00:00:00+08:00", "")
	f.Add("13", "2026-13", "x", "1;2;3;4")
	f.Add("5", "9999-12", "0000-01", "-180,-90,180,90")
	f.Add("-1", "2026-02-30", "2026-02-29", "NaN,1,2,3")
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	e := echo.New()
	f.Fuzz(func(t *testing.T, res, from, to, bbox string) {
		q := url.Values{}
		for k, v := range map[string]string{"res": res, "from": from, "to": to, "bbox": bbox} {
			if v != "" {
				q.Set(k, v)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/?"+q.Encode(), nil)
		c := e.NewContext(req, httptest.NewRecorder())
		flt, err := parseFilter(c, now)
		if err != nil {
			var p *httpx.Problem
			if !errors.As(err, &p) || p.Status != http.StatusBadRequest || len(p.Errors) == 0 {
				t.Fatalf("%v: %v is not a 400 naming a parameter", q, err)
			}
			return
		}
		if flt.Res != 0 && (flt.Res < MinRes || flt.Res > MaxRes) {
			t.Fatalf("%v: res %d", q, flt.Res)
		}
		if !flt.From.Before(flt.To) {
			t.Fatalf("%v: window %v – %v is empty", q, flt.From, flt.To)
		}
	})
}
