package auth

import (
	"slices"
	"strconv"
	"strings"
)

// Args collects the parameters of a query being built: Arg appends v and
// returns its placeholder ($n). Scope expressions bind every value through
// it, never in the SQL text.
type Args struct{ List []any }

// Arg appends v and returns its placeholder.
func (a *Args) Arg(v any) string {
	a.List = append(a.List, v)
	return "$" + strconv.Itoa(len(a.List))
}

// CityWide reports whether p's scope is the whole city: admin tokens, and
// supervisor or dispatcher tokens that name neither a person nor an area
// (the city's own desk, and service clients such as the hotline import).
func (p Principal) CityWide() bool {
	if p.Role == "admin" {
		return true
	}
	return (p.Role == "supervisor" || p.Role == "dispatcher") && p.PersonID == nil && p.Area == ""
}

// Staff reports whether p is a signed-in token of a role that works cases.
func (p Principal) Staff() bool { return p.TokenID != 0 && slices.Contains(StaffRoles, p.Role) }

// ProblemScope returns a SQL boolean expression over the problems row
// alias (say "p") that is true where p answers, evaluated at the time of
// the query (now()):
//
//   - city-wide tokens (CityWide): every problem;
//   - an explicit area (--area): problems mapped into that area's subtree;
//   - a person's token: problems mapped into the subtree of an area they
//     hold a duty on now (grid officer: the grid; a leader: the
//     community, sub-district or district), on a street segment they are
//     street chief of, in a frontage zone they own, of a category they
//     lead; problems assigned to them; and, for department staff (a person
//     of a department with no duty on a place now), problems assigned to
//     their department;
//   - anonymous callers, analysts and viewers: none.
//
// Put it in the WHERE clause of every action and list so that the
// database, not the handler, keeps a token to its place.
func (p Principal) ProblemScope(alias string, a *Args) string {
	if p.CityWide() {
		return "true"
	}
	if !p.Staff() {
		return "false"
	}
	x := alias + "."
	var or []string
	if p.Area != "" {
		or = append(or, "("+x+"grid_code IS NOT NULL AND area_within("+x+"grid_code, "+a.Arg(p.Area)+"))")
	}
	if p.PersonID != nil {
		me := a.Arg(*p.PersonID)
		or = append(or,
			`EXISTS (SELECT FROM duties d WHERE d.person_id = `+me+` AND d.valid @> now() AND (
				(d.target_kind = 'area' AND area_within(`+x+`grid_code, d.area_code))
				OR (d.target_kind = 'street' AND d.street_code = `+x+`street_code)
				OR (d.target_kind = 'frontage' AND d.frontage_id = `+x+`frontage_id)
				OR (d.target_kind = 'category' AND d.category_code = `+x+`category_code)))`,
			x+"assignee_person_id = "+me,
			`(`+x+`assignee_department IS NOT NULL AND `+x+`assignee_department = (
				SELECT pe.department_code FROM people pe WHERE pe.id = `+me+`
				AND NOT EXISTS (SELECT FROM duties d WHERE d.person_id = pe.id AND d.valid @> now() AND d.target_kind <> 'category')))`)
	}
	if len(or) == 0 {
		return "false"
	}
	return "coalesce(" + strings.Join(or, " OR ") + ", false)"
}

// AreaScope returns a SQL boolean expression true when the area code
// codeExpr (an SQL expression, say "d.area_code") lies where p answers:
// within p's explicit area or an area p holds a duty on now. City-wide
// tokens cover every area; anonymous and non-staff tokens none.
func (p Principal) AreaScope(codeExpr string, a *Args) string {
	if p.CityWide() {
		return "true"
	}
	if !p.Staff() {
		return "false"
	}
	var or []string
	if p.Area != "" {
		or = append(or, "area_within("+codeExpr+", "+a.Arg(p.Area)+")")
	}
	if p.PersonID != nil {
		or = append(or, `EXISTS (SELECT FROM duties d WHERE d.person_id = `+a.Arg(*p.PersonID)+` AND d.valid @> now()
			AND d.target_kind = 'area' AND area_within(`+codeExpr+`, d.area_code))`)
	}
	if len(or) == 0 {
		return "false"
	}
	return "coalesce(" + strings.Join(or, " OR ") + ", false)"
}

// PersonScope returns a SQL boolean expression true when the person with
// id personExpr (an SQL expression, say "p.id") is someone p may see the
// contacts of: themselves, the people of their department, and anyone
// holding a duty now on an area within p's scope (AreaScope) or on a
// street or frontage unit p holds. City-wide tokens see everyone;
// anonymous and non-staff tokens no one.
func (p Principal) PersonScope(personExpr string, a *Args) string {
	if p.CityWide() {
		return "true"
	}
	if !p.Staff() {
		return "false"
	}
	or := []string{`EXISTS (SELECT FROM duties h WHERE h.person_id = ` + personExpr + ` AND h.valid @> now()
		AND h.target_kind = 'area' AND ` + p.AreaScope("h.area_code", a) + `)`}
	if p.PersonID != nil {
		me := a.Arg(*p.PersonID)
		or = append(or, personExpr+" = "+me,
			`EXISTS (SELECT FROM people x JOIN people y ON y.department_code = x.department_code
				WHERE x.id = `+me+` AND y.id = `+personExpr+`)`,
			`EXISTS (SELECT FROM duties h JOIN duties mine ON mine.person_id = `+me+` AND mine.valid @> now()
				AND mine.target_kind = h.target_kind AND mine.target_key = h.target_key
				WHERE h.person_id = `+personExpr+` AND h.valid @> now() AND h.target_kind IN ('street', 'frontage'))`)
	}
	return "coalesce(" + strings.Join(or, " OR ") + ", false)"
}
