package category

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	database "github.com/gridkeeper/gridkeeper/internal/db"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Category is one problem category with its rules.
type Category struct {
	Code             string    `json:"code"`               // local code, e.g. E01-10, C01-01, L90-01
	Name             string    `json:"name"`               // e.g. 暴露垃圾
	Kind             string    `json:"kind"`               // event or component
	BigClass         string    `json:"big_class"`          // two digits
	BigClassName     string    `json:"big_class_name"`     // e.g. 市容环境
	SmallClass       string    `json:"small_class"`        // two digits
	NationalCode     *string   `json:"national_code"`      // e.g. 0110; nil for a local class
	Open311Code      *string   `json:"open311_code"`       // Open311 service_code, e.g. exposed-litter
	DepartmentCode   string    `json:"department"`         // the default handler
	TimeLimitHours   float64   `json:"time_limit_hours"`   // handling time limit in working hours
	FirstInLine      string    `json:"first_in_line"`      // one of FirstInLineRoles
	LookbackDays     []int32   `json:"lookback_days"`      // re-checks after closure, days
	AutoRegister     bool      `json:"auto_register"`      // public reports need no field verification
	RecurRadiusM     float64   `json:"recur_radius_m"`     // same place, for recurrence
	RecurDays        int32     `json:"recur_days"`         // recurrence window
	DuplicateRadiusM float64   `json:"duplicate_radius_m"` // same place, for open duplicates
	RegisterRule     string    `json:"register_rule"`      // 立案条件
	CloseRule        string    `json:"close_rule"`         // 结案条件
	Active           bool      `json:"active"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Input is what a client sets on a category: Category without timestamps.
type Input struct {
	Code             string
	Name             string
	Kind             string
	BigClass         string
	BigClassName     string
	SmallClass       string
	NationalCode     *string
	Open311Code      *string
	DepartmentCode   string
	TimeLimitHours   float64
	FirstInLine      string
	LookbackDays     []int32
	AutoRegister     bool
	RecurRadiusM     float64
	RecurDays        int32
	DuplicateRadiusM float64
	RegisterRule     string
	CloseRule        string
	Active           bool
}

// Filter selects categories; zero values select everything.
type Filter struct {
	Kind   string // event or component
	Active *bool
}

// Kinds of category.
var Kinds = []string{"event", "component"}

// FirstInLineRoles are who may be first in line for a category.
var FirstInLineRoles = []string{"frontage_owner", "street_chief", "grid_officer", "department"}

// Bounds a category's numbers must respect.
const (
	MaxTimeLimitHours = 10000 // about five working years
	MaxDays           = 3650
	MaxRadiusM        = 10000
	MaxLookbacks      = 8
)

var (
	codePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)
	classPattern    = regexp.MustCompile(`^[0-9]{2}$`)
	nationalPattern = regexp.MustCompile(`^[0-9A-Za-z.-]{1,16}$`)
	open311Pattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
)

// ValidCode reports whether code has the form of a category code.
func ValidCode(code string) bool { return codePattern.MatchString(code) }

// Defaults is an Input with the optional members at their defaults:
// look-backs at 7 and 30 days, recurrence within 50 m and 90 days,
// duplicates within 30 m, active.
func Defaults() Input {
	return Input{LookbackDays: []int32{7, 30}, RecurRadiusM: 50, RecurDays: 90, DuplicateRadiusM: 30, Active: true}
}

// Input returns c's settable members.
func (c Category) Input() Input {
	return Input{
		Code: c.Code, Name: c.Name, Kind: c.Kind, BigClass: c.BigClass, BigClassName: c.BigClassName,
		SmallClass: c.SmallClass, NationalCode: c.NationalCode, Open311Code: c.Open311Code,
		DepartmentCode: c.DepartmentCode, TimeLimitHours: c.TimeLimitHours, FirstInLine: c.FirstInLine,
		LookbackDays: slices.Clone(c.LookbackDays), AutoRegister: c.AutoRegister, RecurRadiusM: c.RecurRadiusM,
		RecurDays: c.RecurDays, DuplicateRadiusM: c.DuplicateRadiusM, RegisterRule: c.RegisterRule,
		CloseRule: c.CloseRule, Active: c.Active,
	}
}

// Validate normalises in (trims strings, empty optional codes become nil)
// and lists everything wrong with it, named by body member. Whether the
// department exists is left to the database, which checks it atomically
// with the write.
func (in *Input) Validate() []httpx.FieldError {
	var errs []httpx.FieldError
	bad := func(field, reason string) { errs = append(errs, httpx.FieldError{Field: field, Reason: reason}) }
	for _, s := range []*string{&in.Code, &in.Name, &in.Kind, &in.BigClass, &in.BigClassName, &in.SmallClass,
		&in.DepartmentCode, &in.FirstInLine, &in.RegisterRule, &in.CloseRule} {
		*s = strings.TrimSpace(*s)
	}
	in.NationalCode, in.Open311Code = blankToNil(in.NationalCode), blankToNil(in.Open311Code)

	switch {
	case in.Code == "":
		bad("code", "is required")
	case !codePattern.MatchString(in.Code):
		bad("code", "want 1-32 letters, digits, '_', '.' or '-', starting with a letter or digit")
	}
	text := func(field, v string, max int, required bool) {
		switch {
		case v == "" && required:
			bad(field, "is required and may not be blank")
		case utf8.RuneCountInString(v) > max:
			bad(field, fmt.Sprintf("longer than %d characters", max))
		}
	}
	text("name", in.Name, 100, true)
	text("big_class_name", in.BigClassName, 100, true)
	text("register_rule", in.RegisterRule, 2000, false)
	text("close_rule", in.CloseRule, 2000, false)
	if !slices.Contains(Kinds, in.Kind) {
		bad("kind", "want one of "+strings.Join(Kinds, ", "))
	}
	if !classPattern.MatchString(in.BigClass) {
		bad("big_class", "want two digits, e.g. 01")
	}
	if !classPattern.MatchString(in.SmallClass) {
		bad("small_class", "want two digits, e.g. 10")
	}
	if in.NationalCode != nil && !nationalPattern.MatchString(*in.NationalCode) {
		bad("national_code", "want 1-16 letters, digits, '.' or '-', e.g. 0110")
	}
	if in.Open311Code != nil && !open311Pattern.MatchString(*in.Open311Code) {
		bad("open311_code", "want 1-64 letters, digits, '_', '.' or '-'")
	}
	if in.DepartmentCode == "" {
		bad("department", "is required")
	}
	if !(in.TimeLimitHours > 0 && in.TimeLimitHours <= MaxTimeLimitHours) {
		bad("time_limit_hours", fmt.Sprintf("is required: working hours greater than 0 and at most %d", MaxTimeLimitHours))
	}
	if !slices.Contains(FirstInLineRoles, in.FirstInLine) {
		bad("first_in_line", "want one of "+strings.Join(FirstInLineRoles, ", "))
	}
	if in.LookbackDays == nil {
		in.LookbackDays = []int32{}
	}
	if len(in.LookbackDays) > MaxLookbacks {
		bad("lookback_days", fmt.Sprintf("at most %d look-backs", MaxLookbacks))
	}
	for i, d := range in.LookbackDays {
		if d < 1 || d > MaxDays || (i > 0 && d <= in.LookbackDays[i-1]) {
			bad("lookback_days", fmt.Sprintf("want increasing days from 1 to %d, e.g. [7, 30]", MaxDays))
			break
		}
	}
	radius := func(field string, v float64) {
		if !(v > 0 && v <= MaxRadiusM) || math.IsNaN(v) {
			bad(field, fmt.Sprintf("want metres greater than 0 and at most %d", MaxRadiusM))
		}
	}
	radius("recur_radius_m", in.RecurRadiusM)
	radius("duplicate_radius_m", in.DuplicateRadiusM)
	if in.RecurDays < 1 || in.RecurDays > MaxDays {
		bad("recur_days", fmt.Sprintf("want days from 1 to %d", MaxDays))
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

// fields names the body member each constraint of the table guards.
var fields = map[string]string{
	"categories_pkey":                           "code",
	"categories_code_check":                     "code",
	"categories_name_check":                     "name",
	"categories_kind_check":                     "kind",
	"categories_big_class_check":                "big_class",
	"categories_small_class_check":              "small_class",
	"categories_kind_big_class_small_class_key": "small_class",
	"categories_open311_code_key":               "open311_code",
	"categories_open311_code_check":             "open311_code",
	"categories_department_code_fkey":           "department",
	"categories_time_limit_hours_check":         "time_limit_hours",
	"categories_first_in_line_check":            "first_in_line",
	"categories_lookback_days_check":            "lookback_days",
	"categories_recur_radius_m_check":           "recur_radius_m",
	"categories_recur_days_check":               "recur_days",
	"categories_duplicate_radius_m_check":       "duplicate_radius_m",
}

const columns = `code, name, kind, big_class, big_class_name, small_class, national_code, open311_code,
	department_code, time_limit_hours::float8, first_in_line, lookback_days, auto_register,
	recur_radius_m, recur_days, duplicate_radius_m, register_rule, close_rule, active, created_at, updated_at`

func scan(row pgx.Row) (Category, error) {
	var c Category
	err := row.Scan(&c.Code, &c.Name, &c.Kind, &c.BigClass, &c.BigClassName, &c.SmallClass, &c.NationalCode,
		&c.Open311Code, &c.DepartmentCode, &c.TimeLimitHours, &c.FirstInLine, &c.LookbackDays, &c.AutoRegister,
		&c.RecurRadiusM, &c.RecurDays, &c.DuplicateRadiusM, &c.RegisterRule, &c.CloseRule, &c.Active,
		&c.CreatedAt, &c.UpdatedAt)
	if c.LookbackDays == nil {
		c.LookbackDays = []int32{}
	}
	return c, err
}

// Get returns the category with code, or ErrNotFound.
func Get(ctx context.Context, db DB, code string) (Category, error) {
	return getBy(ctx, db, "code", code, "")
}

// GetByOpen311Code returns the category whose Open311 service code is
// code, or ErrNotFound.
func GetByOpen311Code(ctx context.Context, db DB, code string) (Category, error) {
	return getBy(ctx, db, "open311_code", code, "")
}

// getBy reads one category by a key column (a constant of this file, never
// client input) with an optional row lock.
func getBy(ctx context.Context, db DB, column, value, lock string) (Category, error) {
	c, err := scan(db.QueryRow(ctx, `SELECT `+columns+` FROM categories WHERE `+column+` = $1 `+lock, value))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("get category %s: %w", value, err)
	}
	return c, nil
}

// List returns the categories matching f: events first, then components,
// each by big class and small class.
func List(ctx context.Context, db DB, f Filter) ([]Category, error) {
	var kind *string
	if f.Kind != "" {
		kind = &f.Kind
	}
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM categories
		WHERE ($1::text IS NULL OR kind = $1) AND ($2::boolean IS NULL OR active = $2)
		ORDER BY kind = 'component', big_class, small_class, code`, kind, f.Active)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Category, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return out, nil
}

