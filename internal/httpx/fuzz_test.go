package httpx

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// FuzzParseBBox: any text is a box within range with min ≤ max, or a 400
// naming the parameter; never a panic.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"116.28,37.42,116.32,37.46", "1;2;3;4", "1,2,3", "-180,-90,180,90", "NaN,0,1,1", "1e309,0,1,1", " 1 , 2 ,3,4", ",,,", "0x1p-2,0,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		b, err := ParseBBox("bbox", raw)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Status != http.StatusBadRequest || p.Errors[0].Field != "bbox" {
				t.Fatalf("%q: error %v is not a 400 naming bbox", raw, err)
			}
			return
		}
		for _, v := range []float64{b.MinLon, b.MinLat, b.MaxLon, b.MaxLat} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%q: accepted a non-finite %v", raw, b)
			}
		}
		if b.MinLon > b.MaxLon || b.MinLat > b.MaxLat || b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90 {
			t.Fatalf("%q: accepted %+v", raw, b)
		}
		if strings.Count(raw, ",") != 3 {
			t.Fatalf("%q: accepted without exactly four comma-separated values", raw)
		}
	})
}

// FuzzParseTime: a time is accepted only with its zone, and then formats
// back to an instant that parses to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-09-11T08:30:00+08:00", "2026-09-11T00:30:00Z", "2026-09-11", "2026-09-11 08:30:00", "9999-12-31T23:59:59.999999999-23:59", "0000-01-01T00:00:00Z", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tm, reason := ParseTime(raw)
		if reason != "" {
			if !tm.IsZero() {
				t.Fatalf("%q: refused (%s) but returned %v", raw, reason, tm)
			}
			return
		}
		back, err := time.Parse(time.RFC3339Nano, tm.Format(time.RFC3339Nano))
		if err == nil && !back.Equal(tm) {
			t.Fatalf("%q: %v does not round-trip (%v)", raw, tm, back)
		}
	})
}

// fuzzBody is a body like the report's: text, numbers, a nested object, a
// list and a raw GeoJSON geometry.
type fuzzBody struct {
	Name     string   `json:"name"`
	Lon      *float64 `json:"lon"`
	Photos   []string `json:"photos"`
	Reporter *struct {
		Phone string `json:"phone"`
	} `json:"reporter"`
	Title    Opt[string]     `json:"title"`
	Geometry json.RawMessage `json:"geometry"`
}

// FuzzDecodeJSON: a body is decoded with every string storable, or refused
// with a 4xx problem; never a panic or a server error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"张伟","lon":116.3,"photos":["https://a/b"],"reporter":{"phone":"1"},"title":null}`,
		`{"name":"a\u0000b"}`, `{"geometry":{"type":"Point","coordinates":[116.3,37.4]}}`, `{"geometry":{"type":"Point","coordinates":["\u0000"]}}`,
		`{"lon":1e999}`, `{"lon":"x"}`, `[]`, `{} {}`, `{"unknown":1}`, ``, `{"name":"\ud800"}`} {
		f.Add(s)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, "application/json")
		c := e.NewContext(req, httptest.NewRecorder())
		var b fuzzBody
		err := DecodeJSON(c, &b)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Status < 400 || p.Status >= 500 {
				t.Fatalf("%q: %v is not a 4xx problem", body, err)
			}
			return
		}
		if field, reason := unstorable(&b); reason != "" {
			t.Fatalf("%q: accepted %s that %s", body, field, reason)
		}
	})
}
