package problemgen

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/migrations"
)

var testUntil = time.Date(2026, 10, 12, 0, 0, 0, 0, beijing)

func generate(t testing.TB, opt Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(context.Background(), &buf, opt)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return buf.Bytes(), st
}

// ticket is one parsed row.
type ticket struct {
	no, category, address, content, status string
	reported, closed                       time.Time
	lon, lat                               float64
}

var (
	yearOnce  sync.Once
	yearRows  []ticket
	yearStats Stats
	yearErr   error
)

const yearCount = 30000

// year is a 30,000-ticket year, generated and parsed once for the tests
// that look at its content.
func year(t *testing.T) []ticket {
	t.Helper()
	yearOnce.Do(func() {
		var buf bytes.Buffer
		yearStats, yearErr = Generate(context.Background(), &buf, Options{Count: yearCount, Months: 12, Seed: 7, Until: testUntil})
		if yearErr == nil {
			yearRows, yearErr = parse(buf.Bytes())
		}
	})
	if yearErr != nil {
		t.Fatal(yearErr)
	}
	return yearRows
}

func parse(b []byte) ([]ticket, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = 9
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	var out []ticket
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		tk := ticket{no: rec[0], category: rec[2], address: rec[5], content: rec[6], status: rec[7]}
		if tk.reported, err = time.Parse(TimeLayout, rec[1]); err != nil {
			return nil, err
		}
		if rec[8] != "" {
			if tk.closed, err = time.Parse(TimeLayout, rec[8]); err != nil {
				return nil, err
			}
		}
		if tk.lon, err = strconv.ParseFloat(rec[3], 64); err != nil {
			return nil, err
		}
		if tk.lat, err = strconv.ParseFloat(rec[4], 64); err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
}

func TestSameSeedCountMonthsAndDayGiveTheSameBytes(t *testing.T) {
	opt := Options{Count: 5000, Months: 3, Seed: 42, Until: testUntil, Workers: 1}
	a, _ := generate(t, opt)
	opt.Workers = 4
	opt.Until = testUntil.Add(23*time.Hour + 59*time.Minute) // later the same day
	b, _ := generate(t, opt)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, count, months and day gave different bytes")
	}
	opt.Seed = 43
	c, _ := generate(t, opt)
	if bytes.Equal(a, c) {
		t.Fatal("another seed gave the same bytes")
	}
}

func TestHeaderAndNineColumns(t *testing.T) {
	b, st := generate(t, Options{Count: 2000, Months: 2, Seed: 1, Until: testUntil})
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if string(first) != "ticket_no,reported_at,category,lon,lat,address,content,status,closed_at" {
		t.Fatalf("header %q", first)
	}
	rows, err := parse(b) // FieldsPerRecord = 9: every row has nine fields
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2000 || st.Rows != 2000 {
		t.Fatalf("%d rows parsed, %d reported, want 2000", len(rows), st.Rows)
	}
	for _, r := range rows {
		if r.address == "" || r.content == "" || strings.ContainsAny(r.content, "{}") {
			t.Fatalf("row %s: address %q, content %q", r.no, r.address, r.content)
		}
	}
}

func TestZeroCountWritesTheHeaderOnly(t *testing.T) {
	b, _ := generate(t, Options{Count: 0, Months: 1, Seed: 1, Until: testUntil})
	if string(b) != Header+"\n" {
		t.Fatalf("got %q", b)
	}
}