// Create stores a new category (start from Defaults). A client mistake
// comes back as an *httpx.Problem: 422 for invalid input or an unknown
// department, 409 for a code, Open311 code or class already in use.
func Create(ctx context.Context, db DB, in Input) (Category, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return Category{}, httpx.Unprocessable(errs...)
	}
	var c Category
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		c, err = scan(tx.QueryRow(ctx, `
			INSERT INTO categories (code, name, kind, big_class, big_class_name, small_class, national_code,
				open311_code, department_code, time_limit_hours, first_in_line, lookback_days, auto_register,
				recur_radius_m, recur_days, duplicate_radius_m, register_rule, close_rule, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			RETURNING `+columns, args(in)...))
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("create category %s: %w", in.Code, err), fields)
		}
		return audit.Record(ctx, tx, "category.create", "category:"+c.Code, nil, c)
	})
	return c, err
}

// Update changes the category with code: change gets its current values,
// edits them (or returns an error, which aborts), and the result is
// validated and stored in one transaction. The code identifies a category
// everywhere and cannot change. ErrNotFound when there is none.
func Update(ctx context.Context, db DB, code string, change func(*Input) error) (Category, error) {
	var c Category
	err := database.InTx(ctx, db, func(tx pgx.Tx) error {
		cur, err := getBy(ctx, tx, "code", code, "FOR UPDATE")
		if err != nil {
			return err
		}
		in := cur.Input()
		if err := change(&in); err != nil {
			return err
		}
		if strings.TrimSpace(in.Code) != cur.Code {
			return httpx.Unprocessable(httpx.FieldError{Field: "code", Reason: "a category's code never changes"})
		}
		if errs := in.Validate(); len(errs) > 0 {
			return httpx.Unprocessable(errs...)
		}
		c, err = scan(tx.QueryRow(ctx, `
			UPDATE categories SET name = $2, kind = $3, big_class = $4, big_class_name = $5, small_class = $6,
				national_code = $7, open311_code = $8, department_code = $9, time_limit_hours = $10,
				first_in_line = $11, lookback_days = $12, auto_register = $13, recur_radius_m = $14,
				recur_days = $15, duplicate_radius_m = $16, register_rule = $17, close_rule = $18,
				active = $19, updated_at = now()
			WHERE code = $1
			RETURNING `+columns, args(in)...))
		if err != nil {
			return httpx.DBProblem(fmt.Errorf("update category %s: %w", code, err), fields)
		}
		return audit.Record(ctx, tx, "category.update", "category:"+code, cur, c)
	})
	return c, err
}

func args(in Input) []any {
	return []any{in.Code, in.Name, in.Kind, in.BigClass, in.BigClassName, in.SmallClass, in.NationalCode,
		in.Open311Code, in.DepartmentCode, in.TimeLimitHours, in.FirstInLine, in.LookbackDays, in.AutoRegister,
		in.RecurRadiusM, in.RecurDays, in.DuplicateRadiusM, in.RegisterRule, in.CloseRule, in.Active}
}
