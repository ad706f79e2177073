package duty

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

// Assignment asks for holder to take role on target from From (to To, or
// open-ended).
type Assignment struct {
	Role       string
	Target     Target
	PersonID   *int64
	Department string
	From       time.Time
	To         *time.Time
	Note       string
	By         string
	As         auth.Principal // who assigns: the target must lie in their scope
}

// ScopeError: the target lies outside the assigning token's scope.
type ScopeError struct{ Target string }

func (e *ScopeError) Error() string {
	return e.Target + " is outside the area this token answers for"
}

// checkScope refuses a target outside as's scope, asking the database
// (auth.Principal.AreaScope): an area must lie within the token's areas;
// streets, frontage units and categories need a city-wide token. A zero
// principal (the server's own calls) is not checked.
func checkScope(ctx context.Context, q querier, as auth.Principal, t Target) error {
	if as.TokenID == 0 || as.CityWide() {
		return nil
	}
	ok := false
	if t.Kind == "area" {
		var a auth.Args
		code := a.Arg(t.Key)
		if err := q.QueryRow(ctx, `SELECT `+as.AreaScope(code, &a), a.List...).Scan(&ok); err != nil {
			return fmt.Errorf("check scope: %w", err)
		}
	}
	if !ok {
		return &ScopeError{Target: t.String()}
	}
	return nil
}

// Outcome is what an assignment did.
type Outcome struct {
	Duty      Duty  `json:"duty"`
	Ended     *Duty `json:"ended"`     // the duty handed over, if any
	Unchanged bool  `json:"unchanged"` // the holder already held it
}

// InputError is a mistake in an assignment: the field and the reason.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// ConflictError says the period overlaps another holder's duty.
type ConflictError struct{ Holding Duty }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s of %s is held by %s (duty %d) from %s", e.Holding.Role, e.Holding.Target,
		e.Holding.Holder.Name, e.Holding.ID, e.Holding.From.Format(time.RFC3339))
}

