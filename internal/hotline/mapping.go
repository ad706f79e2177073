package hotline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fields are what the import reads from each row, in the order of the
// standard header.
var Fields = []string{"ticket_no", "reported_at", "category", "lon", "lat", "address", "content", "status", "closed_at"}

// requiredFields must have a column; the others may be missing from a
// layout (status: closed exactly when closed_at is given).
var requiredFields = []string{"ticket_no", "reported_at", "category", "lon", "lat"}

// Standard statuses of a 12345 export.
const (
	StatusClosed = "已办结"
	StatusOpen   = "处理中"
)

// Mapping describes a layout other than the standard one: which header
// holds each field, how its times are written and what its statuses say.
// The zero Mapping is the standard layout.
type Mapping struct {
	// Columns maps a field (one of Fields) to the header of the column
	// that holds it; a field left out keeps its standard header.
	Columns map[string]string
	// TimeLayout is a Go time layout (e.g. "2006/01/02 15:04") tried
	// before the standard forms.
	TimeLayout string
	// TimeZone applies to times written without an offset: an IANA name
	// (Asia/Shanghai) or a fixed offset (+08:00).
	TimeZone string
	// ClosedStatus and OpenStatus are the status values that mean closed
	// and open; empty: 已办结 and 处理中.
	ClosedStatus []string
	OpenStatus   []string

	loc *time.Location
}

// ReadMapping reads a mapping file: one JSON object whose members are
// field names with the header that holds the field, plus the optional
// "time_layout", "timezone", "closed_status" and "open_status":
//
//	{"ticket_no": "工单编号", "reported_at": "受理时间", "category": "问题类型",
//	 "lon": "经度", "lat": "纬度", "address": "事发地址", "content": "诉求内容",
//	 "status": "办理状态", "closed_at": "办结时间",
//	 "time_layout": "2006/01/02 15:04:05", "timezone": "Asia/Shanghai",
//	 "closed_status": ["已办结", "已回访"], "open_status": ["处理中", "待签收"]}
//
// An unknown member is an error naming the members allowed.
func ReadMapping(r io.Reader) (*Mapping, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(b, []byte("\ufeff")), &raw); err != nil {
		return nil, fmt.Errorf("mapping: not a JSON object: %w", err)
	}
	m := &Mapping{Columns: map[string]string{}}
	str := func(k string, v json.RawMessage) (string, error) {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("mapping: %s: want a string", k)
		}
		return strings.TrimSpace(s), nil
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := raw[k]
		switch {
		case slices.Contains(Fields, k):
			s, err := str(k, v)
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, fmt.Errorf("mapping: %s: the header may not be empty", k)
			}
			m.Columns[k] = s
		case k == "time_layout":
			if m.TimeLayout, err = str(k, v); err != nil {
				return nil, err
			}
		case k == "timezone":
			if m.TimeZone, err = str(k, v); err != nil {
				return nil, err
			}
		case k == "closed_status" || k == "open_status":
			var list []string
			if err := json.Unmarshal(v, &list); err != nil || len(list) == 0 {
				return nil, fmt.Errorf("mapping: %s: want a non-empty array of strings", k)
			}
			if k == "closed_status" {
				m.ClosedStatus = list
			} else {
				m.OpenStatus = list
			}
		default:
			return nil, fmt.Errorf("mapping: unknown member %q; want the fields %s, or time_layout, timezone, closed_status, open_status",
				k, strings.Join(Fields, ", "))
		}
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// check validates the mapping and resolves its time zone.
func (m *Mapping) check() error {
	if m == nil {
		return nil
	}
	seen := map[string]string{}
	for _, f := range Fields {
		h := m.header(f)
		if other, dup := seen[h]; dup {
			return fmt.Errorf("mapping: %s and %s both name the column %q", other, f, h)
		}
		seen[h] = f
	}
	for _, s := range m.ClosedStatus {
		if slices.Contains(m.OpenStatus, s) {
			return fmt.Errorf("mapping: status %q is both closed and open", s)
		}
	}
	if m.TimeZone != "" {
		loc, err := parseZone(m.TimeZone)
		if err != nil {
			return fmt.Errorf("mapping: timezone: %w", err)
		}
		m.loc = loc
	}
	if m.TimeLayout != "" {
		ref := time.Date(2026, 10, 12, 8, 31, 5, 0, time.FixedZone("", 5*3600+1800))
		t, err := time.Parse(m.TimeLayout, ref.Format(m.TimeLayout))
		if err != nil || t.Year() != 2026 || t.Month() != 10 || t.Day() != 12 {
			return fmt.Errorf("mapping: time_layout %q is not a Go time layout with a date (e.g. 2006/01/02 15:04:05)", m.TimeLayout)
		}
		if !t.Equal(ref) && m.loc == nil {
			return fmt.Errorf("mapping: time_layout %q has no offset: give the timezone of its times too (e.g. \"timezone\": \"Asia/Shanghai\")", m.TimeLayout)
		}
	}
	return nil
}

// header is the column that holds field f.
func (m *Mapping) header(f string) string {
	if m != nil {
		if h, ok := m.Columns[f]; ok {
			return h
		}
	}
	return f
}

var offsetPattern = regexp.MustCompile(`^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// parseZone reads an IANA zone name or a fixed offset (+08:00, UTC+8).
func parseZone(s string) (*time.Location, error) {
	if m := offsetPattern.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		min := 0
		if m[3] != "" {
			min, _ = strconv.Atoi(m[3])
		}
		if h > 14 || min > 59 {
			return nil, fmt.Errorf("offset %q out of range", s)
		}
		off := h*3600 + min*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(s, off), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither an IANA time zone (Asia/Shanghai) nor an offset (+08:00)", s)
	}
	return loc, nil
}

// timeParser reads reported_at and closed_at.
type timeParser struct {
	layout string
	loc    *time.Location // for times without an offset; nil: refuse them
}

// zoned are the standard forms, with an offset; local are the same
// without one, accepted only when the mapping gives a time zone.
var (
	zoned = []string{"2006-01-02 15:04:05Z07:00", time.RFC3339Nano, "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00"}
	local = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006/01/02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04"}
)

// parse reads s; the reason says what is wrong with it.
func (p *timeParser) parse(s string) (time.Time, string) {
	if p.layout != "" {
		var t time.Time
		var err error
		if p.loc != nil {
			t, err = time.ParseInLocation(p.layout, s, p.loc)
		} else {
			t, err = time.Parse(p.layout, s)
		}
		if err == nil {
			return t, ""
		}
	}
	for _, l := range zoned {
		if t, err := time.Parse(l, s); err == nil {
			return t, ""
		}
	}
	for _, l := range local {
		if p.loc != nil {
			if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
				return t, ""
			}
		} else if _, err := time.Parse(l, s); err == nil {
			return time.Time{}, fmt.Sprintf("%q has no time zone: write it with an offset (2026-10-12 08:31:05+08:00) or give the timezone in a mapping file", s)
		}
	}
	want := "2026-10-12 08:31:05+08:00 or RFC 3339"
	if p.layout != "" {
		want = "the mapping's time_layout " + strconv.Quote(p.layout) + ", " + want
	}
	return time.Time{}, fmt.Sprintf("%q is not a time like %s", s, want)
}
