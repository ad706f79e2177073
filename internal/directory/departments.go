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
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Department is a government department or utility that handles problems.
type Department struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DepartmentInput is what a client sets on a department.
type DepartmentInput struct {
	Code string
	Name string
}

// departmentCode is the codes the departments table accepts.
var departmentCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// departmentFields names the body member each constraint guards.
var departmentFields = map[string]string{
	"departments_pkey":       "code",
	"departments_code_check": "code",
	"departments_name_key":   "name",
	"departments_name_check": "name",
}

const departmentColumns = `code, name, created_at, updated_at`

// ValidDepartmentCode reports whether code has the form of a department code
// (lower-case ASCII letter, then 1-31 letters, digits or underscores).
func ValidDepartmentCode(code string) bool { return departmentCode.MatchString(code) }

// Validate trims in and lists what is wrong with it.
func (in *DepartmentInput) Validate() []httpx.FieldError {
	var errs []httpx.FieldError
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Code == "":
		errs = append(errs, httpx.FieldError{Field: "code", Reason: "is required"})
	case !departmentCode.MatchString(in.Code):
		errs = append(errs, httpx.FieldError{Field: "code", Reason: "want a lower-case letter, then 1-31 lower-case letters, digits or underscores"})
	}
	switch {
	case in.Name == "":
		errs = append(errs, httpx.FieldError{Field: "name", Reason: "is required and may not be blank"})
	case utf8.RuneCountInString(in.Name) > 100:
		errs = append(errs, httpx.FieldError{Field: "name", Reason: "longer than 100 characters"})
	}
	return errs
}

// ListDepartments returns every department in code order.
func ListDepartments(ctx context.Context, db DB) ([]Department, error) {
	rows, err := db.Query(ctx, `SELECT `+departmentColumns+` FROM departments ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Department])
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	return out, nil
}

// GetDepartment returns one department, or ErrNotFound.
func GetDepartment(ctx context.Context, db DB, code string) (Department, error) {
	return getDepartment(ctx, db, code, "")
}

func getDepartment(ctx context.Context, db DB, code, lock string) (Department, error) {
	var d Department
	err := db.QueryRow(ctx, `SELECT `+departmentColumns+` FROM departments WHERE code = $1 `+lock, code).
		Scan(&d.Code, &d.Name, &d.CreatedAt, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("get department %s: %w", code, err)
	}
	return d, nil
}

// CreateDepartment stores a new department. A client mistake comes back as
// an *httpx.Problem: 422 for invalid input, 409 for a code or name in use.
func CreateDepartment(ctx context.Context, db DB, in DepartmentInput) (Department, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return Department{}, httpx.Unprocessable(errs...)
	}
	var d Department
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO departments (code, name) VALUES ($1, $2) RETURNING `+departmentColumns,
			in.Code, in.Name).Scan(&d.Code, &d.Name, &d.CreatedAt, &d.UpdatedAt)
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("create department: %w", err), departmentFields)
		}
		return audit.Record(ctx, tx, "department.create", "department:"+d.Code, nil, d)
	})
	return d, err
}

// UpdateDepartment changes the department with code: change gets its
// current values, edits them (or returns an error, which aborts), and the
// result is validated and stored in one transaction. The code identifies a
// department everywhere and cannot change. ErrNotFound when there is none.
func UpdateDepartment(ctx context.Context, db DB, code string, change func(*DepartmentInput) error) (Department, error) {
	var d Department
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		cur, err := getDepartment(ctx, tx, code, "FOR UPDATE")
		if err != nil {
			return err
		}
		in := DepartmentInput{Code: cur.Code, Name: cur.Name}
		if err := change(&in); err != nil {
			return err
		}
		if in.Code != cur.Code {
			return httpx.Unprocessable(httpx.FieldError{Field: "code", Reason: "a department's code never changes"})
		}
		if errs := in.Validate(); len(errs) > 0 {
			return httpx.Unprocessable(errs...)
		}
		err = tx.QueryRow(ctx, `UPDATE departments SET name = $2, updated_at = now() WHERE code = $1 RETURNING `+departmentColumns,
			code, in.Name).Scan(&d.Code, &d.Name, &d.CreatedAt, &d.UpdatedAt)
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("update department %s: %w", code, err), departmentFields)
		}
		return audit.Record(ctx, tx, "department.update", "department:"+code, cur, d)
	})
	return d, err
}
