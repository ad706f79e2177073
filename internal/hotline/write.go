package hotline

// Writing: the problems and their import events, each with one COPY.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/uber/h3-go/v4"
)

// registerTypes teaches the connection the types pgx does not know:
// geometry (sent as EWKB, which geometry_recv reads) and the
// problem_status enum.
func registerTypes(ctx context.Context, conn *pgx.Conn) error {
	tm := conn.TypeMap()
	if _, ok := tm.TypeForName("problem_status"); !ok {
		t, err := conn.LoadType(ctx, "problem_status")
		if err != nil {
			return err
		}
		tm.RegisterType(t)
	}
	if _, ok := tm.TypeForName("geometry"); !ok {
		var oid uint32
		if err := conn.QueryRow(ctx, `SELECT 'geometry'::regtype::oid`).Scan(&oid); err != nil {
			return err
		}
		tm.RegisterType(&pgtype.Type{Name: "geometry", OID: oid, Codec: pgtype.ByteaCodec{}})
	}
	return nil
}

// ewkbPoint is a point with SRID 4326 as extended WKB (little endian).
func ewkbPoint(buf []byte, lon, lat float64) []byte {
	buf = append(buf[:0], 1)
	buf = binary.LittleEndian.AppendUint32(buf, 1|0x20000000)
	buf = binary.LittleEndian.AppendUint32(buf, 4326)
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(lon))
	return binary.LittleEndian.AppendUint64(buf, math.Float64bits(lat))
}

// status is what an imported row becomes: reported (outside every grid),
// closed or dispatched.
func (r *row) status() string {
	switch {
	case r.grid == "":
		return "reported"
	case r.closedAt != nil:
		return "closed"
	}
	return "dispatched"
}

// problemSource feeds the problems COPY.
type problemSource struct {
	rows   []row
	cats   map[string]*category
	mapped *mapper
	link   func(*row) // resolves the row's chain and recurrence
	i      int
	late   []int // rows whose deadline falls beyond the calendar, not written
	vals   []any
}

func (s *problemSource) Next() bool {
	for s.i < len(s.rows) {
		s.i++
		r := &s.rows[s.i-1]
		if !r.pending() {
			continue
		}
		s.mapped.wait(s.i - 1)
		if r.grid != "" && r.due == nil {
			s.late = append(s.late, s.i-1)
			continue
		}
		return true
	}
	return false
}

func (s *problemSource) Values() ([]any, error) {
	r := &s.rows[s.i-1]
	s.link(r)
	r.written = true
	var err error
	s.vals, err = problemValues(s.vals, r, s.cats)
	return s.vals, err
}

// problemValues are the row's values in problemColumns' order.
func problemValues(vals []any, r *row, cats map[string]*category) ([]any, error) {
	// the H3 cell of the location at resolution 15, as intake stores it
	// (here, computed while the server writes the rows before)
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: r.lat, Lng: r.lon}, 15)
	if err != nil {
		return nil, fmt.Errorf("line %d: no H3 cell for (%g, %g): %w", r.line, r.lon, r.lat, err)
	}
	mapped := r.grid != ""
	var regAt, dispAt, due, resolvedAt, closedAt any
	var role any
	dispatches := int32(0)
	if mapped {
		regAt, dispAt, dispatches = r.reportedAt, r.reportedAt, 1
		if r.due != nil {
			due = *r.due
		}
		if r.closedAt != nil {
			resolvedAt, closedAt = *r.closedAt, *r.closedAt
		}
	}
	if r.res.handler > 0 {
		role = handlerRoles[r.res.handler-1]
	}
	var street, streetM, frontage, recurs any
	if r.street != "" {
		street, streetM = r.street, r.streetM
	}
	if r.frontage != 0 {
		frontage = r.frontage
	}
	if r.recursOf != 0 {
		recurs = r.recursOf
	}
	vals = append(vals[:0],
		r.id, number(r.reportedAt, r.id), r.category, r.content, r.address, "hotline", r.ticket,
		ewkbPoint(nil, r.lon, r.lat), int64(cell), r.reportedAt,
		nullText(r.grid), nullText(r.res.community), nullText(r.res.subdistrict), nullText(r.res.district),
		street, streetM, frontage, r.res.chain,
		r.res.person, r.res.department, role, r.status(),
		regAt, dispAt, dispatches, cats[r.category].limitHours, due, resolvedAt, closedAt, recurs)
	return vals, nil
}

func (s *problemSource) Err() error { return nil }

// eventSource feeds the COPY of the import events: one per problem, by
// the importer, naming the line, the ticket, the hotline's status and the
// handler.
type eventSource struct {
	rows        []row
	actor, note string
	i           int
	vals        []any
}

func (s *eventSource) Next() bool {
	for s.i < len(s.rows) {
		s.i++
		if s.rows[s.i-1].written {
			return true
		}
	}
	return false
}

// eventData is the event's data: the file's line, what the hotline said,
// and whom the import gave the problem (absent when nobody). The ticket
// number is the problem's source_ref.
type eventData struct {
	Line       int        `json:"line"`
	Status     string     `json:"hotline_status"`
	ClosedAt   *time.Time `json:"hotline_closed_at,omitempty"`
	Person     *int64     `json:"assignee_person_id,omitempty"`
	Department *string    `json:"assignee_department,omitempty"`
	Role       *string    `json:"role,omitempty"`
}

func (s *eventSource) Values() ([]any, error) {
	r := &s.rows[s.i-1]
	d := eventData{Line: r.line, Status: "open", Person: r.res.person, Department: r.res.department}
	if r.closedAt != nil {
		d.Status = "closed"
		t := r.closedAt.UTC()
		d.ClosedAt = &t
	}
	if r.res.handler > 0 {
		d.Role = &handlerRoles[r.res.handler-1]
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("event of line %d: %w", r.line, err)
	}
	s.vals = append(s.vals[:0], r.id, s.actor, "import", r.status(), s.note, json.RawMessage(b))
	return s.vals, nil
}

func (s *eventSource) Err() error { return nil }

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
