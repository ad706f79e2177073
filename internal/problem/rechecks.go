package problem

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/photo"
)

// Recheck is a look-back inspection (回头看) of a closed problem.
type Recheck struct {
	ID               int64      `json:"id"`
	ProblemID        int64      `json:"problem_id"`
	Days             int        `json:"days"`
	DueAt            time.Time  `json:"due_at"`
	Status           string     `json:"status"` // pending, held, rebounded
	CheckedAt        *time.Time `json:"checked_at"`
	CheckedBy        *string    `json:"checked_by"`
	Note             string     `json:"note"`
	PhotoURL         *string    `json:"photo_url"`
	ReboundProblemID *int64     `json:"rebound_problem_id"`
	// In lists: where and what to look at.
	Number   string   `json:"number,omitempty"`
	Category string   `json:"category,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
	Grid     *string  `json:"grid,omitempty"`
}

// RecheckFilter selects re-checks.
type RecheckFilter struct {
	DueBefore *time.Time
	Area      string // any level: matches the problem's grid and ancestors
	Status    string // default pending
	Limit     int
}

const recheckCols = `r.id, r.problem_id, r.days, r.due_at, r.status, r.checked_at, r.checked_by, r.note, r.photo_url,
	r.rebound_problem_id, p.number, p.category_code, ST_X(p.geom), ST_Y(p.geom), p.grid_code
	FROM rechecks r JOIN problems p ON p.id = r.problem_id`

func scanRecheck(row pgx.Row) (Recheck, error) {
	var r Recheck
	err := row.Scan(&r.ID, &r.ProblemID, &r.Days, &r.DueAt, &r.Status, &r.CheckedAt, &r.CheckedBy, &r.Note, &r.PhotoURL,
		&r.ReboundProblemID, &r.Number, &r.Category, &r.Lon, &r.Lat, &r.Grid)
	return r, err
}

// ListRechecks returns re-checks by due time.
func ListRechecks(ctx context.Context, pool *pgxpool.Pool, f RecheckFilter) ([]Recheck, error) {
	if f.Status == "" {
		f.Status = "pending"
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	args := []any{f.Status, f.Limit}
	sql := `SELECT ` + recheckCols + ` WHERE r.status = $1`
	if f.DueBefore != nil {
		args = append(args, *f.DueBefore)
		sql += ` AND r.due_at < $` + strconv.Itoa(len(args))
	}
	if f.Area != "" {
		args = append(args, f.Area)
		n := "$" + strconv.Itoa(len(args))
		sql += ` AND (p.grid_code = ` + n + ` OR p.community_code = ` + n + ` OR p.subdistrict_code = ` + n + ` OR p.district_code = ` + n + `)`
	}
	rows, err := pool.Query(ctx, sql+` ORDER BY r.due_at, r.id LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("list re-checks: %w", err)
	}
	defer rows.Close()
	out := []Recheck{}
	for rows.Next() {
		r, err := scanRecheck(rows)
		if err != nil {
			return nil, fmt.Errorf("scan re-check: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecheckResult is what an inspector found.
type RecheckResult struct {
	Result   string // held or rebounded
	Note     string
	PhotoURL string
	Actor    string
	As       auth.Principal // who records it: their scope must cover the problem
}

// NotDueError: a re-check recorded before it is due, by someone who may
// not record it early (a supervisor may, with a reason).
type NotDueError struct{ DueAt time.Time }

func (e *NotDueError) Error() string {
	return "the re-check is due at " + e.DueAt.Format(time.RFC3339) + "; before that only a supervisor may record it, with a note saying why"
}

// ErrRecheckNotFound is returned for an unknown re-check.
var ErrRecheckNotFound = errors.New("re-check not found")

// RecordRecheck records a re-check's result, when it is due (earlier only
// by a supervisor or admin with a note), where res.As answers (the scope
// is in the SQL that locks the re-check). A rebound opens a new problem
// at the same place and category, linked to the original (rebound_of) and
// dispatched to whoever answers for the place now — in the same
// transaction as the result, so a failure leaves neither.
func RecordRecheck(ctx context.Context, pool *pgxpool.Pool, s Settings, id int64, res RecheckResult) (Recheck, *Problem, error) {
	if res.Result != "held" && res.Result != "rebounded" {
		return Recheck{}, nil, &InputError{"result", "want held or rebounded"}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return Recheck{}, nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	ctx = audit.OrActor(ctx, res.Actor)
	var status, category string
	var problemID int64
	var lon, lat float64
	var dueAt time.Time
	sa := auth.Args{List: []any{id}}
	scope := res.As.ProblemScope("p", &sa)
	err = tx.QueryRow(ctx, `SELECT r.status, r.problem_id, p.category_code, ST_X(p.geom), ST_Y(p.geom), r.due_at
		FROM rechecks r JOIN problems p ON p.id = r.problem_id WHERE r.id = $1 AND `+scope+` FOR UPDATE OF r`, sa.List...).
		Scan(&status, &problemID, &category, &lon, &lat, &dueAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err := tx.QueryRow(ctx, `SELECT problem_id FROM rechecks WHERE id = $1`, id).Scan(&problemID)
		if errors.Is(err, pgx.ErrNoRows) {
			return Recheck{}, nil, ErrRecheckNotFound
		}
		if err != nil {
			return Recheck{}, nil, fmt.Errorf("look up re-check %d: %w", id, err)
		}
		return Recheck{}, nil, &ScopeError{ID: problemID}
	}
	if err != nil {
		return Recheck{}, nil, fmt.Errorf("lock re-check %d: %w", id, err)
	}
	if status != "pending" {
		return Recheck{}, nil, &TransitionError{Status: status, Action: "record a re-check", Allowed: []string{}}
	}
	early := (res.As.Role == "supervisor" || res.As.Role == "admin") && strings.TrimSpace(res.Note) != ""
	if dueAt.After(time.Now()) && !early {
		return Recheck{}, nil, &NotDueError{DueAt: dueAt}
	}
	// The category's photo rule (internal/photo) may ask for a recheck photo.
	if reason, err := photo.MissingForRecheck(ctx, tx, id); err != nil {
		return Recheck{}, nil, err
	} else if reason != "" {
		return Recheck{}, nil, &InputError{"photo", reason}
	}
	var rebound *Problem
	var reboundID *int64
	if res.Result == "rebounded" {
		desc := "回头看发现反弹 (look-back found it back)"
		if res.Note != "" {
			desc += ": " + res.Note
		}
		var photos []string
		if res.PhotoURL != "" {
			photos = []string{res.PhotoURL}
		}
		p, _, err := Intake(ctx, tx, s, Report{
			Category: category, Description: desc, Source: "inspection", SourceRef: fmt.Sprintf("recheck-%d", id),
			Photos: photos, Lon: lon, Lat: lat, ReportedAt: time.Now(), Actor: res.Actor, ReboundOf: &problemID, quiet: true,
		})
		if err != nil {
			return Recheck{}, nil, fmt.Errorf("open the rebound problem: %w", err)
		}
		rebound, reboundID = &p, &p.ID
	}
	if _, err := tx.Exec(ctx, `UPDATE rechecks SET status = $2, checked_at = now(), checked_by = $3, note = $4,
		photo_url = $5, rebound_problem_id = $6 WHERE id = $1`, id, res.Result, res.Actor, res.Note, nullable(res.PhotoURL), reboundID); err != nil {
		return Recheck{}, nil, fmt.Errorf("record re-check %d: %w", id, err)
	}
	r, err := scanRecheck(tx.QueryRow(ctx, `SELECT `+recheckCols+` WHERE r.id = $1`, id))
	if err != nil {
		return Recheck{}, nil, fmt.Errorf("read re-check %d: %w", id, err)
	}
	after := map[string]any{"recheck": r}
	if rebound != nil {
		after["rebound_problem"] = rebound
	}
	if err := audit.Record(ctx, tx, "recheck.record", fmt.Sprintf("recheck:%d", id), map[string]any{"status": status, "due_at": dueAt}, after); err != nil {
		return Recheck{}, nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Recheck{}, nil, fmt.Errorf("commit: %w", err)
	}
	return r, rebound, nil
}
