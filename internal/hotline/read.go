package hotline

// Reading the file: the header, then one row at a time, checked and
// handed to COPY. Everything that needs no database is checked here; the
// categories are read once before the rows.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// Limits of the problems table.
const (
	maxTicket  = 100  // problems.source_ref
	maxContent = 4000 // problems.description
	maxAddress = 500  // problems.address
)

// clockSkew is how far in the future a time may be before it is refused.
const clockSkew = 5 * time.Minute

// fileError stops reading: the file as a whole cannot be imported. line
// is where it was found (0: not tied to a line).
type fileError struct {
	line   int
	reason string
}

func (e *fileError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("line %d: %s", e.line, e.reason)
	}
	return e.reason
}

// catIndex finds a category by code or by name.
type catIndex struct {
	byCode map[string]catInfo
	byName map[string][]catInfo
}

type catInfo struct {
	code   string
	active bool
}

// lookup returns the code of the category s names, or why there is none.
func (c *catIndex) lookup(s string) (string, string) {
	if ci, ok := c.byCode[s]; ok {
		if !ci.active {
			return "", fmt.Sprintf("category %s is no longer in use", s)
		}
		return ci.code, ""
	}
	var codes []string
	for _, ci := range c.byName[s] {
		if ci.active {
			codes = append(codes, ci.code)
		}
	}
	switch {
	case s == "":
		return "", "unknown category: none given"
	case len(codes) == 1:
		return codes[0], ""
	case len(codes) > 1:
		return "", fmt.Sprintf("category name %q is ambiguous (codes %s): give the code", s, strings.Join(codes, ", "))
	case len(c.byName[s]) > 0:
		return "", fmt.Sprintf("category %s is no longer in use", s)
	}
	return "", fmt.Sprintf("unknown category %q (neither the code nor the name of a category)", s)
}

// row is one accepted row and, as the import goes on, what it becomes.
type row struct {
	line       int
	ticket     string
	reportedAt time.Time
	category   string
	lon, lat   float64
	address    string
	content    string
	closedAt   *time.Time

	checked bool // parse checked every field (and so the ticket is compared with the others)
	skip    bool // rejected after reading (outside the calendar, or its deadline)
	stored  bool // already imported
	written bool // COPY wrote it

	// mapping (placemap.Result)
	grid, hit, hitLevel, street string
	streetM                     float64 // rounded to 0.1 m
	frontage                    int64

	id       int64
	res      resolved
	due      *time.Time
	recursOf int64
}

// reader turns the file into checked rows.
type reader struct {
	cr      *csv.Reader
	col     map[string]int // field → column position; missing optional fields absent
	width   int            // columns in the header
	times   timeParser
	cats    *catIndex
	closed  []string
	open    []string
	now     time.Time
	gbk     bool // decoded from GBK: a replacement character means bytes that were not GBK
	tickets map[string]int
	rejects []Rejection
	read    int
}

// newReader reads the header of r (UTF-8 text) and checks it has the
// required columns.
func newReader(r io.Reader, m *Mapping, gbk bool) (*reader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &fileError{reason: "the file is empty: want a header row (" + strings.Join(Fields, ",") + ")"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	rd := &reader{cr: cr, col: map[string]int{}, width: len(header), gbk: gbk, tickets: map[string]int{}}
	pos := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return nil, &fileError{line: 1, reason: notUTF8([]byte(h))}
		}
		if _, dup := pos[h]; !dup && h != "" {
			pos[h] = i
		}
	}
	var missing []string
	for _, f := range Fields {
		if i, ok := pos[m.header(f)]; ok {
			rd.col[f] = i
		} else if slices.Contains(requiredFields, f) {
			missing = append(missing, fmt.Sprintf("%s (%q)", f, m.header(f)))
		}
	}
	if len(missing) > 0 {
		reason := "missing required column"
		if len(missing) > 1 {
			reason += "s"
		}
		hint := ""
		if m == nil {
			hint = "; for another layout pass a mapping file (--mapping)"
		}
		return nil, &fileError{line: 1, reason: fmt.Sprintf("%s %s; the header has %q%s", reason, strings.Join(missing, ", "), strings.Join(header, ","), hint)}
	}
	if m != nil {
		rd.times = timeParser{layout: m.TimeLayout, loc: m.loc}
		rd.closed, rd.open = m.ClosedStatus, m.OpenStatus
	}
	if len(rd.closed) == 0 {
		rd.closed = []string{StatusClosed}
	}
	if len(rd.open) == 0 {
		rd.open = []string{StatusOpen}
	}
	return rd, nil
}

