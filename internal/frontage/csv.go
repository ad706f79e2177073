package frontage

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// CSV columns: the header names them, in any order. Each column has an
// English name and the Chinese headers spreadsheets commonly carry.
var csvColumns = map[string]string{
	"name": "name", "名称": "name", "单位名称": "name", "店名": "name",
	"contact": "contact", "联系人": "contact", "责任人": "contact",
	"lon": "lon", "lng": "lon", "longitude": "lon", "经度": "lon",
	"lat": "lat", "latitude": "lat", "纬度": "lat",
	"licence": "licence", "license": "licence", "统一社会信用代码": "licence", "营业执照号": "licence",
	"phone": "phone", "tel": "phone", "电话": "phone", "联系电话": "phone",
	"width_m": "width_m", "width": "width_m", "宽度": "width_m",
	"street": "street",
}

// requiredColumns must be in the header (their values may still be empty
// where the column allows it: contact).
var requiredColumns = []string{"name", "contact", "lon", "lat"}

// ImportCSV loads frontage units from a CSV file: UTF-8 (a leading BOM is
// dropped), comma-separated, RFC 4180 quoting, a header row first. Columns,
// in any order:
//
//	name     required  the unit's name (名称)
//	contact  required  the person in charge (联系人); may be empty: no owner
//	lon      required  longitude, WGS 84 decimal degrees (经度)
//	lat      required  latitude, WGS 84 decimal degrees (纬度)
//	licence  optional  licence or unit number (统一社会信用代码); unique
//	phone    optional  the contact's phone (联系电话)
//	width_m  optional  frontage width along the street in metres (default 12)
//	street   optional  a street segment code, to force the street fronted
//
// Other named columns are kept, as strings, in the unit's properties;
// columns with an empty header are ignored, and so are records whose
// fields are all empty. Rejections name the 1-based line a record starts
// on.
//
// Each unit's street is the nearest segment within Options.StreetRadiusM.
// Units are upserted by licence when they have one, otherwise by name and
// identical location; re-importing a file changes nothing. If anything is
// rejected nothing is written and the error is a *RejectedError listing
// every reason.
//
// Owners: a unit with a contact gets a frontage_owner duty from the import
// on, held by the person with that name and phone (created, titled
// OwnerTitle, when there is none), unless its current owner is already
// that person (same name; same phone when both are known). A current owner
// who is someone else is ended at that instant. A unit without a contact
// gets no owner, and a current owner it has is left alone: an import never
// ends a duty without naming a successor.
func ImportCSV(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options) (Result, error) {
	return run(ctx, pool, newCSVReader(r), opt, true)
}

// csvReader reads records into units.
type csvReader struct {
	r       *csv.Reader
	header  []string // canonical name (or "" ignored, or the header as written for a property) by position
	cols    map[string]int
	props   []int // positions of property columns
	started bool
}

func newCSVReader(r io.Reader) *csvReader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	return &csvReader{r: cr, cols: map[string]int{}}
}

func (c *csvReader) readHeader() error {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return &fileError{index: -1, reason: "empty file: want a header row naming the columns " + strings.Join(requiredColumns, ", ")}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &fileError{index: -1, reason: "header: " + parseErrorReason(pe)}
	}
	if err != nil {
		return fmt.Errorf("read CSV: %w", err)
	}
	c.header = make([]string, len(rec))
	var problems []string
	for i, h := range rec {
		if !utf8.ValidString(h) {
			return &fileError{index: -1, reason: "header: not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"}
		}
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		name, known := csvColumns[strings.ToLower(h)]
		if !known {
			c.header[i] = h
			c.props = append(c.props, i)
			continue
		}
		if first, dup := c.cols[name]; dup {
			problems = append(problems, fmt.Sprintf("columns %d (%s) and %d (%s) both give %s", first+1, rec[first], i+1, h, name))
			continue
		}
		c.cols[name] = i
		c.header[i] = name
	}
	var missing []string
	for _, n := range requiredColumns {
		if _, ok := c.cols[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("no column %s (want %s; optional licence, phone, width_m, street)",
			strings.Join(missing, ", "), strings.Join(requiredColumns, ", ")))
	}
	if len(problems) > 0 {
		return &fileError{index: -1, reason: "header: " + strings.Join(problems, "; ")}
	}
	return nil
}

func (c *csvReader) next() (record, bool, error) {
	if !c.started {
		c.started = true
		if err := c.readHeader(); err != nil {
			return record{}, false, err
		}
	}
	for {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			return record{}, false, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			out := record{index: pe.StartLine, reasons: []string{
				fmt.Sprintf("wrong number of fields: %d where the header has %d", len(rec), len(c.header))}}
			if i, ok := c.cols["name"]; ok && i < len(rec) && utf8.ValidString(rec[i]) {
				out.name = strings.TrimSpace(rec[i])
			}
			return out, true, nil
		}
		if errors.As(err, &pe) {
			return record{index: pe.StartLine, reasons: []string{parseErrorReason(pe)}}, true, nil
		}
		if err != nil {
			return record{}, false, fmt.Errorf("read CSV: %w", err)
		}
		if allEmpty(rec) {
			continue
		}
		line, _ := c.r.FieldPos(0)
		return c.record(line, rec), true, nil
	}
}

// parseErrorReason explains broken quoting.
func parseErrorReason(pe *csv.ParseError) string {
	r := fmt.Sprintf("broken quoting: %v at line %d, column %d", pe.Err, pe.Line, pe.Column)
	if pe.Line != pe.StartLine {
		r += fmt.Sprintf(" (a quoted field that opens on line %d runs on to there)", pe.StartLine)
	}
	return r
}

func allEmpty(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// record turns one CSV record into a unit and its reasons.
func (c *csvReader) record(line int, rec []string) record {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return record{index: line, reasons: []string{"not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"}}
		}
	}
	get := func(col string) string {
		if i, ok := c.cols[col]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	u := &unit{name: get("name"), licence: get("licence"), contact: get("contact"), phone: get("phone"), street: get("street")}
	out := record{index: line, name: u.name, u: u}
	if w := get("width_m"); w != "" {
		f, reason := parseNumber("width_m", w)
		if reason != "" {
			out.reasons = append(out.reasons, reason)
		} else {
			u.width = &f
		}
	}
	lonText, latText := get("lon"), get("lat")
	var lon, lat float64
	var bad []string
	if lonText == "" {
		bad = append(bad, "missing lon")
	} else if v, reason := parseNumber("lon", lonText); reason != "" {
		bad = append(bad, reason)
	} else {
		lon = v
	}
	if latText == "" {
		bad = append(bad, "missing lat")
	} else if v, reason := parseNumber("lat", latText); reason != "" {
		bad = append(bad, reason)
	} else {
		lat = v
	}
	if bad == nil {
		bad = positionReasons("", lon, lat)
	}
	out.reasons = append(out.reasons, bad...)
	if bad == nil {
		b, err := wkb.Marshal(orb.Point{lon, lat})
		if err != nil {
			out.reasons = append(out.reasons, fmt.Sprintf("location: %v", err))
		}
		u.wkb = b
	}
	if len(c.props) > 0 {
		props := map[string]string{}
		for _, i := range c.props {
			if v := strings.TrimSpace(rec[i]); v != "" {
				props[c.header[i]] = v
			}
		}
		u.properties, _ = json.Marshal(props) // strings always encode
	}
	return out
}
