package hotline_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/hotline"
)

// north is the latitude m metres north of 37.15 (grid 001).
func north(m float64) float64 { return 37.15 + m/111_000 }

func dog(ticket, at string, lat float64, closedAt string) string {
	status := "处理中"
	if closedAt != "" {
		status = "已办结"
	}
	return fmt.Sprintf("%s,%s,T-DOG,116.05,%.7f,,,%s,%s\n", ticket, at, lat, status, closedAt)
}

func TestRecurrencesAreLinkedWithinAFileAndToStoredProblems(t *testing.T) {
	d := setup(t)
	// T-DOG recurs within 50 m and 90 days (the category defaults).
	first := header +
		dog("A", "2026-09-01 09:00:00+08:00", north(0), "2026-09-01 10:00:00+08:00") +
		dog("B", "2026-09-05 09:00:00+08:00", north(10), "2026-09-05 12:00:00+08:00") + // recurs on A
		dog("C", "2026-09-06 09:00:00+08:00", north(20), "") + // on B, the most recently closed
		dog("D", "2026-09-06 09:00:00+08:00", north(200), "") + // too far
		dog("E", "2026-09-01 09:30:00+08:00", north(5), "") + // A was still open
		"F,2026-09-06 09:00:00+08:00,T-ROAD,116.05,37.1500450,,,处理中,\n" + // another category
		dog("G", "2026-12-31 09:00:00+08:00", north(0), "") // more than 90 days after B closed
	later := func() time.Time { return time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC) }
	if res := mustImport(t, d, first, hotline.Options{Now: later}); res.Imported != 7 || res.Recurrences != 2 {
		t.Fatalf("%+v", res)
	}
	id := func(ticket string) int64 { return get(t, d.Pool, "source_ref = $1", ticket).ID }
	want := map[string]string{"A": "", "B": "A", "C": "B", "D": "", "E": "", "F": "", "G": ""}
	check := func(want map[string]string) {
		t.Helper()
		for ticket, of := range want {
			got := get(t, d.Pool, "source_ref = $1", ticket).RecursOf
			switch {
			case of == "" && got != nil:
				t.Errorf("%s recurs of %d, want none", ticket, *got)
			case of != "" && (got == nil || *got != id(of)):
				t.Errorf("%s recurs of %v, want %s (%d)", ticket, got, of, id(of))
			}
		}
	}
	check(want)
	// A later file links to what is stored.
	mustImport(t, d, header+dog("H", "2026-09-20 09:00:00+08:00", north(-15), "")+dog("I", "2026-09-20 09:00:00+08:00", north(40), ""), hotline.Options{})
	check(map[string]string{"H": "B", "I": "B"})
}

func TestChainPositionsPutTheFirstInLineLinkFirst(t *testing.T) {
	all := 1<<7 - 1
	for _, tc := range []struct {
		mask, first int
		want        [7]int
	}{
		{all, 1, [7]int{1, 2, 3, 4, 5, 6, 7}},
		{all, 2, [7]int{2, 1, 3, 4, 5, 6, 7}},
		{all, 3, [7]int{2, 3, 1, 4, 5, 6, 7}},
		{all, 7, [7]int{2, 3, 4, 5, 6, 7, 1}},
		{0b1111110, 1, [7]int{0, 1, 2, 3, 4, 5, 6}}, // no frontage: the street leads
		{0b1111101, 2, [7]int{1, 0, 2, 3, 4, 5, 6}}, // no street: the default order
		{0b1000010, 3, [7]int{0, 1, 0, 0, 0, 0, 2}}, // outside every area, near a street
		{0b1000000, 7, [7]int{0, 0, 0, 0, 0, 0, 1}}, // only the department
	} {
		if got := hotline.Positions(tc.mask, tc.first); got != tc.want {
			t.Errorf("mask %07b first %d: %v, want %v", tc.mask, tc.first, got, tc.want)
		}
	}
}
