package open311

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/photo"
)

// Update is one entry of FixMyStreet's servicerequestupdates: a step of
// the workflow.
type Update struct {
	XMLName          xml.Name `xml:"request_update" json:"-"`
	UpdateID         string   `xml:"update_id" json:"update_id"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Status           string   `xml:"status" json:"status"`
	UpdatedDatetime  string   `xml:"updated_datetime" json:"updated_datetime"`
	Description      string   `xml:"description" json:"description"`
	MediaURL         string   `xml:"media_url" json:"media_url"`
}

// actionText describes an update without a note.
var actionText = map[string]string{
	"report": "已受理 received", "import": "已受理 received (12345)", "register": "已立案 registered",
	"dispatch": "已派遣 dispatched", "start": "处置中 being handled", "resolve": "已处置，待核查 reported fixed",
	"close": "核查结案 verified and closed", "rework": "返工 sent back for rework", "send_back": "回退 returned to the dispatcher",
	"extend": "延期 extended", "park": "挂账 parked", "void": "作废 void", "merge": "重复 duplicate",
}

// updatesSQL: every workflow event of an Open311-visible problem, in
// order; a resolve carries the latest after photo uploaded by then.
const updatesSQL = `SELECT e.id, e.problem_id, e.action, e.to_status::text, e.at, e.note,
	(SELECT ph.id FROM photos ph WHERE ph.problem_id = e.problem_id AND e.action IN ('resolve', 'close')
	   AND ph.kind = 'after' AND ph.uploaded_at <= e.at ORDER BY ph.id DESC LIMIT 1)
FROM problem_events e JOIN problems p ON p.id = e.problem_id JOIN categories c ON c.code = p.category_code
WHERE c.open311_code IS NOT NULL AND e.action <> 'merged_in'`

func (h *Handlers) updates(c echo.Context, fm format) error {
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	f, err := parseRequestFilter(c, time.Now())
	if err != nil {
		return err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	sql := updatesSQL
	if len(f.ids) > 0 {
		sql += ` AND e.problem_id = ANY(` + arg(f.ids) + `)`
	} else {
		sql += ` AND e.at >= ` + arg(f.from) + ` AND e.at <= ` + arg(f.to)
	}
	sql += ` ORDER BY e.id LIMIT ` + arg(f.pageSize) + ` OFFSET ` + arg((f.page-1)*f.pageSize)
	rows, err := h.Pool.Query(c.Request().Context(), sql, args...)
	if err != nil {
		return fmt.Errorf("list updates: %w", err)
	}
	defer rows.Close()
	base := baseURL(c)
	w := newList(c, fm, "service_request_updates")
	for rows.Next() {
		var id, pid int64
		var action, to, note string
		var at time.Time
		var photoID *int64
		if err := rows.Scan(&id, &pid, &action, &to, &at, &note, &photoID); err != nil {
			return fmt.Errorf("scan update: %w", err)
		}
		u := Update{UpdateID: strconv.FormatInt(id, 10), ServiceRequestID: strconv.FormatInt(pid, 10),
			Status: updateStatus(action, to), UpdatedDatetime: w3c(at), Description: note}
		if u.Description == "" {
			u.Description = actionText[action]
		}
		if photoID != nil {
			u.MediaURL = base + photo.URLFor(*photoID)
		}
		if err := w.item(u); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list updates: %w", err)
	}
	return w.end()
}
