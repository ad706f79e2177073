package heat

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

func TestParentAndDescendantsAgreeWithH3(t *testing.T) {
	for _, ll := range []h3.LatLng{{Lat: 37.45, Lng: 116.3}, {Lat: -33.9, Lng: 151.2}, {Lat: 64.7, Lng: 10.5}} {
		c15, err := h3.LatLngToCell(ll, 15)
		if err != nil {
			t.Fatal(err)
		}
		for res := MinRes; res <= 15; res++ {
			want, _ := c15.Parent(res)
			if got := parent(int64(c15), res); got != int64(want) {
				t.Fatalf("parent(%s, %d) = %x, want %s", c15, res, got, want)
			}
			for _, to := range []int{rollupRes, 15} {
				if to < res {
					continue
				}
				lo, hi := descendants(int64(want), to)
				kids, _ := want.Children(min(to, res+2))
				for _, k := range kids {
					first, _ := k.CenterChild(to)
					if int64(first) < lo || int64(first) > hi {
						t.Fatalf("%s: descendant %s of %s outside [%x, %x]", want, first, k, lo, hi)
					}
				}
				if p := parent(lo, res); p != int64(want) {
					t.Fatalf("%s: lo %x has parent %x", want, lo, p)
				}
			}
		}
	}
}

// The rollup's entries name a res-10 cell by its area (res 6) and digits
// 7-10 ((h3_15 >> 15) & 4095 in SQL).
func TestEntryCellsAreTheRes10Parents(t *testing.T) {
	for _, ll := range []h3.LatLng{{Lat: 37.45, Lng: 116.3}, {Lat: 37.3, Lng: 116.58}, {Lat: -33.9, Lng: 151.2}} {
		c15, _ := h3.LatLngToCell(ll, 15)
		d, _ := c15.GridDisk(30)
		for _, c := range d {
			area := parent(int64(c), areaRes)
			got := entryBase(area) | (int64(c)>>15&4095)<<15
			if want, _ := c.Parent(rollupRes); got != int64(want) {
				t.Fatalf("%s: %x, want %s", c, got, want)
			}
		}
	}
}

func TestWeeksAreISOWeeks(t *testing.T) {
	for d := time.Date(2019, 12, 20, 12, 0, 0, 0, beijing); d.Year() < 2027; d = d.AddDate(0, 0, 3) {
		y, w := d.ISOWeek()
		next := d.AddDate(0, 0, 7)
		ny, nw := next.ISOWeek()
		if week(dayNum(next))-week(dayNum(d)) != 1 || (y == ny && w == nw) {
			t.Fatalf("%s and a week later: weeks %d, %d", d, week(dayNum(d)), week(dayNum(next)))
		}
		mon := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
		if week(dayNum(mon)) != week(dayNum(d)) {
			t.Fatalf("%s is not in the week of its Monday %s", d, mon)
		}
	}
	if dayStart(dayNum(epoch)) != epoch || dayNum(epoch.Add(-time.Nanosecond)) != -1 || week(-1) != -1 || week(-7) != -1 || week(-8) != -2 {
		t.Fatal("epoch arithmetic")
	}
}

func TestDayAndMonthValuesArePeriods(t *testing.T) {
	start, end, err := parseInstantOrPeriod("2026-09-11")
	if err != nil || !start.Equal(time.Date(2026, 9, 11, 0, 0, 0, 0, beijing)) || !end.Equal(start.AddDate(0, 0, 1)) {
		t.Errorf("day: %v %v %v", start, end, err)
	}
	start, end, err = parseInstantOrPeriod("2026-02")
	if err != nil || !start.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, beijing)) || !end.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, beijing)) {
		t.Errorf("month: %v %v %v", start, end, err)
	}
	start, end, err = parseInstantOrPeriod("2026-09-11T08:30:00Z")
	if err != nil || !start.Equal(end) || start.Hour() != 8 {
		t.Errorf("instant: %v %v %v", start, end, err)
	}
}

func TestTrendWindowIsWholeWeeksEndingAtMidnight(t *testing.T) {
	to := time.Date(2026, 10, 12, 15, 0, 0, 0, beijing)
	w, n := trendWindow(Window{From: to.AddDate(0, 0, -90), To: to})
	if n != 12 || !w.To.Equal(time.Date(2026, 10, 13, 0, 0, 0, 0, beijing)) || !w.From.Equal(w.To.AddDate(0, 0, -84)) {
		t.Errorf("%v, %d bins", w, n)
	}
}

func TestCellJSONIsWhatEncodingJSONWrites(t *testing.T) {
	c := Cell{H3: "89319d2b38fffff", Count: 12, Weeks: 3, Rebounds: 1, Open: 2, Overdue: 1, RecurringWeeks: 3, Recurring: true, Value: 12,
		Top: []TopCategory{{"E01-10", "暴露垃圾", 7}, {"X\"1", "a\\b\x01\nc\u2028\u2029\t\r\x08\x0c<>&", 3}, {"bad", "\xff\xfeok", 2}}}
	for range 2 {
		var want bytes.Buffer
		enc := json.NewEncoder(&want) // as httpx.FeatureWriter sets it up
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&c); err != nil {
			t.Fatal(err)
		}
		if got := string(c.appendJSON(nil)) + "\n"; got != want.String() {
			t.Errorf("\n got %s\nwant %s", got, want.String())
		}
		c.Top = []TopCategory{}
	}
}
