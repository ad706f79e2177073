package problem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/photo"
)

// Action is one workflow step asked of a problem.
type Action struct {
	Name      string
	Note      string
	Assignee  string         // dispatch: "person:ID" or "department:CODE"; empty picks the chain's first holder
	DueAt     *time.Time     // extend: the new due time
	MergeInto *int64         // merge: the problem this one folds into
	Version   int            // from If-Match
	Actor     string         // the token's name
	Role      string         // the token's role
	As        auth.Principal // who acts: their scope decides where
}

// PreconditionError: the client's version is not the problem's.
type PreconditionError struct{ Current int }

func (e *PreconditionError) Error() string {
	return fmt.Sprintf("the problem is at version %d: reload it and try again", e.Current)
}

// TransitionError: the action is not allowed in the current status.
type TransitionError struct {
	Status  string
	Action  string
	Allowed []string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s is not allowed while the problem is %s; allowed: %s", e.Action, e.Status, strings.Join(e.Allowed, ", "))
}

// ForbiddenError: the token's role may not take the action (or, with
// Field, may not send that field's value).
type ForbiddenError struct{ Role, Action, Field, Reason string }

func (e *ForbiddenError) Error() string {
	if e.Reason != "" {
		return e.Reason
	}
	return fmt.Sprintf("role %s may not %s; it needs one of: admin, %s", e.Role, e.Action, strings.Join(actionRoles[e.Action], ", "))
}

// ScopeError: the problem lies outside where the token's holder answers.
type ScopeError struct{ ID int64 }

func (e *ScopeError) Error() string {
	return fmt.Sprintf("problem %d is outside the places and cases this token answers for", e.ID)
}

