package hotline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// FuzzRead: any file is refused whole with a reason, or read into rows
// that are accepted only with coordinates in range, a time not in the
// future, a known category and text the database can store; every other
// row is rejected with a reason. Never a panic.
func FuzzRead(f *testing.F) {
	head := "ticket_no,reported_at,category,lon,lat,address,content,status,closed_at\n"
	for _, s := range []string{
		head + "12345-20261012-0000123,2026-10-12 08:31:05+08:00,暴露垃圾,116.301234,37.451234,德城区东风路188号附近,路边有一堆暴露垃圾,已办结,2026-10-12 15:02:41+08:00\n",
		head + "1,2026-10-12T08:31:05+08:00,E01-10,37.45,116.3,,,处理中,\n",
		head + "1,2026-10-12 08:31:05,E01-10,116.3,37.45,,,处理中,\n",
		head + "1,2099-10-12T08:31:05+08:00,E01-10,116.3,37.45,,,已办结,2026-10-11T08:31:05+08:00\n",
		head + "1,2026-10-12T08:31:05+08:00,E01-10,116.3,37.45,a\x00b,\xff,处理中,\n",
		head + "1,2026-10-12T08:31:05+08:00,E01-10,NaN,Inf,,,处理中,\n1,2026-10-12T08:31:05+08:00,E01-10,116.3,37.45,,,处理中,\n",
		"ticket_no,lon\n1,2\n", "", head + "\"broken,1\n",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	cats := &catIndex{byCode: map[string]catInfo{"E01-10": {"E01-10", true}, "E01-11": {"E01-11", false}},
		byName: map[string][]catInfo{"暴露垃圾": {{"E01-10", true}}}}
	f.Fuzz(func(t *testing.T, file string) {
		rd, err := newReader(strings.NewReader(file), nil, false)
		if err != nil {
			var fe *fileError
			if !errors.As(err, &fe) || fe.reason == "" {
				t.Fatalf("%q: %v is not a file rejection with a reason", file, err)
			}
			return
		}
		rd.cats, rd.now = cats, now
		rows, err := rd.readAll(nil)
		if err != nil {
			var fe *fileError
			if !errors.As(err, &fe) {
				t.Fatalf("%q: %v", file, err)
			}
			return
		}
		for _, r := range rows {
			if !(r.lon >= -180 && r.lon <= 180 && r.lat >= -90 && r.lat <= 90) {
				t.Fatalf("%q: accepted %v, %v", file, r.lon, r.lat)
			}
			if r.reportedAt.After(now.Add(clockSkew)) || r.category != "E01-10" {
				t.Fatalf("%q: accepted %v %q", file, r.reportedAt, r.category)
			}
			for _, s := range []string{r.ticket, r.address, r.content} {
				if httpx.TextReason(s) != "" {
					t.Fatalf("%q: accepted unstorable text %q", file, s)
				}
			}
		}
		for _, rj := range rd.rejects {
			if rj.Reason == "" {
				t.Fatalf("%q: a rejection without a reason", file)
			}
		}
	})
}