// csvError turns a CSV syntax error into the file's rejection.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := "broken CSV"
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			what = "broken quoting"
		}
		line := pe.Line
		if pe.StartLine > 0 && pe.StartLine != pe.Line {
			return &fileError{line: pe.StartLine, reason: fmt.Sprintf("%s: the record starting here fails at line %d, column %d: %v", what, pe.Line, pe.Column, pe.Err)}
		}
		return &fileError{line: line, reason: fmt.Sprintf("%s at column %d: %v", what, pe.Column, pe.Err)}
	}
	return fmt.Errorf("read: %w", err)
}

// record is one non-blank CSV record and the line it starts on.
type record struct {
	line   int
	fields []string
}

// nextRecord returns the next non-blank record, its fields copied; ok is
// false after the last. An error stops the import (a *fileError when the
// file cannot be read).
func (rd *reader) nextRecord() (record, bool, error) {
	for {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			return record{}, false, nil
		}
		if err != nil {
			return record{}, false, csvError(err)
		}
		line, _ := rd.cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		rd.read++
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return record{}, false, &fileError{line: line, reason: notUTF8([]byte(f))}
			}
			if rd.gbk && strings.ContainsRune(f, utf8.RuneError) {
				return record{}, false, &fileError{line: line, reason: "bytes that are not GBK: is the file in another encoding?"}
			}
		}
		return record{line: line, fields: slices.Clone(rec)}, true, nil
	}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// field is the value of field f in rec, trimmed; "" when the layout has