// Act applies an action to problem id in one transaction. The role is
// checked first, then the scope (in the SQL that locks the problem), so
// that a token without the right learns nothing of the problem's state;
// then the version (412) and the transition (409). The change, its event
// and its audit row are written together, and closing schedules the
// re-checks.
func Act(ctx context.Context, pool *pgxpool.Pool, id int64, a Action) (Problem, error) {
	if !slices.Contains(Actions, a.Name) {
		return Problem{}, &InputError{"action", "want one of " + strings.Join(Actions, ", ")}
	}
	if !RoleMay(a.Role, a.Name) {
		return Problem{}, &ForbiddenError{Role: a.Role, Action: a.Name}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return Problem{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())

	var cur struct {
		status, category string
		version          int
		dueAt            *time.Time
		limit            float64
		chain            []byte
		personID         *int64
		department, role *string
		lookback         []int32
	}
	if a.Name == "merge" {
		// A merge writes two problems: lock both in id order first, so
		// that crossed merges (A into B while B into A) queue instead of
		// deadlocking, and the second sees what the first did.
		if err := lockPair(ctx, tx, id, a.MergeInto); err != nil {
			return Problem{}, err
		}
	}
	sa := auth.Args{List: []any{id}}
	scope := a.As.ProblemScope("p", &sa)
	err = tx.QueryRow(ctx, `
		SELECT p.status::text, p.version, p.category_code, p.due_at, c.time_limit_hours::float8, problem_chain(p.chain_links, p.street_distance_m),
			p.assignee_person_id, p.assignee_department, p.assignee_role, c.lookback_days
		FROM problems p JOIN categories c ON c.code = p.category_code WHERE p.id = $1 AND `+scope+` FOR NO KEY UPDATE OF p`, sa.List...).
		Scan(&cur.status, &cur.version, &cur.category, &cur.dueAt, &cur.limit, &cur.chain,
			&cur.personID, &cur.department, &cur.role, &cur.lookback)
	if errors.Is(err, pgx.ErrNoRows) {
		return Problem{}, notFoundOrOutOfScope(ctx, tx, id)
	}
	if err != nil {
		return Problem{}, fmt.Errorf("lock problem %d: %w", id, err)
	}
	if a.Version != cur.version {
		return Problem{}, &PreconditionError{Current: cur.version}
	}
	if !slices.Contains(allowed[cur.status], a.Name) {
		return Problem{}, &TransitionError{Status: cur.status, Action: a.Name, Allowed: allowed[cur.status]}
	}
	if a.Name == "resolve" {
		// The category's photo rule (internal/photo) may ask for an after photo.
		reason, err := photo.MissingForResolve(ctx, tx, id)
		if err != nil {
			return Problem{}, err
		}
		if reason != "" {
			return Problem{}, &InputError{"photo", reason}
		}
	}
	to := next[a.Name]
	if to == "" {
		to = cur.status
	}
	data := map[string]any{}
	var set string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)+1) }

	switch a.Name {
	case "register":
		set = "registered_at = now()"
	case "dispatch":
		personID, dep, role, err := chooseAssignee(ctx, tx, a.Assignee, cur.chain)
		if err != nil {
			return Problem{}, err
		}
		set = fmt.Sprintf(`assignee_person_id = %s, assignee_department = %s, assignee_role = %s,
			dispatched_at = now(), dispatch_count = dispatch_count + 1,
			registered_at = coalesce(registered_at, now()),
			time_limit_hours = %s, due_at = work_add(now(), %s::float8 * 60)`,
			arg(personID), arg(dep), arg(role), arg(cur.limit), arg(cur.limit))
		data["assignee_person_id"], data["assignee_department"], data["role"] = personID, dep, role
		data["previous_person_id"], data["previous_department"] = cur.personID, cur.department
	case "start":
	case "resolve":
		set = "resolved_at = now()"
	case "close":
		set = "closed_at = now()"
	case "rework":
		set = "rework_count = rework_count + 1, resolved_at = NULL"
	case "send_back":
		set = "assignee_person_id = NULL, assignee_department = NULL, assignee_role = NULL, due_at = NULL"
		data["from_person_id"], data["from_department"] = cur.personID, cur.department
		if strings.TrimSpace(a.Note) == "" {
			return Problem{}, &InputError{"note", "say why it is sent back (wrong handler, not ours, ...)"}
		}
	case "extend":
		if a.DueAt == nil {
			return Problem{}, &InputError{"due_at", "an extension needs the new due time"}
		}
		if cur.dueAt != nil && !a.DueAt.After(*cur.dueAt) {
			return Problem{}, &InputError{"due_at", "the new due time " + a.DueAt.Format(time.RFC3339) + " is not after the current one " + cur.dueAt.Format(time.RFC3339)}
		}
		if strings.TrimSpace(a.Note) == "" {
			return Problem{}, &InputError{"note", "an extension (延期) needs a reason"}
		}
		set = "due_at = " + arg(*a.DueAt) + ", extension_count = extension_count + 1"
		data["previous_due_at"], data["due_at"] = cur.dueAt, a.DueAt
	case "park":
		if strings.TrimSpace(a.Note) == "" {
			return Problem{}, &InputError{"note", "parking (挂账) needs a reason"}
		}
	case "void":
		if strings.TrimSpace(a.Note) == "" {
			return Problem{}, &InputError{"note", "voiding (作废) needs a reason"}
		}
	case "merge":
		if err := checkMergeTarget(ctx, tx, id, a.MergeInto); err != nil {
			return Problem{}, err
		}
		set = "merged_into = " + arg(*a.MergeInto)
		data["merged_into"] = *a.MergeInto
	}
	if set != "" {
		set = ", " + set
	}
	dataJSON, _ := json.Marshal(data)
	args = append([]any{id}, args...)
	sql := `UPDATE problems SET status = '` + to + `'::problem_status, version = version + 1, updated_at = now()` + set + ` WHERE id = $1`
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		return Problem{}, fmt.Errorf("%s problem %d: %w", a.Name, id, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO problem_events (problem_id, actor, action, from_status, to_status, note, data, token_id, person_id)
		VALUES ($1, $2, $3, $4::problem_status, $5::problem_status, $6, $7, $8, $9)`, id, a.Actor, a.Name, cur.status, to, a.Note, dataJSON,
		tokenID(a.As), a.As.PersonID); err != nil {
		return Problem{}, fmt.Errorf("record %s: %w", a.Name, err)
	}
	switch a.Name {
	case "close":
		if _, err := tx.Exec(ctx, `INSERT INTO rechecks (problem_id, days, due_at)
			SELECT $1, d, now() + make_interval(days => d) FROM unnest($2::int[]) AS d ON CONFLICT DO NOTHING`, id, cur.lookback); err != nil {
			return Problem{}, fmt.Errorf("schedule re-checks: %w", err)
		}
	case "merge":
		// The target keeps the duplicate's reporter in its own log.
		if _, err := tx.Exec(ctx, `INSERT INTO problem_events (problem_id, actor, action, from_status, to_status, note, data, token_id, person_id)
			SELECT t.id, $2, 'merged_in', t.status, t.status, $3,
				jsonb_build_object('from', d.id, 'number', d.number, 'source', d.source, 'source_ref', d.source_ref,
					'reporter_name', d.reporter_name, 'reporter_phone', d.reporter_phone), $5, $6
			FROM problems t, problems d WHERE t.id = $4 AND d.id = $1`, id, a.Actor, a.Note, *a.MergeInto, tokenID(a.As), a.As.PersonID); err != nil {
			return Problem{}, fmt.Errorf("record merge: %w", err)
		}
	}
	p, err := GetAs(ctx, tx, id, a.As)
	if err != nil {
		return p, err
	}
	before := map[string]any{"status": cur.status, "version": cur.version, "due_at": cur.dueAt,
		"assignee_person_id": cur.personID, "assignee_department": cur.department}
	after := map[string]any{"status": p.Status, "version": p.Version, "due_at": p.DueAt, "note": a.Note, "data": data}
	if p.Assignee != nil {
		after["assignee"] = p.Assignee
	}
	if err := audit.Record(ctx, tx, "problem."+a.Name, fmt.Sprintf("problem:%d", id), before, after); err != nil {
		return Problem{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Problem{}, fmt.Errorf("commit: %w", err)
	}
	return p, nil
}

// chooseAssignee resolves a dispatch target: the given "person:ID" or
// "department:CODE", or the first holder of the stored chain.
func chooseAssignee(ctx context.Context, tx pgx.Tx, given string, chainJSON []byte) (personID *int64, dep, role *string, err error) {
	if given == "" {
		var links []duty.Link
		if err := json.Unmarshal(chainJSON, &links); err != nil {
			return nil, nil, nil, fmt.Errorf("decode chain: %w", err)
		}
		for _, l := range links {
			if l.Holder != nil {
				r := l.Role
				if l.Holder.Kind == "person" {
					return l.Holder.ID, nil, &r, nil
				}
				c := l.Holder.Code
				return nil, &c, &r, nil
			}
		}
		return nil, nil, nil, &InputError{"assignee", "nobody in the chain holds this place: give assignee as person:ID or department:CODE"}
	}
	kind, key, _ := strings.Cut(given, ":")
	manual := "manual"
	switch kind {
	case "person":
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, nil, nil, &InputError{"assignee", "person id " + strconv.Quote(key) + " is not a number"}
		}
		var active bool
		if err := tx.QueryRow(ctx, `SELECT active FROM people WHERE id = $1`, id).Scan(&active); errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, nil, &InputError{"assignee", fmt.Sprintf("no person %d", id)}
		} else if err != nil {
			return nil, nil, nil, err
		}
		if !active {
			return nil, nil, nil, &InputError{"assignee", fmt.Sprintf("person %d is not active", id)}
		}
		return &id, nil, &manual, nil
	case "department":
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM departments WHERE code = $1)`, key).Scan(&ok); err != nil {
			return nil, nil, nil, err
		}
		if !ok {
			return nil, nil, nil, &InputError{"assignee", "no department " + key}
		}
		return nil, &key, &manual, nil
	}
	return nil, nil, nil, &InputError{"assignee", "want person:ID or department:CODE"}
}