// Assign hands target's role over to the new holder at a.From, in one
// transaction: the open duty that covers a.From ends at that instant and
// the new one starts there. If another assignment to the same target
// commits first, the exclusion constraint refuses this one and Assign
// returns a *ConflictError naming the duty that won.
func Assign(ctx context.Context, pool *pgxpool.Pool, a Assignment) (Outcome, error) {
	var out Outcome
	if err := validate(ctx, pool, &a); err != nil {
		return out, err
	}
	from := a.From.Truncate(time.Microsecond)
	var to any
	if a.To != nil {
		to = a.To.Truncate(time.Microsecond)
	}
	key := a.Target.String()
	var dep any
	if a.Department != "" {
		dep = a.Department
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		return out, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := checkScope(ctx, tx, a.As, a.Target); err != nil {
		return out, err
	}

	// The same holder already holds it from before a.From: nothing to do.
	same, err := List(ctx, tx, Filter{Target: &a.Target, Role: a.Role, At: &from})
	if err != nil {
		return out, err
	}
	if len(same) == 1 && same[0].To == nil && sameHolder(same[0].Holder, a) {
		return Outcome{Duty: same[0], Unchanged: true}, nil
	}

	var endedID int64
	err = tx.QueryRow(ctx, `
		UPDATE duties SET valid = tstzrange(lower(valid), $3)
		WHERE target_key = $1 AND role = $2::duty_role AND upper_inf(valid) AND valid @> $3::timestamptz AND lower(valid) < $3
		RETURNING id`, key, a.Role, from).Scan(&endedID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("end current duty: %w", err)
	}

	var id int64
	area, street, front, cat := targetColumns(a.Target)
	err = tx.QueryRow(ctx, `
		INSERT INTO duties (role, person_id, department_code, target_kind, area_code, street_code, frontage_id, category_code, valid, note, created_by)
		VALUES ($1::duty_role, $2, $3, $4, $5, $6, $7::bigint, $8, tstzrange($9, $10), $11, $12)
		RETURNING id`,
		a.Role, a.PersonID, dep, a.Target.Kind, area, street, front, cat, from, to, a.Note, a.By).Scan(&id)
	if isExclusion(err) {
		tx.Rollback(ctx)
		return out, conflict(ctx, pool, a, from, to)
	}
	if err != nil {
		return out, fmt.Errorf("insert duty: %w", err)
	}
	if out.Duty, err = Get(ctx, tx, id); err != nil {
		return out, err
	}
	if endedID != 0 {
		ended, err := Get(ctx, tx, endedID)
		if err != nil {
			return out, err
		}
		out.Ended = &ended
	}
	if err := audit.Record(ctx, tx, "duty.assign", fmt.Sprintf("duty:%d", id), out.Ended, out.Duty); err != nil {
		return out, err
	}
	if err := tx.Commit(ctx); err != nil {
		if isExclusion(err) {
			return out, conflict(ctx, pool, a, from, to)
		}
		return out, fmt.Errorf("commit: %w", err)
	}
	return out, nil
}

// conflict finds the duty that overlaps the refused period.
func conflict(ctx context.Context, pool *pgxpool.Pool, a Assignment, from time.Time, to any) error {
	var id int64
	err := pool.QueryRow(ctx, `
		SELECT id FROM duties WHERE target_key = $1 AND role = $2::duty_role AND valid && tstzrange($3, $4)
		ORDER BY lower(valid) DESC LIMIT 1`, a.Target.String(), a.Role, from, to).Scan(&id)
	if err != nil {
		return fmt.Errorf("find the conflicting duty: %w", err)
	}
	d, err := Get(ctx, pool, id)
	if err != nil {
		return err
	}
	return &ConflictError{Holding: d}
}

func sameHolder(h Holder, a Assignment) bool {
	if a.PersonID != nil {
		return h.Kind == "person" && h.ID != nil && *h.ID == *a.PersonID
	}
	return h.Kind == "department" && h.Code == a.Department
}

func targetColumns(t Target) (area, street, front, cat any) {
	switch t.Kind {
	case "area":
		area = t.Key
	case "street":
		street = t.Key
	case "frontage":
		front = t.Key
	case "category":
		cat = t.Key
	}
	return
}

// validate checks everything the request can get wrong before writing.
func validate(ctx context.Context, pool *pgxpool.Pool, a *Assignment) error {
	holderKind, reason := roleFits(a.Role, a.Target.Kind)
	if reason != "" {
		field := "target"
		if holderKind == "" && !contains(Roles, a.Role) {
			field = "role"
		}
		return &InputError{field, reason}
	}
	switch {
	case holderKind == "person" && a.PersonID == nil:
		return &InputError{"person_id", "a " + a.Role + " is a person: give person_id"}
	case holderKind == "person" && a.Department != "":
		return &InputError{"department", "a " + a.Role + " is a person, not a department"}
	case holderKind == "department" && a.Department == "":
		return &InputError{"department", "the department role is held by a department: give department"}
	case holderKind == "department" && a.PersonID != nil:
		return &InputError{"person_id", "the department role is held by a department, not a person"}
	}
	if a.To != nil && !a.To.After(a.From) {
		return &InputError{"to", fmt.Sprintf("the period ends (%s) before it starts (%s)", a.To.Format(time.RFC3339), a.From.Format(time.RFC3339))}
	}
	info, err := LookupTarget(ctx, pool, a.Target)
	if errors.Is(err, ErrNotFound) {
		return &InputError{"target", "no " + a.Target.Kind + " " + a.Target.Key}
	}
	if err != nil {
		return err
	}
	if a.Role == "grid_officer" && info.Level != "grid" {
		return &InputError{"target", fmt.Sprintf("a grid officer holds a grid; %s (%s) is a %s", a.Target.Key, info.Name, info.Level)}
	}
	if a.PersonID != nil {
		var active bool
		err := pool.QueryRow(ctx, `SELECT active FROM people WHERE id = $1`, *a.PersonID).Scan(&active)
		if errors.Is(err, pgx.ErrNoRows) {
			return &InputError{"person_id", fmt.Sprintf("no person with id %d", *a.PersonID)}
		}
		if err != nil {
			return fmt.Errorf("look up person: %w", err)
		}
		if !active {
			return &InputError{"person_id", fmt.Sprintf("person %d is not active", *a.PersonID)}
		}
	}
	if a.Department != "" {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM departments WHERE code = $1)`, a.Department).Scan(&ok); err != nil {
			return fmt.Errorf("look up department: %w", err)
		}
		if !ok {
			return &InputError{"department", "no department " + a.Department}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// End closes duty id at `at`, with its audit row, where as answers. A
// duty that does not exist is ErrNotFound; one that already ended by then,
// or starts after `at`, is an *InputError.
func End(ctx context.Context, pool *pgxpool.Pool, id int64, at time.Time, note string, as auth.Principal) (Duty, error) {
	at = at.Truncate(time.Microsecond)
	var d Duty
	err := db.InTx(ctx, pool, func(tx pgx.Tx) error {
		before, err := Get(ctx, tx, id)
		if err != nil {
			return err
		}
		t, _ := ParseTarget(before.Target)
		if err := checkScope(ctx, tx, as, t); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE duties SET valid = tstzrange(lower(valid), $2),
				note = CASE WHEN $3 = '' THEN note WHEN note = '' THEN $3 ELSE note || E'\n' || $3 END
			WHERE id = $1 AND lower(valid) < $2 AND (upper_inf(valid) OR upper(valid) > $2)`, id, at, note)
		if err != nil {
			return fmt.Errorf("end duty %d: %w", id, err)
		}
		if d, err = Get(ctx, tx, id); err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if !at.After(d.From) {
				return &InputError{"at", fmt.Sprintf("the duty starts at %s, after %s", d.From.Format(time.RFC3339), at.Format(time.RFC3339))}
			}
			return &InputError{"at", fmt.Sprintf("the duty already ended at %s", d.To.Format(time.RFC3339))}
		}
		return audit.Record(ctx, tx, "duty.end", fmt.Sprintf("duty:%d", id), before, d)
	})
	return d, err
}
