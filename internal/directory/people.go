package directory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	database "github.com/gridkeeper/gridkeeper/internal/db"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Person is someone who can hold a duty: a grid officer, a street chief, a
// frontage owner, a leader, a department's staff member.
type Person struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Phone          *string   `json:"phone"`
	Title          *string   `json:"title"`           // role title, e.g. 网格员, 街长, 副区长
	DepartmentCode *string   `json:"department"`      // department code
	DepartmentName *string   `json:"department_name"` // the department's name, for display
	Active         bool      `json:"active"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// PersonInput is what a client sets on a person. Empty optional strings
// are stored as NULL.
type PersonInput struct {
	Name           string
	Phone          *string
	Title          *string
	DepartmentCode *string
	Active         bool
}

// PeopleFilter selects people. Zero values select everything.
type PeopleFilter struct {
	Q          string // case-insensitive substring of the name
	Department string // department code
	Active     *bool
	After      int64 // keyset cursor: only ids greater than this
	Limit      int   // at most this many; 0 means DefaultLimit
	// As is who asks: phones only of the people their scope covers
	// (auth.Principal.PersonScope); the zero value (anonymous) sees none.
	As auth.Principal
}

// Page sizes for ListPeople.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// phonePattern is the phone numbers the people table accepts: digits, an
// optional leading +, spaces and hyphens, 5 to 21 characters.
var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,19}$`)

var personFields = map[string]string{
	"people_name_check":            "name",
	"people_phone_check":           "phone",
	"people_title_check":           "title",
	"people_department_code_fkey":  "department",
	"people_department_code_check": "department",
}

const personColumns = `p.id, p.name, p.phone, p.title, p.department_code, d.name, p.active, p.created_at, p.updated_at`

// personColumnsAs are personColumns with the phone only where phoneScope
// (a boolean SQL expression over p) holds.
func personColumnsAs(phoneScope string) string {
	return `p.id, p.name, CASE WHEN ` + phoneScope + ` THEN p.phone END, p.title, p.department_code, d.name, p.active, p.created_at, p.updated_at`
}

const personFrom = ` FROM people p LEFT JOIN departments d ON d.code = p.department_code`

func scanPerson(row pgx.Row) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.Name, &p.Phone, &p.Title, &p.DepartmentCode, &p.DepartmentName, &p.Active, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// Validate normalises in (trims, turns empty optional strings into nil)
// and lists what is wrong with it. Whether the department exists is left
// to the database, which checks it atomically with the write.
func (in *PersonInput) Validate() []httpx.FieldError {
	var errs []httpx.FieldError
	in.Name = strings.TrimSpace(in.Name)
	in.Phone, in.Title, in.DepartmentCode = blankToNil(in.Phone), blankToNil(in.Title), blankToNil(in.DepartmentCode)
	switch {
	case in.Name == "":
		errs = append(errs, httpx.FieldError{Field: "name", Reason: "is required and may not be blank"})
	case utf8.RuneCountInString(in.Name) > 100:
		errs = append(errs, httpx.FieldError{Field: "name", Reason: "longer than 100 characters"})
	}
	if in.Phone != nil && !phonePattern.MatchString(*in.Phone) {
		errs = append(errs, httpx.FieldError{Field: "phone", Reason: "want digits with an optional leading + and spaces or hyphens, 5 to 21 characters"})
	}
	if in.Title != nil && utf8.RuneCountInString(*in.Title) > 100 {
		errs = append(errs, httpx.FieldError{Field: "title", Reason: "longer than 100 characters"})
	}
	return errs
}

func blankToNil(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// ListPeople returns up to f.Limit people matching f in id order, and
// whether more follow.
func ListPeople(ctx context.Context, db DB, f PeopleFilter) (people []Person, more bool, err error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	var q, dept *string
	if f.Q != "" {
		q = &f.Q
	}
	if f.Department != "" {
		dept = &f.Department
	}
	a := auth.Args{List: []any{f.After, q, dept, f.Active, limit + 1}}
	phones := f.As.PersonScope("p.id", &a)
	rows, err := db.Query(ctx, `SELECT `+personColumnsAs(phones)+personFrom+`
		WHERE p.id > $1
		  AND ($2::text IS NULL OR strpos(lower(p.name), lower($2)) > 0)
		  AND ($3::text IS NULL OR p.department_code = $3)
		  AND ($4::boolean IS NULL OR p.active = $4)
		ORDER BY p.id
		LIMIT $5`, a.List...)
	if err != nil {
		return nil, false, fmt.Errorf("list people: %w", err)
	}
	people, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Person, error) { return scanPerson(r) })
	if err != nil {
		return nil, false, fmt.Errorf("list people: %w", err)
	}
	if len(people) > limit {
		return people[:limit], true, nil
	}
	return people, false, nil
}

// GetPersonAs returns one person as as may see them: the phone only when
// as's scope covers them. ErrNotFound when there is none.
func GetPersonAs(ctx context.Context, db DB, id int64, as auth.Principal) (Person, error) {
	a := auth.Args{List: []any{id}}
	p, err := scanPerson(db.QueryRow(ctx, `SELECT `+personColumnsAs(as.PersonScope("p.id", &a))+personFrom+` WHERE p.id = $1`, a.List...))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("get person %d: %w", id, err)
	}
	return p, nil
}

// GetPerson returns one person with their phone (for the writes that
// return it to the staff who made them), or ErrNotFound.
func GetPerson(ctx context.Context, db DB, id int64) (Person, error) {
	p, err := scanPerson(db.QueryRow(ctx, `SELECT `+personColumns+personFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("get person %d: %w", id, err)
	}
	return p, nil
}

// CreatePerson stores a new person. A client mistake comes back as an
// *httpx.Problem: 422 for invalid input or an unknown department.
func CreatePerson(ctx context.Context, db DB, in PersonInput) (Person, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return Person{}, httpx.Unprocessable(errs...)
	}
	var p Person
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO people (name, phone, title, department_code, active) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, in.Name, in.Phone, in.Title, in.DepartmentCode, in.Active).Scan(&id)
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("create person: %w", err), personFields)
		}
		if p, err = GetPerson(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "person.create", fmt.Sprintf("person:%d", id), nil, p)
	})
	return p, err
}

// UpdatePerson changes the person with id: change gets the current values,
// edits them (or returns an error, which aborts), and the result is
// validated and stored in one transaction. ErrNotFound when there is none.
// Deactivate with Active = false; people are never deleted.
func UpdatePerson(ctx context.Context, db DB, id int64, change func(*PersonInput) error) (Person, error) {
	var p Person
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		var in PersonInput
		err := tx.QueryRow(ctx, `SELECT name, phone, title, department_code, active FROM people WHERE id = $1 FOR UPDATE`, id).
			Scan(&in.Name, &in.Phone, &in.Title, &in.DepartmentCode, &in.Active)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("get person %d: %w", id, err)
		}
		before, err := GetPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := change(&in); err != nil {
			return err
		}
		if errs := in.Validate(); len(errs) > 0 {
			return httpx.Unprocessable(errs...)
		}
		_, err = tx.Exec(ctx, `
			UPDATE people SET name = $2, phone = $3, title = $4, department_code = $5, active = $6, updated_at = now()
			WHERE id = $1`, id, in.Name, in.Phone, in.Title, in.DepartmentCode, in.Active)
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("update person %d: %w", id, err), personFields)
		}
		if p, err = GetPerson(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "person.update", fmt.Sprintf("person:%d", id), before, p)
	})
	return p, err
}