// seeded reads code → (name, time limit) from the categories migration.
func seeded(t *testing.T) map[string]category {
	t.Helper()
	sql, err := migrations.FS.ReadFile("004_categories.sql")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\('([A-Z]\d{2}-\d{2})', '([^']+)', '(?:event|component)', '\d+', '[^']*', '\d+', (?:'\d+'|NULL), '[^']*', '[^']*', (\d+),`)
	out := map[string]category{}
	for _, m := range re.FindAllStringSubmatch(string(sql), -1) {
		limit, _ := strconv.ParseFloat(m[3], 64)
		out[m[1]] = category{code: m[1], name: m[2], limitWH: limit}
	}
	if len(out) < 50 {
		t.Fatalf("parsed only %d seeded categories", len(out))
	}
	return out
}

func TestCategoryTableMatchesTheSeed(t *testing.T) {
	seed := seeded(t)
	mine := map[string]bool{}
	for _, c := range categories {
		s, ok := seed[c.code]
		switch {
		case !ok:
			t.Errorf("%s %s is not seeded", c.code, c.name)
		case s.name != c.name || s.limitWH != c.limitWH:
			t.Errorf("%s: %s, %g h here; seeded as %s, %g h", c.code, c.name, c.limitWH, s.name, s.limitWH)
		}
		if len(c.texts) < 3 {
			t.Errorf("%s has %d complaint templates, want at least 3", c.code, len(c.texts))
		}
		mine[c.code] = true
	}
	for code := range seed {
		if !mine[code] {
			t.Errorf("seeded category %s never generated", code)
		}
	}
}

func TestEveryCategoryIsASeededNameOrCode(t *testing.T) {
	seed := seeded(t)
	known := map[string]bool{}
	for code, c := range seed {
		known[code], known[c.name] = true, true
	}
	codes := 0
	rows := year(t)
	for _, r := range rows {
		if !known[r.category] {
			t.Fatalf("row %s: category %q is not seeded", r.no, r.category)
		}
		if _, ok := seed[r.category]; ok {
			codes++
		}
	}
	if share := float64(codes) / float64(len(rows)); share < 0.05 || share > 0.25 {
		t.Errorf("%.1f%% of the rows carry a code, want mostly names and some codes", share*100)
	}
}

func TestPointsLieInsideTheCity(t *testing.T) {
	b, err := geodata.FS.ReadFile("areas.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Level string }
			Geometry   struct{ Coordinates orb.Polygon }
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	var outline orb.Polygon
	for _, f := range fc.Features {
		if f.Properties.Level == "city" {
			outline = f.Geometry.Coordinates
		}
	}
	if len(outline) == 0 {
		t.Fatal("no city polygon")
	}
	for _, r := range year(t) {
		if !planar.PolygonContains(outline, orb.Point{r.lon, r.lat}) {
			t.Fatalf("row %s at %v,%v lies outside the city", r.no, r.lon, r.lat)
		}
	}
}

func TestTimesLieInTheWindowSortedAndClosuresFollow(t *testing.T) {
	from := testUntil.AddDate(0, -12, 0)
	var prev time.Time
	for _, r := range year(t) {
		if r.reported.Before(from) || !r.reported.Before(testUntil) {
			t.Fatalf("row %s reported at %v, outside [%v, %v)", r.no, r.reported, from, testUntil)
		}
		if r.reported.Before(prev) {
			t.Fatalf("row %s at %v comes after %v", r.no, r.reported, prev)
		}
		prev = r.reported
		if _, off := r.reported.Zone(); off != 8*3600 {
			t.Fatalf("row %s: offset %d, want +08:00", r.no, off)
		}
		switch r.status {
		case StatusClosed:
			if !r.closed.After(r.reported) || !r.closed.Before(testUntil) {
				t.Fatalf("row %s reported %v closed %v", r.no, r.reported, r.closed)
			}
		case StatusOpen:
			if !r.closed.IsZero() {
				t.Fatalf("row %s is open but closed at %v", r.no, r.closed)
			}
		default:
			t.Fatalf("row %s: status %q", r.no, r.status)
		}
	}
}

func TestTicketNumbersAreUniqueAndCarryTheDay(t *testing.T) {
	re := regexp.MustCompile(`^12345-(\d{8})-\d{7}$`)
	seen := map[string]bool{}
	for _, r := range year(t) {
		m := re.FindStringSubmatch(r.no)
		if m == nil || m[1] != r.reported.Format("20060102") {
			t.Fatalf("ticket %q reported %v", r.no, r.reported)
		}
		if seen[r.no] {
			t.Fatalf("ticket %s twice", r.no)
		}
		seen[r.no] = true
	}
}

func TestMostOldTicketsAreClosedAndSomeLate(t *testing.T) {
	limits := map[string]float64{}
	for _, c := range categories {
		limits[c.code], limits[c.name] = c.limitWH, c.limitWH
	}
	var old, closed, late int
	for _, r := range year(t) {
		if testUntil.Sub(r.reported) < 14*24*time.Hour {
			continue
		}
		old++
		if r.status != StatusClosed {
			continue
		}
		closed++
		// generous: a working day of 8 h spread over 24 h and weekends
		if r.closed.Sub(r.reported).Hours() > limits[r.category]/8*24*7/5+24 {
			late++
		}
	}
	if share := float64(closed) / float64(old); share < 0.8 || share > 0.92 {
		t.Errorf("%.1f%% of tickets older than two weeks are closed, want about 85%%", share*100)
	}
	if share := float64(late) / float64(closed); share < 0.02 || share > 0.4 {
		t.Errorf("%.1f%% of closures are clearly late, want some but not most", share*100)
	}
}

// TestHotPlacesRecurWeekAfterWeek counts 50 m cells where one category
// comes back in at least 8 distinct ISO weeks.
func TestHotPlacesRecurWeekAfterWeek(t *testing.T) {
	type key struct {
		x, y int
		cat  string
	}
	code := map[string]string{}
	for _, c := range categories {
		code[c.name], code[c.code] = c.code, c.code
	}
	weeks := map[key]map[int]bool{}
	kx := 111320 * math.Cos(37.45*math.Pi/180)
	for _, r := range year(t) {
		k := key{int(math.Floor(r.lon * kx / 50)), int(math.Floor(r.lat * 110574 / 50)), code[r.category]}
		if weeks[k] == nil {
			weeks[k] = map[int]bool{}
		}
		y, w := r.reported.ISOWeek()
		weeks[k][y*100+w] = true
	}
	recurring := 0
	for _, w := range weeks {
		if len(w) >= 8 {
			recurring++
		}
	}
	if want := yearStats.HotPlaces / 3; recurring < want {
		t.Errorf("%d cells with one category in ≥ 8 ISO weeks, want at least %d (%d hot places)", recurring, want, yearStats.HotPlaces)
	}
	if share := float64(yearStats.HotRows) / float64(yearStats.Rows); share < 0.2 || share > 0.3 {
		t.Errorf("%.1f%% of the rows come from hot places, want about 25%%", share*100)
	}
}

func TestFewCallsAtNightMoreInTheMorningAndEvening(t *testing.T) {
	var hours [24]int
	rows := year(t)
	for _, r := range rows {
		hours[r.reported.Hour()]++
	}
	share := func(from, to int) float64 {
		n := 0
		for h := from; h < to; h++ {
			n += hours[h]
		}
		return float64(n) / float64(len(rows)) / float64(to-from)
	}
	night, morning, evening := share(1, 5), share(9, 11), share(18, 21)
	if night > 0.01 {
		t.Errorf("%.2f%% of the calls per hour between 01:00 and 05:00, want under 1%%", night*100)
	}
	if morning < 8*night || evening < 8*night || morning < share(12, 14) {
		t.Errorf("per hour: night %.2f%%, 09–11 %.2f%%, 12–14 %.2f%%, 18–21 %.2f%%: no morning and evening peaks",
			night*100, morning*100, share(12, 14)*100, evening*100)
	}
}

func TestStallsPeakAtWeekends(t *testing.T) {
	var weekend, weekday, weekendDays, weekdayDays float64
	days := map[string]bool{}
	for _, r := range year(t) {
		wd := r.reported.Weekday()
		we := wd == time.Saturday || wd == time.Sunday
		if d := r.reported.Format(time.DateOnly); !days[d] {
			days[d] = true
			if we {
				weekendDays++
			} else {
				weekdayDays++
			}
		}
		if r.category != "占道经营" && r.category != "E04-06" {
			continue
		}
		if we {
			weekend++
		} else {
			weekday++
		}
	}
	if ratio := (weekend / weekendDays) / (weekday / weekdayDays); ratio < 1.15 {
		t.Errorf("stalls per weekend day / per weekday = %.2f, want more at weekends", ratio)
	}
}

func TestFewTicketsSpreadOverTheWholeWindow(t *testing.T) {
	b, _ := generate(t, Options{Count: 12, Months: 12, Seed: 3, Until: testUntil})
	rows, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12", len(rows))
	}
	if span := rows[11].reported.Sub(rows[0].reported); span < 180*24*time.Hour {
		t.Errorf("12 tickets span only %v of a year", span)
	}
}

func TestACityWithoutFrontagesWorks(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{areasFile, streetsFile} {
		b, err := geodata.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	b, st := generate(t, Options{Count: 500, Months: 1, Seed: 1, Until: testUntil, City: fsys})
	if _, err := parse(b); err != nil || st.Rows != 500 {
		t.Fatalf("%d rows, %v", st.Rows, err)
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	for _, opt := range []Options{{Count: -1, Months: 1}, {Count: 1, Months: 0}, {Count: 1, Months: 121}} {
		if _, err := Generate(context.Background(), io.Discard, opt); err == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
}
