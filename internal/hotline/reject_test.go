package hotline_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
)

// good is a row the fixture city accepts: a dog in grid 001.
func good(ticket string) string {
	return ticket + ",2026-09-01 09:00:00+08:00,T-DOG,116.050000,37.150000,测试路1号,狗没拴绳,处理中,\n"
}

// nothingWritten fails the test when an import left problems, events or
// working tables behind.
func nothingWritten(t *testing.T, d *dbtest.DB) {
	t.Helper()
	if n := count(t, d, `SELECT count(*) FROM problems`) + count(t, d, `SELECT count(*) FROM problem_events`); n != 0 {
		t.Errorf("%d problems and events written", n)
	}
	noWorkingTables(t, d)
}

func noWorkingTables(t *testing.T, d *dbtest.DB) {
	t.Helper()
	if n := count(t, d, `SELECT count(*) FROM pg_class WHERE relname LIKE 'hotline\_%'`); n != 0 {
		t.Errorf("%d working tables left behind", n)
	}
}

func TestEachRejectedRowIsListedWithItsLineAndReasonAndTheOthersAreImported(t *testing.T) {
	d := setup(t)
	csv := header +
		good("G1") + // line 2
		"R3,2026-09-01 09:00:00+08:00,不存在的类别,116.05,37.15,,,处理中,\n" +
		"R4,2026-13-45 25:00:00+08:00,T-DOG,116.05,37.15,,,处理中,\n" +
		"R5,2026-09-01 09:00:00,T-DOG,116.05,37.15,,,处理中,\n" +
		"R6,2026-12-01 09:00:00+08:00,T-DOG,116.05,37.15,,,处理中,\n" +
		"R7,2026-09-01 09:00:00+08:00,T-DOG,,,,,处理中,\n" +
		"R8,2026-09-01 09:00:00+08:00,T-DOG,37.15,116.05,,,处理中,\n" +
		"R9,2026-09-01 09:00:00+08:00,T-DOG,abc,37.15,,,处理中,\n" +
		"G1,2026-09-02 09:00:00+08:00,T-DOG,116.05,37.15,,,处理中,\n" + // line 10
		"R11,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,,,已办结,2026-09-01 08:00:00+08:00\n" +
		"R12,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,,,已办结,\n" +
		"R13,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,,,挂起,\n" +
		"G14,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,测试路,\"两行的\n内容，带\"\"引号\"\"\",处理中,\n" + // lines 14-15
		",2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,,,处理中,\n" + // line 16
		"R17,2026-09-01 09:00:00+08:00,T-DOG\n" +
		"R18,2026-09-01 09:00:00+08:00,T-DOG,0,0,,,处理中,\n" +
		"\n" + // a blank line is no row
		good("G20")
	res := mustImport(t, d, csv, hotline.Options{})
	want := []struct {
		line   int
		ticket string
		reason string
	}{
		{3, "R3", `unknown category "不存在的类别"`},
		{4, "R4", `bad time: reported_at "2026-13-45 25:00:00+08:00" is not a time`},
		{5, "R5", `bad time: reported_at "2026-09-01 09:00:00" has no time zone`},
		{6, "R6", "bad time: reported_at 2026-12-01T09:00:00+08:00 is in the future"},
		{7, "R7", "bad coordinates: missing lon and lat"},
		{8, "R8", "bad coordinates: lon 37.15, lat 116.05 out of range; lon and lat look swapped"},
		{9, "R9", `bad coordinates: lon "abc" is not a number`},
		{10, "G1", "duplicate ticket, first at line 2"},
		{11, "R11", "closed_at 2026-09-01T08:00:00+08:00 is before reported_at 2026-09-01T09:00:00+08:00"},
		{12, "R12", "status 已办结 without closed_at"},
		{13, "R13", `unknown status "挂起": want 已办结 or 处理中`},
		{16, "", "no ticket number"},
		{17, "R17", "3 fields, the header has 9"},
		{18, "R18", "bad coordinates: 0, 0 (no location)"},
	}
	if res.Read != 17 || res.Imported != 3 || res.Rejected != len(want) || len(res.Rejections) != len(want) {
		t.Fatalf("read %d, imported %d, rejected %d: %v", res.Read, res.Imported, res.Rejected, res.Rejections)
	}
	for i, w := range want {
		r := res.Rejections[i]
		if r.Line != w.line || r.Ticket != w.ticket || !strings.HasPrefix(r.Reason, w.reason) {
			t.Errorf("rejection %d: %s, want line %d (%s): %s", i, r, w.line, w.ticket, w.reason)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM problems WHERE source_ref IN ('G1', 'G14', 'G20')`); n != 3 {
		t.Errorf("%d of the good rows stored", n)
	}
	var content string
	d.Pool.QueryRow(t.Context(), `SELECT description FROM problems WHERE source_ref = 'G14'`).Scan(&content)
	if content != "两行的\n内容，带\"引号\"" {
		t.Errorf("quoted content %q", content)
	}
	noWorkingTables(t, d)
}

func TestTheWholeFileIsRejectedAndNothingWrittenWhenItCannotBeRead(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(header + good("G1"))
	// A GBK row far into the file, after rows that were already staged.
	var late strings.Builder
	late.WriteString(header)
	for i := range 2000 {
		late.WriteString(fmt.Sprintf("A%d,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,No. %d,dog,处理中,\n", i, i))
	}
	lateGBK, _ := simplifiedchinese.GBK.NewEncoder().String(good("G2"))
	late.WriteString(lateGBK)

	cases := []struct {
		name, file string
		opt        hotline.Options
		line       int
		reason     string
	}{
		{"a bare quote", header + good("G1") + "G2,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,测试\"路,内容,处理中,\n" + good("G3"),
			hotline.Options{}, 3, "broken quoting at column"},
		{"an unclosed quote", header + good("G1") + "G2,2026-09-01 09:00:00+08:00,T-DOG,116.05,37.15,\"测试路,内容,处理中,\n" + good("G3"),
			hotline.Options{}, 3, "broken quoting: the record starting here fails at line"},
		{"a GBK file read as UTF-8", gbk, hotline.Options{}, 2,
			"the file is GBK-encoded; convert it (iconv -f GBK -t UTF-8) or pass --encoding gbk"},
		{"a GBK row after 64 kB of ASCII", late.String(), hotline.Options{}, 2002,
			"the file is GBK-encoded; convert it (iconv -f GBK -t UTF-8) or pass --encoding gbk"},
		{"a UTF-8 file read as GBK", header + good("G1"), hotline.Options{Encoding: "gbk"}, 0,
			"the file is already UTF-8, not GBK; drop --encoding gbk"},
		{"UTF-16", "\xff\xfet\x00i\x00", hotline.Options{}, 0, "the file is UTF-16"},
		{"missing columns", "ticket_no,reported_at,category,address\n" + good("G1"), hotline.Options{}, 1,
			`missing required columns lon ("lon"), lat ("lat")`},
		{"an empty file", "", hotline.Options{}, 0, "the file is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := setup(t)
			res, err := importString(t, d, tc.file, tc.opt)
			var rej *hotline.RejectedError
			if !errors.As(err, &rej) || !rej.File || len(rej.Rejections) != 1 {
				t.Fatalf("error %v, want the file rejected", err)
			}
			if r := rej.Rejections[0]; r.Line != tc.line || !strings.HasPrefix(r.Reason, tc.reason) {
				t.Errorf("rejection %s, want line %d: %s", r, tc.line, tc.reason)
			}
			if res.Imported != 0 || len(res.Rejections) != 1 {
				t.Errorf("result %+v", res)
			}
			nothingWritten(t, d)
		})
	}
}

func TestAGBKFileImportsWithEncodingGBK(t *testing.T) {
	d := setup(t)
	file, err := simplifiedchinese.GBK.NewEncoder().String(header +
		"G1,2026-09-01 09:00:00+08:00,测试不文明养犬,116.05,37.15,测试路1号,狗没拴绳,处理中,\n" +
		"G2,2026-09-01 10:00:00+08:00,测试道路不洁,116.05,37.100045,测试路,路面脏,已办结,2026-09-01 11:00:00+08:00\n")
	if err != nil {
		t.Fatal(err)
	}
	res := mustImport(t, d, file, hotline.Options{Encoding: "gbk"})
	if res.Imported != 2 || res.Closed != 1 || res.Rejected != 0 {
		t.Fatalf("%+v", res)
	}
	var address, content, category string
	d.Pool.QueryRow(t.Context(), `SELECT address, description, category_code FROM problems WHERE source_ref = 'G2'`).Scan(&address, &content, &category)
	if address != "测试路" || content != "路面脏" || category != "T-ROAD" {
		t.Errorf("decoded %q %q %q", address, content, category)
	}
}

func TestStrictRejectsTheWholeFileForOneBadRow(t *testing.T) {
	d := setup(t)
	csv := header + good("G1") + "R3,2026-09-01 09:00:00+08:00,NOPE,116.05,37.15,,,处理中,\n" + good("G4")
	res, err := importString(t, d, csv, hotline.Options{Strict: true})
	var rej *hotline.RejectedError
	if !errors.As(err, &rej) || rej.File || rej.Read != 3 || len(rej.Rejections) != 1 || rej.Rejections[0].Line != 3 {
		t.Fatalf("error %v, want the file rejected for line 3", err)
	}
	if res.Imported != 0 || res.Rejected != 1 {
		t.Errorf("result %+v", res)
	}
	nothingWritten(t, d)
	// Without --strict the good rows go in.
	if res := mustImport(t, d, csv, hotline.Options{}); res.Imported != 2 || res.Rejected != 1 {
		t.Errorf("without strict: %+v", res)
	}
}

func TestImportingTheSameFileAgainAddsNothing(t *testing.T) {
	d := setup(t)
	csv := header + good("G1") + good("G2") + "G3,2026-09-02 09:00:00+08:00,T-ROAD,116.05,37.100045,,,已办结,2026-09-02 10:00:00+08:00\n" +
		"G4,2026-09-02 09:00:00+08:00,T-DOG,117.5,38.5,,,处理中,\n"
	first := mustImport(t, d, csv, hotline.Options{})
	if first.Imported != 4 || first.AlreadyImported != 0 {
		t.Fatalf("first import: %+v", first)
	}
	problems, events := count(t, d, `SELECT count(*) FROM problems`), count(t, d, `SELECT count(*) FROM problem_events`)
	again := mustImport(t, d, csv, hotline.Options{})
	if again.Read != 4 || again.Imported != 0 || again.AlreadyImported != 4 || again.Rejected != 0 {
		t.Fatalf("second import: %+v, want 0 imported and 4 already imported", again)
	}
	if p, e := count(t, d, `SELECT count(*) FROM problems`), count(t, d, `SELECT count(*) FROM problem_events`); p != problems || e != events {
		t.Fatalf("second import wrote: %d problems, %d events (were %d, %d)", p, e, problems, events)
	}
	// A later export repeating some tickets adds only the new ones.
	more := mustImport(t, d, csv+good("G5"), hotline.Options{})
	if more.Imported != 1 || more.AlreadyImported != 4 {
		t.Fatalf("a longer export: %+v", more)
	}
	noWorkingTables(t, d)
}

func TestAMappingFileReadsAnotherLayout(t *testing.T) {
	d := setup(t)
	m, err := hotline.ReadMapping(strings.NewReader(`{"ticket_no": "工单编号", "reported_at": "受理时间", "category": "问题类型",
		"lon": "经度", "lat": "纬度", "address": "事发地址", "content": "诉求内容", "status": "办理状态", "closed_at": "办结时间",
		"time_layout": "2006/01/02 15:04", "timezone": "Asia/Shanghai", "closed_status": ["已办结", "已回访"], "open_status": ["处理中", "待签收"]}`))
	if err != nil {
		t.Fatal(err)
	}
	csv := "序号,办理状态,工单编号,问题类型,诉求内容,事发地址,纬度,经度,受理时间,办结时间,来电人\n" +
		"1,已回访,12345-A,T-DOG,狗,测试路,37.15,116.05,2026/09/01 09:00,2026/09/01 10:30,张先生\n" +
		"2,待签收,12345-B,测试道路不洁,脏,测试路,37.100045,116.05,2026/09/02 08:15,,李女士\n" +
		"3,处理中,12345-C,T-DOG,狗,测试路,37.15,116.05,2026-09-03 08:15:00+08:00,,王先生\n"
	res := mustImport(t, d, csv, hotline.Options{Mapping: m})
	if res.Imported != 3 || res.Closed != 1 || res.Dispatched != 2 || res.Rejected != 0 {
		t.Fatalf("%+v", res)
	}
	a := get(t, d.Pool, "source_ref = $1", "12345-A")
	if a.Status != "closed" || a.ReportedAt.UTC().Format("2006-01-02 15:04") != "2026-09-01 01:00" || a.ClosedAt == nil ||
		a.ClosedAt.UTC().Format("15:04") != "02:30" {
		t.Errorf("12345-A: %s, reported %v, closed %v", a.Status, a.ReportedAt, a.ClosedAt)
	}
	// The standard header is not that layout.
	_, err = importString(t, d, header+good("G1"), hotline.Options{Mapping: m})
	var rej *hotline.RejectedError
	if !errors.As(err, &rej) || !rej.File || !strings.Contains(rej.Rejections[0].Reason, `ticket_no ("工单编号")`) {
		t.Errorf("a standard file read with the mapping: %v", err)
	}

	for src, want := range map[string]string{
		`{"ticket": "编号"}`: `unknown member "ticket"`,
		`{"reported_at": "受理时间", "time_layout": "2006/01/02 15:04"}`: "has no offset: give the timezone",
		`{"time_layout": "15:04"}`:     "is not a Go time layout with a date",
		`{"timezone": "Mars/Olympus"}`: "neither an IANA time zone",
		`{"lon": "坐标", "lat": "坐标"}`:   `lon and lat both name the column "坐标"`,
		`["工单编号"]`:                     "not a JSON object",
	} {
		if _, err := hotline.ReadMapping(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("mapping %s: %v, want %q", src, err, want)
		}
	}
}

func TestATicketReportedOutsideTheWorkingHoursCalendarIsRejected(t *testing.T) {
	d := setup(t)
	res := mustImport(t, d, header+good("G1")+"OLD,2014-06-01 09:00:00+08:00,T-DOG,116.05,37.15,,,处理中,\n", hotline.Options{})
	if res.Imported != 1 || res.Rejected != 1 || res.Rejections[0].Line != 3 ||
		!strings.HasPrefix(res.Rejections[0].Reason, "bad time: reported_at 2014-06-01T01:00:00Z is outside the working-hours calendar (2015-01-01 to 2035-12-31)") {
		t.Fatalf("%+v", res)
	}
}

// A row whose deadline would fall after the calendar's last day is
// rejected; the others, before and after it in the file, are imported,
// and nothing points at the rejected row.
func TestATicketWhoseDeadlineFallsBeyondTheCalendarIsRejected(t *testing.T) {
	d := setup(t)
	late := "2035-12-31 17:00:00+08:00"
	csv := header + good("G1") +
		"LATE," + late + ",T-DOG,116.05,37.15,,,已办结,2035-12-31 17:10:00+08:00\n" +
		"AFTER,2035-12-31 17:20:00+08:00,T-DOG,116.05,37.15,,,处理中,\n" +
		"OUT," + late + ",T-DOG,117.5,38.5,,,处理中,\n" // outside every grid: no deadline, imported
	res := mustImport(t, d, csv, hotline.Options{Now: func() time.Time { return time.Date(2036, 1, 2, 0, 0, 0, 0, time.UTC) }})
	if res.Imported != 2 || res.Rejected != 2 || res.Unmapped != 1 {
		t.Fatalf("%+v", res)
	}
	for i, line := range []int{3, 4} {
		r := res.Rejections[i]
		if r.Line != line || !strings.Contains(r.Reason, "falls beyond the working-hours calendar, which ends on 2035-12-31") {
			t.Errorf("rejection %d: %s", i, r)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM problems WHERE source_ref IN ('LATE', 'AFTER')`); n != 0 {
		t.Errorf("%d late rows written", n)
	}
	if n := count(t, d, `SELECT count(*) FROM problems p WHERE recurs_of IS NOT NULL AND NOT EXISTS (SELECT FROM problems q WHERE q.id = p.recurs_of)`); n != 0 {
		t.Errorf("%d recurrences point at nothing", n)
	}
}