// no such column or the row is short.
func (rd *reader) field(rec []string, f string) string {
	i, ok := rd.col[f]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// parse fills r from rec and returns why the row is rejected, or "".
func (rd *reader) parse(rec []string, line int, r *row) string {
	*r = row{line: line, ticket: rd.field(rec, "ticket_no")}
	switch {
	case r.ticket == "":
		return "no ticket number"
	case utf8.RuneCountInString(r.ticket) > maxTicket:
		r.ticket = string([]rune(r.ticket)[:maxTicket])
		return fmt.Sprintf("ticket number longer than %d characters", maxTicket)
	}
	if len(rec) < rd.width {
		return fmt.Sprintf("%d fields, the header has %d", len(rec), rd.width)
	}
	for _, f := range rec {
		if strings.IndexByte(f, 0) >= 0 {
			return "a field holds a NUL character"
		}
	}
	var reasons []string
	bad := func(format string, a ...any) { reasons = append(reasons, fmt.Sprintf(format, a...)) }

	reported, why := rd.times.parse(rd.field(rec, "reported_at"))
	switch {
	case rd.field(rec, "reported_at") == "":
		bad("bad time: no reported_at")
	case why != "":
		bad("bad time: reported_at %s", why)
	case reported.After(rd.now.Add(clockSkew)):
		bad("bad time: reported_at %s is in the future", reported.Format(time.RFC3339))
	}
	r.reportedAt = reported

	code, why := rd.cats.lookup(rd.field(rec, "category"))
	if why != "" {
		bad("%s", why)
	}
	r.category = code

	if why := rd.coordinates(rd.field(rec, "lon"), rd.field(rec, "lat"), r); why != "" {
		bad("%s", why)
	}

	r.address, r.content = rd.field(rec, "address"), rd.field(rec, "content")
	if n := utf8.RuneCountInString(r.address); n > maxAddress {
		bad("address of %d characters; the limit is %d", n, maxAddress)
	}
	if n := utf8.RuneCountInString(r.content); n > maxContent {
		bad("content of %d characters; the limit is %d", n, maxContent)
	}

	status, closedText := rd.field(rec, "status"), rd.field(rec, "closed_at")
	closed := closedText != ""
	if _, has := rd.col["status"]; has {
		switch {
		case slices.Contains(rd.closed, status):
			closed = true
			if closedText == "" {
				bad("status %s without closed_at", status)
			}
		case slices.Contains(rd.open, status):
			closed = false
			if closedText != "" {
				bad("status %s but closed_at %s is given", status, closedText)
			}
		default:
			bad("unknown status %q: want %s", status, strings.Join(append(slices.Clone(rd.closed), rd.open...), " or "))
		}
	}
	if closed && closedText != "" {
		t, why := rd.times.parse(closedText)
		switch {
		case why != "":
			bad("bad time: closed_at %s", why)
		case t.After(rd.now.Add(clockSkew)):
			bad("bad time: closed_at %s is in the future", t.Format(time.RFC3339))
		case !r.reportedAt.IsZero() && t.Before(r.reportedAt):
			bad("closed_at %s is before reported_at %s", t.Format(time.RFC3339), r.reportedAt.Format(time.RFC3339))
		default:
			r.closedAt = &t
		}
	}

	r.checked = true
	return strings.Join(reasons, "; ")
}

// coordinates parses lon and lat into r; the
// reason says what is wrong.
func (rd *reader) coordinates(lonText, latText string, r *row) string {
	if lonText == "" && latText == "" {
		return "bad coordinates: missing lon and lat"
	}
	if lonText == "" || latText == "" {
		missing := "lon"
		if latText == "" {
			missing = "lat"
		}
		return "bad coordinates: missing " + missing
	}
	lon, err1 := strconv.ParseFloat(lonText, 64)
	lat, err2 := strconv.ParseFloat(latText, 64)
	switch {
	case err1 != nil || math.IsNaN(lon) || math.IsInf(lon, 0):
		return fmt.Sprintf("bad coordinates: lon %q is not a number", lonText)
	case err2 != nil || math.IsNaN(lat) || math.IsInf(lat, 0):
		return fmt.Sprintf("bad coordinates: lat %q is not a number", latText)
	case lon == 0 && lat == 0:
		return "bad coordinates: 0, 0 (no location)"
	case lat < -90 || lat > 90 || lon < -180 || lon > 180:
		reason := fmt.Sprintf("bad coordinates: lon %g, lat %g out of range", lon, lat)
		if lat >= -180 && lat <= 180 && lon >= -90 && lon <= 90 {
			reason += "; lon and lat look swapped"
		}
		return reason
	}
	r.lon, r.lat = lon, lat
	return ""
}

// readAll reads every row of the file, counting them on p. Records are
// read in order; checking them (times, categories, coordinates and their
// range) runs on every core, in batches; tickets repeated in the file are
// found in file order.
func (rd *reader) readAll(p *progress.Reporter) ([]row, error) {
	const batchSize = 2048
	type batch struct {
		recs    []record
		rows    []row
		reasons []string
		done    chan struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	todo := make(chan *batch, 2*workers)
	inOrder := make(chan *batch, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range todo {
				b.rows = make([]row, len(b.recs))
				b.reasons = make([]string, len(b.recs))
				for i, rec := range b.recs {
					b.reasons[i] = rd.parse(rec.fields, rec.line, &b.rows[i])
				}
				close(b.done)
			}
		})
	}
	var readErr error
	go func() { // the reader: records in file order, in batches
		defer close(todo)
		defer close(inOrder)
		for {
			b := &batch{done: make(chan struct{})}
			for len(b.recs) < batchSize {
				rec, ok, err := rd.nextRecord()
				if err != nil {
					readErr = err
					break
				}
				if !ok {
					break
				}
				b.recs = append(b.recs, rec)
			}
			if len(b.recs) == 0 {
				return
			}
			todo <- b
			inOrder <- b
			if readErr != nil || len(b.recs) < batchSize {
				return
			}
		}
	}()
	var rows []row
	for b := range inOrder {
		<-b.done
		for i := range b.rows {
			r, reason := b.rows[i], b.reasons[i]
			if first, dup := rd.tickets[r.ticket]; dup && r.checked {
				if reason != "" {
					reason += "; "
				}
				reason += fmt.Sprintf("duplicate ticket, first at line %d", first)
			} else if reason == "" {
				rd.tickets[r.ticket] = r.line
			}
			if reason != "" {
				rd.rejects = append(rd.rejects, Rejection{Line: r.line, Ticket: r.ticket, Reason: reason})
				continue
			}
			rows = append(rows, r)
		}
		p.Add(int64(len(b.rows)))
	}
	wg.Wait()
	return rows, readErr
}