// ConflictError: the action conflicts with the current state of another
// problem it involves (a merge whose target was merged or voided
// meanwhile, or would close a cycle).
type ConflictError struct {
	Field, Reason string
	With          int64 // the other problem
}

func (e *ConflictError) Error() string { return e.Field + ": " + e.Reason }

// lockPair locks problem id and the merge target into (when it is another
// problem) FOR NO KEY UPDATE, lowest id first. Every path that locks two
// problems takes them in this order; the workflow's UPDATEs never change
// a key, so NO KEY UPDATE is the lock they need, and foreign-key checks
// of concurrent intakes (KEY SHARE) do not wait for it.
func lockPair(ctx context.Context, tx pgx.Tx, id int64, into *int64) error {
	ids := []int64{id}
	if into != nil && *into != id {
		ids = append(ids, *into)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM problems WHERE id = ANY ($1::bigint[]) ORDER BY id FOR NO KEY UPDATE`, ids)
	if err != nil {
		return fmt.Errorf("lock problems %v: %w", ids, err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lock problems %v: %w", ids, err)
	}
	return nil
}

// checkMergeTarget checks the target of merging id into *into, under the
// locks lockPair took: it exists and is neither merged nor void. A target
// merged meanwhile is a conflict (409) that names it and where it went; a
// target merged into id itself would close a cycle, said as such.
func checkMergeTarget(ctx context.Context, tx pgx.Tx, id int64, into *int64) error {
	if into == nil {
		return &InputError{"merge_into", "give the id of the problem this one duplicates"}
	}
	if *into == id {
		return &InputError{"merge_into", "a problem cannot merge into itself"}
	}
	var status string
	var mergedInto *int64
	err := tx.QueryRow(ctx, `SELECT status::text, merged_into FROM problems WHERE id = $1`, *into).Scan(&status, &mergedInto)
	if errors.Is(err, pgx.ErrNoRows) {
		return &InputError{"merge_into", fmt.Sprintf("no problem %d", *into)}
	}
	if err != nil {
		return fmt.Errorf("merge target %d: %w", *into, err)
	}
	switch {
	case status == "merged" && mergedInto != nil && *mergedInto == id:
		return &ConflictError{"merge_into", fmt.Sprintf("problem %d is already merged into problem %d: merging %d into it would make a cycle", *into, id, id), *into}
	case status == "merged" && mergedInto != nil:
		return &ConflictError{"merge_into", fmt.Sprintf("problem %d is merged into problem %d: merge into %d instead", *into, *mergedInto, *mergedInto), *into}
	case status == "merged" || status == "void":
		return &ConflictError{"merge_into", fmt.Sprintf("problem %d is %s", *into, status), *into}
	}
	return nil
}

// notFoundOrOutOfScope tells a problem that does not exist (404) from one
// the token may not act on (403, without its state).
func notFoundOrOutOfScope(ctx context.Context, q pgx.Tx, id int64) error {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT FROM problems WHERE id = $1)`, id).Scan(&exists); err != nil {
		return fmt.Errorf("look up problem %d: %w", id, err)
	}
	if !exists {
		return ErrNotFound
	}
	return &ScopeError{ID: id}
}

// tokenID is the principal's token id, NULL for none.
func tokenID(p auth.Principal) *int64 {
	if p.TokenID == 0 {
		return nil
	}
	id := p.TokenID
	return &id
}
