package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// FuzzParseCursor: a cursor is refused or decodes to a position whose
// next-link form decodes to the same position.
func FuzzParseCursor(f *testing.F) {
	f.Add(Cursor{time.Date(2026, 10, 12, 8, 31, 5, 0, time.UTC), 123}.String())
	for _, s := range []string{"", "x", "MjAyNi0xMC0xMlQwODozMTowNVp8MTIz", "fA", "MjAyNnw", "====", "AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, ok := ParseCursor(raw)
		if !ok {
			return
		}
		back, ok := ParseCursor(c.String())
		if !ok || !back.ReportedAt.Equal(c.ReportedAt) || back.ID != c.ID {
			t.Fatalf("%q → %+v → %q → %+v", raw, c, c.String(), back)
		}
	})
}

// FuzzReportBody: a report body (lon/lat or a GeoJSON Point) is decoded and
// validated into a report with coordinates in range and text the database
// can store, or refused with a 4xx naming a field; never a panic.
func FuzzReportBody(f *testing.F) {
	for _, s := range []string{
		`{"category":"E01-10","description":"人行道上有暴露垃圾","lon":116.3,"lat":37.45,"source":"patrol"}`,
		`{"category":"E01-10","location":{"type":"Point","coordinates":[116.3,37.45]},"source":"citizen","reporter":{"name":"王","phone":"138"}}`,
		`{"category":"E01-10","location":{"type":"Point","coordinates":[116.3]},"source":"patrol"}`,
		`{"category":"E01-10","lon":37.45,"lat":116.3,"source":"patrol"}`,
		`{"category":"\u0000","lon":1,"lat":1,"source":"patrol"}`,
		`{"category":"x","lon":1e400,"lat":1,"source":"patrol"}`,
		`{"category":"x","lon":1,"lat":1,"source":"patrol","reported_at":"2026-09-11"}`,
		`{"category":"x","lon":1,"lat":1,"source":"patrol","photos":["javascript:alert(1)"]}`,
	} {
		f.Add(s)
	}
	e := echo.New()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, "application/json")
		c := e.NewContext(req, httptest.NewRecorder())
		var b reportBody
		if err := httpx.DecodeJSON(c, &b); err != nil {
			var p *httpx.Problem
			if !errors.As(err, &p) || p.Status >= 500 {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		r, errs := b.validate(now)
		if len(errs) > 0 {
			return
		}
		if !(r.Lon >= -180 && r.Lon <= 180 && r.Lat >= -90 && r.Lat <= 90) {
			t.Fatalf("%q: accepted %v, %v", body, r.Lon, r.Lat)
		}
		for _, s := range append([]string{r.Category, r.Description, r.Address, r.Source, r.SourceRef, r.ReporterName, r.ReporterPhone}, r.Photos...) {
			if httpx.TextReason(s) != "" {
				t.Fatalf("%q: accepted unstorable text %q", body, s)
			}
		}
		if r.ReportedAt.After(now.Add(clockSkew)) {
			t.Fatalf("%q: accepted a future time %v", body, r.ReportedAt)
		}
	})
}
