package duty

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gridkeeper/gridkeeper/internal/auth"
)

// Holder is who holds a duty: a person or a department.
type Holder struct {
	Kind  string `json:"kind"` // "person" or "department"
	ID    *int64 `json:"id,omitempty"`
	Code  string `json:"code,omitempty"`
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

// Duty is one holder on one target in one role for a period [From, To).
type Duty struct {
	ID        int64      `json:"id"`
	Role      string     `json:"role"`
	Target    string     `json:"target"`
	Holder    Holder     `json:"holder"`
	From      time.Time  `json:"from"`
	To        *time.Time `json:"to"`
	Current   bool       `json:"current"`
	Note      string     `json:"note"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// TargetInfo describes an existing target.
type TargetInfo struct {
	Target
	Name  string `json:"name"`
	Level string `json:"level,omitempty"` // areas only
}

// ErrNotFound is returned for an unknown duty or target.
var ErrNotFound = errors.New("not found")

// querier is what both a pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// dutyColumns are what scanDuty reads; the holder's phone only where
// phoneScope (a boolean SQL expression over d and p) holds.
func dutyColumns(phoneScope string) string {
	return `d.id, d.role::text, d.target_key, d.person_id, coalesce(p.name, ''),
	CASE WHEN ` + phoneScope + ` THEN coalesce(p.phone, '') ELSE '' END,
	coalesce(d.department_code, ''), coalesce(dep.name, ''), lower(d.valid), upper(d.valid),
	d.valid @> now(), d.note, d.created_by, d.created_at
	FROM duties d LEFT JOIN people p ON p.id = d.person_id LEFT JOIN departments dep ON dep.code = d.department_code`
}

func scanDuty(row pgx.Row) (Duty, error) {
	var d Duty
	var personID *int64
	var name, phone, depCode, depName string
	err := row.Scan(&d.ID, &d.Role, &d.Target, &personID, &name, &phone, &depCode, &depName,
		&d.From, &d.To, &d.Current, &d.Note, &d.CreatedBy, &d.CreatedAt)
	if err != nil {
		return d, err
	}
	if personID != nil {
		d.Holder = Holder{Kind: "person", ID: personID, Name: name, Phone: phone}
	} else {
		d.Holder = Holder{Kind: "department", Code: depCode, Name: depName}
	}
	return d, nil
}

// Filter selects duties.
type Filter struct {
	Target   *Target
	PersonID *int64
	Role     string
	At       *time.Time // only duties valid at this instant
	// As is who asks: holders' phones appear only for the people their
	// scope covers (auth.Principal.PersonScope); the zero value sees none.
	As auth.Principal
}

// List returns duties matching f, by role then newest first.
func List(ctx context.Context, q querier, f Filter) ([]Duty, error) {
	var a auth.Args
	arg := a.Arg
	sql := `SELECT ` + dutyColumns(f.As.PersonScope("p.id", &a)) + ` WHERE true`
	if f.Target != nil {
		sql += ` AND d.target_key = ` + arg(f.Target.String())
	}
	if f.PersonID != nil {
		sql += ` AND d.person_id = ` + arg(*f.PersonID)
	}
	if f.Role != "" {
		sql += ` AND d.role = ` + arg(f.Role) + `::duty_role`
	}
	if f.At != nil {
		sql += ` AND d.valid @> ` + arg(*f.At) + `::timestamptz`
	}
	rows, err := q.Query(ctx, sql+` ORDER BY d.role, lower(d.valid) DESC, d.id DESC`, a.List...)
	if err != nil {
		return nil, fmt.Errorf("list duties: %w", err)
	}
	defer rows.Close()
	out := []Duty{}
	for rows.Next() {
		d, err := scanDuty(rows)
		if err != nil {
			return nil, fmt.Errorf("scan duty: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Get returns one duty with its holder's phone (for the writes that
// return it to the staff who made them).
func Get(ctx context.Context, q querier, id int64) (Duty, error) {
	return get(ctx, q, id, "true", nil)
}

// GetAs returns one duty as as may see it: the holder's phone only when
// as's scope covers the holder.
func GetAs(ctx context.Context, q querier, id int64, as auth.Principal) (Duty, error) {
	a := auth.Args{List: []any{id}}
	scope := as.PersonScope("p.id", &a)
	return get(ctx, q, id, scope, a.List)
}

func get(ctx context.Context, q querier, id int64, phoneScope string, args []any) (Duty, error) {
	if args == nil {
		args = []any{id}
	}
	d, err := scanDuty(q.QueryRow(ctx, `SELECT `+dutyColumns(phoneScope)+` WHERE d.id = $1`, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("get duty %d: %w", id, err)
	}
	return d, nil
}

// LookupTarget returns the target's name (and level, for areas), or
// ErrNotFound.
func LookupTarget(ctx context.Context, q querier, t Target) (TargetInfo, error) {
	info := TargetInfo{Target: t}
	var sql string
	switch t.Kind {
	case "area":
		sql = `SELECT name, level::text FROM areas WHERE code = $1`
	case "street":
		sql = `SELECT name, '' FROM streets WHERE code = $1`
	case "frontage":
		sql = `SELECT name, '' FROM frontages WHERE id = $1::bigint`
	case "category":
		sql = `SELECT name, '' FROM categories WHERE code = $1`
	default:
		return info, ErrNotFound
	}
	err := q.QueryRow(ctx, sql, t.Key).Scan(&info.Name, &info.Level)
	if errors.Is(err, pgx.ErrNoRows) {
		return info, ErrNotFound
	}
	if err != nil {
		return info, fmt.Errorf("look up %s: %w", t, err)
	}
	return info, nil
}

// isExclusion reports a duties_no_overlap refusal.
func isExclusion(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23P01"
}
