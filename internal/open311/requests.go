package open311

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/photo"
)

// Window and page defaults of GET requests, as the spec says.
const (
	DefaultWindow   = 90 * 24 * time.Hour
	DefaultPageSize = 1000
	MaxPageSize     = 1000
	maxIDs          = 1000
)

// Request is a service request as GET requests shows it. Reporter contact
// never appears.
type Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	ExtendedStatus    string   `xml:"extended_status" json:"extended_status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime"`
	Address           string   `xml:"address" json:"address"`
	Lat               float64  `xml:"lat" json:"lat"`
	Long              float64  `xml:"long" json:"long"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

// roleNames name a handler by duty role, never by person.
var roleNames = map[string]string{
	"grid_officer": "网格员 grid officer", "street_chief": "街长 street chief", "frontage_owner": "门前五包责任单位 frontage unit",
	"leader": "包联领导 area leader", "department": "部门 department", "manual": "指派处置人 assigned handler",
}

// requestSQL reads requests; the WHERE clause is appended.
const requestSQL = `SELECT p.id, p.status::text, c.open311_code, c.name, p.description, p.reported_at, p.updated_at, p.due_at,
	coalesce(nullif(p.address, ''), concat_ws(', ', s.name, g.name), ''), ST_Y(p.geom), ST_X(p.geom),
	dep.name, p.assignee_role, p.assignee_person_id IS NOT NULL,
	(SELECT e.note FROM problem_events e WHERE e.problem_id = p.id AND e.note <> '' ORDER BY e.id DESC LIMIT 1),
	(SELECT ph.id FROM photos ph WHERE ph.problem_id = p.id ORDER BY (ph.kind = 'report') DESC, ph.id LIMIT 1),
	p.photos[1]
