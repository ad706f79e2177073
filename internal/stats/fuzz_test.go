package stats

import (
	"testing"
	"time"
)

// FuzzParseMonth: a month is accepted only as YYYY-MM and is then the
// first instant of that month in Beijing, formatting back to the input.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-10", "2026-13", "2026-1", "0000-01", "9999-12", "2026-10-01", " 2026-10", "２０２６-10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := parseMonth(raw)
		if err != nil {
			return
		}
		if m.In(Beijing).Format("2006-01") != raw || m.In(Beijing).Day() != 1 || m.In(Beijing).Hour() != 0 {
			t.Fatalf("%q → %v", raw, m)
		}
		if _, err := time.Parse("2006-01", raw); err != nil {
			t.Fatalf("%q accepted but not a month: %v", raw, err)
		}
	})
}
