package workcal_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "calendar.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadReadsTheFileOverTheDefaults(t *testing.T) {
	cfg, err := workcal.Load(writeFile(t, `{
		"periods": ["09:00-12:00", "14:00-18:00"],
		"weekdays": ["monday", "Tue", "Wed", "Thu", "Fri", "Sat"],
		"workdays": ["2026-01-04"],
		"to": 2030
	}`))
	if err != nil {
		t.Fatal(err)
	}
	def := workcal.Default()
	if cfg.Zone != "Asia/Shanghai" || cfg.From != 2015 || cfg.To != 2030 {
		t.Errorf("zone/from/to: %q %d %d", cfg.Zone, cfg.From, cfg.To)
	}
	if !slices.Equal(cfg.Periods, []string{"09:00-12:00", "14:00-18:00"}) || len(cfg.Weekdays) != 6 || cfg.Weekdays[5] != time.Saturday {
		t.Errorf("periods/weekdays: %v %v", cfg.Periods, cfg.Weekdays)
	}
	if !reflect.DeepEqual(cfg.Holidays, def.Holidays) {
		t.Error("holidays absent from the file should keep the default list")
	}
	if !reflect.DeepEqual(cfg.Workdays, []workcal.Date{{2026, time.January, 4}}) {
		t.Errorf("workdays: %v", cfg.Workdays)
	}
}

func TestLoadExpandsDateRanges(t *testing.T) {
	cfg, err := workcal.Load(writeFile(t, `{"holidays": ["2026-10-01/2026-10-07", "2026-12-31/2027-01-02", "2026-05-01"], "workdays": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Holidays) != 11 || cfg.Holidays[8] != (workcal.Date{2027, time.January, 1}) || len(cfg.Workdays) != 0 {
		t.Errorf("holidays %v, workdays %v", cfg.Holidays, cfg.Workdays)
	}
}

func TestLoadNamesWhatIsWrong(t *testing.T) {
	cases := map[string]string{
		`{"zone": "Mars/Olympus"}`:                             "zone",
		`{"periods": ["08:30-12:00", "11:00-17:30"]}`:          "periods[1]",
		`{"periods": ["8:30-12:00"]}`:                          "periods[0]",
		`{"periods": ["12:00-08:30"]}`:                         "not before the end",
		`{"periods": ["08:30-24:30"]}`:                         "periods[0]",
		`{"periods": []}`:                                      "periods",
		`{"weekdays": ["Mon", "Funday"]}`:                      "weekdays[1]",
		`{"holidays": ["2026-02-30"]}`:                         "holidays[0]",
		`{"holidays": ["2026-10-07/2026-10-01"]}`:              "holidays[0]",
		`{"holidays": ["2026-01-04"]}`:                         "2026-01-04 is both a holiday and a make-up working day",
		`{"workdays": ["2040-01-01"]}`:                         "outside the years 2015-2035",
		`{"from": 2030, "to": 2020}`:                           "from 2030 to 2020",
		`{"periods": ["08:30-12:00"], "colour": "red"}`:        "colour",
		`{"periods": "08:30-12:00"}`:                           "periods",
		`{"holidays": ["2026-10-01"], "workdays": ["x"]}`:      "workdays[0]",
		`{"periods": ["08:30-12:00", "13:30-17:30"], "to": 1}`: "from 2015 to 1",
	}
	for body, want := range cases {
		_, err := workcal.Load(writeFile(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error mentioning %q", body, err, want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	def := workcal.Default()
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"2026-10-01/2026-10-07"`) || !strings.Contains(string(b), `"weekdays":["Mon","Tue","Wed","Thu","Fri"]`) {
		t.Errorf("file form: %s", b)
	}
	var back workcal.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, def) {
		t.Errorf("round trip changed the calendar:\n%+v\n%+v", back, def)
	}
}

func TestDefaultHolidayList(t *testing.T) {
	def := workcal.Default()
	if err := def.Validate(); err != nil {
		t.Fatal(err)
	}
	perYear := map[int]int{}
	for _, d := range def.Holidays {
		perYear[d.Year]++
	}
	// 2024: 1+8+3+5+1+3+7, 2025: 1+8+3+5+3+8, 2026: 3+9+3+5+3+3+7.
	if perYear[2024] != 28 || perYear[2025] != 28 || perYear[2026] != 33 {
		t.Errorf("holiday days per year: %v", perYear)
	}
	for _, d := range def.Workdays {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			t.Errorf("make-up working day %s is a %s, not a weekend day", d, wd)
		}
	}
}

// The Go reference alone, on the cases the SQL tests use.
func TestReferenceAdd(t *testing.T) {
	cfg := workcal.Default()
	for _, c := range dueCases {
		got, err := workcal.Add(cfg, at(t, c.from), c.minutes)
		if err != nil || !got.Equal(at(t, c.want)) {
			t.Errorf("%s: Add = %s, %v, want %s", c.name, bj(got), err, c.want)
		}
	}
	if _, err := workcal.Add(cfg, at(t, "2026-03-13 10:00"), -1); err == nil {
		t.Error("negative minutes: no error")
	}
}