FROM problems p JOIN categories c ON c.code = p.category_code
LEFT JOIN departments dep ON dep.code = p.assignee_department
LEFT JOIN streets s ON s.code = p.street_code
LEFT JOIN areas g ON g.code = p.grid_code
WHERE c.open311_code IS NOT NULL`

func scanRequest(row pgx.Row, base string) (Request, error) {
	var r Request
	var id int64
	var status, code, address string
	var reported, updated time.Time
	var due *time.Time
	var dep, role, note, firstURL *string
	var person bool
	var photoID *int64
	err := row.Scan(&id, &status, &code, &r.ServiceName, &r.Description, &reported, &updated, &due,
		&address, &r.Lat, &r.Long, &dep, &role, &person, &note, &photoID, &firstURL)
	if err != nil {
		return r, err
	}
	r.ServiceRequestID, r.ServiceCode, r.Address = strconv.FormatInt(id, 10), code, address
	r.Status, r.ExtendedStatus = openClosed(status), extendedStatus(status)
	r.StatusNotes = statusNotes(status)
	if note != nil {
		r.StatusNotes += ": " + *note
	}
	switch {
	case dep != nil:
		r.AgencyResponsible = *dep
	case person && role != nil:
		r.AgencyResponsible = roleNames[*role]
	}
	r.RequestedDatetime, r.UpdatedDatetime = w3c(reported), w3c(updated)
	if due != nil {
		r.ExpectedDatetime = w3c(*due)
	}
	switch {
	case photoID != nil:
		r.MediaURL = base + photo.URLFor(*photoID)
	case firstURL != nil:
		r.MediaURL = *firstURL
	}
	return r, nil
}

// requestFilter is what GET requests asked for.
type requestFilter struct {
	ids            []int64
	codes          []string
	from, to       time.Time
	open, closed   bool
	page, pageSize int
}

func parseRequestFilter(c echo.Context, now time.Time) (requestFilter, error) {
	f := requestFilter{page: 1, pageSize: DefaultPageSize, open: true, closed: true}
	var msgs []string
	bad := func(s string) { msgs = append(msgs, s) }
	if raw := strings.TrimSpace(c.QueryParam("service_request_id")); raw != "" {
		for _, s := range strings.Split(raw, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || id <= 0 {
				bad(fmt.Sprintf("service_request_id: %q is not a request id", s))
				continue
			}
			f.ids = append(f.ids, id)
		}
		if len(f.ids) > maxIDs {
			bad(fmt.Sprintf("service_request_id: at most %d ids", maxIDs))
		}
	}
	if raw := strings.TrimSpace(c.QueryParam("service_code")); raw != "" {
		for _, s := range strings.Split(raw, ",") {
			f.codes = append(f.codes, strings.TrimSpace(s))
		}
	}
	if raw := strings.TrimSpace(c.QueryParam("status")); raw != "" {
		f.open, f.closed = false, false
		for _, s := range strings.Split(raw, ",") {
			switch strings.TrimSpace(s) {
			case "open":
				f.open = true
			case "closed":
				f.closed = true
			default:
				bad(fmt.Sprintf("status: %q is not open or closed", s))
			}
		}
	}
	var haveFrom, haveTo bool
	for name, dst := range map[string]*time.Time{"start_date": &f.from, "end_date": &f.to} {
		if raw := c.QueryParam(name); raw != "" {
			t, reason := httpx.ParseTime(raw)
			if reason != "" {
				bad(name + ": " + reason)
				continue
			}
			*dst = t
			if name == "start_date" {
				haveFrom = true
			} else {
				haveTo = true
			}
		}
	}
	switch {
	case !haveFrom && !haveTo:
		f.to, f.from = now, now.Add(-DefaultWindow)
	case !haveFrom:
		f.from = f.to.Add(-DefaultWindow)
	case !haveTo:
		f.to = now
	}
	if haveFrom && haveTo && f.from.After(f.to) {
		bad("start_date: " + f.from.Format(time.RFC3339) + " is after end_date " + f.to.Format(time.RFC3339))
	}
	for name, dst := range map[string]*int{"page": &f.page, "page_size": &f.pageSize} {
		if raw := c.QueryParam(name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				bad(name + ": want a positive whole number")
				continue
			}
			*dst = n
		}
	}
	if f.pageSize > MaxPageSize {
		bad(fmt.Sprintf("page_size: %d is over the limit of %d", f.pageSize, MaxPageSize))
	}
	if f.page > 1_000_000 {
		bad("page: too far")
	}
	if len(msgs) > 0 {
		return f, badRequest(msgs...)
	}
	return f, nil
}

func (h *Handlers) listRequests(c echo.Context, fm format) error {
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	f, err := parseRequestFilter(c, time.Now())
	if err != nil {
		return err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	sql := requestSQL
	if len(f.ids) > 0 {
		// The spec: with service_request_id, the other parameters are ignored.
		sql += ` AND p.id = ANY(` + arg(f.ids) + `) ORDER BY p.id`
	} else {
		sql += ` AND p.reported_at >= ` + arg(f.from) + ` AND p.reported_at <= ` + arg(f.to)
		if len(f.codes) > 0 {
			sql += ` AND c.open311_code = ANY(` + arg(f.codes) + `)`
		}
		switch {
		case f.open && !f.closed:
			sql += ` AND p.status NOT IN ('closed', 'void', 'merged')`
		case f.closed && !f.open:
			sql += ` AND p.status IN ('closed', 'void', 'merged')`
		}
		sql += ` ORDER BY p.reported_at DESC, p.id DESC LIMIT ` + arg(f.pageSize) + ` OFFSET ` + arg((f.page-1)*f.pageSize)
	}
	return h.streamRequests(c, fm, sql, args...)
}

func (h *Handlers) streamRequests(c echo.Context, fm format, sql string, args ...any) error {
	rows, err := h.Pool.Query(c.Request().Context(), sql, args...)
	if err != nil {
		return fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	base := baseURL(c)
	w := newList(c, fm, "service_requests")
	for rows.Next() {
		r, err := scanRequest(rows, base)
		if err != nil {
			return fmt.Errorf("scan request: %w", err)
		}
		if err := w.item(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list requests: %w", err)
	}
	return w.end()
}

func (h *Handlers) oneRequest(c echo.Context, raw string, fm format) error {
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return notFound("service_request_id " + raw + " not found")
	}
	var exists bool
	if err := h.Pool.QueryRow(c.Request().Context(), `SELECT EXISTS (SELECT FROM problems p JOIN categories c ON c.code = p.category_code
		WHERE p.id = $1 AND c.open311_code IS NOT NULL)`, id).Scan(&exists); err != nil {
		return fmt.Errorf("find request: %w", err)
	}
	if !exists {
		return notFound("service_request_id " + raw + " not found")
	}
	return h.streamRequests(c, fm, requestSQL+` AND p.id = $1`, id)
}

// TokenAnswer is what tokens/{token} answers.
type TokenAnswer struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
}

func (h *Handlers) token(c echo.Context, tok string, fm format) error {
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	var id int64
	err := h.Pool.QueryRow(c.Request().Context(), `SELECT problem_id FROM open311_requests WHERE token = $1`, tok).Scan(&id)
	if err == pgx.ErrNoRows {
		return notFound("token " + tok + " not found")
	}
	if err != nil {
		return fmt.Errorf("find token: %w", err)
	}
	a := TokenAnswer{ServiceRequestID: strconv.FormatInt(id, 10), Token: tok}
	if fm == formatJSON {
		return writeJSON(c, 200, []TokenAnswer{a})
	}
	return writeXML(c, 200, xmlServiceRequests{Items: []any{a}})
}
