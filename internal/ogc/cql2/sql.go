package cql2

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/encoding/wkb"
)

// Queryable is a property a filter may name: the SQL expression that
// reads it (server text, never request text) and its type.
type Queryable struct {
	SQL  string
	Type Type
}

// Args collects bind parameters; Add returns the placeholder of a value.
// A caller that already has parameters starts Args with them.
type Args struct{ Values []any }

// Add appends v and returns its placeholder ($n).
func (a *Args) Add(v any) string {
	a.Values = append(a.Values, v)
	return "$" + strconv.Itoa(len(a.Values))
}

// ToSQL compiles e into a boolean SQL expression over the queryables q,
// adding every literal to args. A property outside q, or operands whose
// types do not fit the operator, is an *Error naming its position.
func ToSQL(e Expr, q map[string]Queryable, args *Args) (string, error) {
	c := compiler{q: q, args: args}
	return c.boolean(e)
}

// Compile parses src and compiles it (Parse, then ToSQL).
func Compile(src string, q map[string]Queryable, args *Args) (string, error) {
	e, err := Parse(src)
	if err != nil {
		return "", err
	}
	return ToSQL(e, q, args)
}

type compiler struct {
	q    map[string]Queryable
	args *Args
}

func (c *compiler) boolean(e Expr) (string, error) {
	switch e := e.(type) {
	case *Logic:
		l, err := c.boolean(e.L)
		if err != nil {
			return "", err
		}
		r, err := c.boolean(e.R)
		if err != nil {
			return "", err
		}
		return "(" + l + " " + e.Op + " " + r + ")", nil
	case *Not:
		x, err := c.boolean(e.X)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case *Literal:
		if e.Type == Boolean {
			return c.args.Add(e.Bool) + "::boolean", nil
		}
		return "", errAt(e.At, "a %s value is not a condition", e.Type)
	case *Compare:
		return c.compare(e)
	case *Like:
		x, err := c.scalar(e.X, String)
		if err != nil {
			return "", err
		}
		if err := wantType(e.X, x.t, "LIKE", String); err != nil {
			return "", err
		}
		lit, ok := e.Pattern.(*Literal)
		if !ok || lit.Type != String {
			return "", errAt(e.Pattern.Pos(), "LIKE takes a quoted pattern such as '东风路%%'")
		}
		if trailingEscape(lit.Str) {
			return "", errAt(e.Pattern.Pos(), "the pattern ends with an escape character \\")
		}
		pat, err := c.literal(lit, String)
		if err != nil {
			return "", err
		}
		return neg(e.Negated, "("+x.sql+" LIKE "+pat.sql+")"), nil
	case *Between:
		x, err := c.scalar(e.X, 0)
		if err != nil {
			return "", err
		}
		if err := wantType(e.X, x.t, "BETWEEN", Number, Integer, Timestamp, Date); err != nil {
			return "", err
		}
		lo, err := c.operandLike(e.Lo, x, "BETWEEN")
		if err != nil {
			return "", err
		}
		hi, err := c.operandLike(e.Hi, x, "BETWEEN")
		if err != nil {
			return "", err
		}
		return neg(e.Negated, "("+x.sql+" BETWEEN "+lo+" AND "+hi+")"), nil
	case *In:
		x, err := c.scalar(e.X, 0)
		if err != nil {
			return "", err
		}
		if err := wantType(e.X, x.t, "IN", String, Number, Integer, Boolean, Timestamp, Date); err != nil {
			return "", err
		}
		items := make([]string, len(e.List))
		for i, v := range e.List {
			if items[i], err = c.operandLike(v, x, "IN"); err != nil {
				return "", err
			}
		}
		return neg(e.Negated, "("+x.sql+" IN ("+strings.Join(items, ", ")+"))"), nil
	case *IsNull:
		p, ok := e.X.(*Property)
		if !ok {
			return "", errAt(e.X.Pos(), "IS NULL takes a property")
		}
		x, err := c.property(p)
		if err != nil {
			return "", err
		}
		if e.Negated {
			return "(" + x.sql + " IS NOT NULL)", nil
		}
		return "(" + x.sql + " IS NULL)", nil
	case *Spatial:
		a, err := c.geometry(e.A, e.Fn)
		if err != nil {
			return "", err
		}
		b, err := c.geometry(e.B, e.Fn)
		if err != nil {
			return "", err
		}
		return spatialFns[e.Fn] + "(" + a + ", " + b + ")", nil
	case *Property:
		return "", errAt(e.At, "property %q is not a condition; compare it with a value", e.Name)
	case *GeomLiteral:
		return "", errAt(e.At, "a geometry is not a condition; use it in S_INTERSECTS")
	}
	return "", errAt(e.Pos(), "unsupported expression")
}

func neg(n bool, s string) string {
	if n {
		return "(NOT " + s + ")"
	}
	return s
}

// typed is an operand compiled to SQL.
type typed struct {
	sql string
	t   Type
}

func (c *compiler) property(p *Property) (typed, error) {
	q, ok := c.q[p.Name]
	if !ok {
		names := make([]string, 0, len(c.q))
		for n := range c.q {
			names = append(names, n)
		}
		sort.Strings(names)
		return typed{}, errAt(p.At, "unknown queryable %q; this collection's queryables are %s", p.Name, strings.Join(names, ", "))
	}
	return typed{q.SQL, q.Type}, nil
}

// scalar compiles a property or a literal; want is the type of the other
// operand (0 when unknown) and fixes how a literal is cast.
func (c *compiler) scalar(e Expr, want Type) (typed, error) {
	switch e := e.(type) {
	case *Property:
		return c.property(e)
	case *Literal:
		return c.literal(e, want)
	case *GeomLiteral:
		return typed{}, errAt(e.At, "a geometry can only be an argument of a spatial function")
	}
	return typed{}, errAt(e.Pos(), "expected a property or a value")
}

func (c *compiler) literal(l *Literal, want Type) (typed, error) {
	switch l.Type {
	case String:
		if want == Timestamp || want == Date {
			// A quoted instant compared with a time property.
			if t, err := time.Parse(time.RFC3339Nano, l.Str); err == nil {
				return typed{c.args.Add(t) + "::timestamptz", Timestamp}, nil
			}
			if _, err := time.Parse("2006-01-02", l.Str); err == nil {
				return typed{c.args.Add(l.Str) + "::date", Date}, nil
			}
			return typed{}, errAt(l.At, "'%s' is not a timestamp (TIMESTAMP('2026-09-11T08:30:00Z')) or a date (DATE('2026-09-11'))", l.Str)
		}
		return typed{c.args.Add(l.Str) + "::text", String}, nil
	case Number:
		return typed{c.args.Add(l.Num) + "::float8", Number}, nil
	case Boolean:
		return typed{c.args.Add(l.Bool) + "::boolean", Boolean}, nil
	case Timestamp:
		return typed{c.args.Add(l.Time) + "::timestamptz", Timestamp}, nil
	case Date:
		return typed{c.args.Add(l.Str) + "::date", Date}, nil
	}
	return typed{}, errAt(l.At, "unsupported literal")
}

func (c *compiler) compare(e *Compare) (string, error) {
	// Properties first, so that a literal is cast to the property's type.
	var l, r typed
	var err error
	if _, isProp := e.R.(*Property); isProp {
		if r, err = c.scalar(e.R, 0); err != nil {
			return "", err
		}
		if l, err = c.scalar(e.L, r.t); err != nil {
			return "", err
		}
	} else {
		if l, err = c.scalar(e.L, 0); err != nil {
			return "", err
		}
		if r, err = c.scalar(e.R, l.t); err != nil {
			return "", err
		}
	}
	if !compatible(l.t, r.t) {
		return "", errAt(e.At, "cannot compare a %s with a %s", l.t, r.t)
	}
	if (l.t == Boolean || r.t == Boolean) && e.Op != "=" && e.Op != "<>" {
		return "", errAt(e.At, "booleans compare only with = and <>")
	}
	return "(" + l.sql + " " + e.Op + " " + r.sql + ")", nil
}

// operandLike compiles v as a value comparable with x.
func (c *compiler) operandLike(v Expr, x typed, op string) (string, error) {
	t, err := c.scalar(v, x.t)
	if err != nil {
		return "", err
	}
	if !compatible(x.t, t.t) {
		return "", errAt(v.Pos(), "%s: cannot compare a %s with a %s", op, x.t, t.t)
	}
	return t.sql, nil
}

func (c *compiler) geometry(e Expr, fn string) (string, error) {
	switch e := e.(type) {
	case *GeomLiteral:
		b, err := wkb.Marshal(e.Geom)
		if err != nil {
			return "", errAt(e.At, "geometry: %v", err)
		}
		// ST_MakeValid: a self-intersecting polygon from a client must not
		// make GEOS fail the query.
		return "ST_MakeValid(ST_GeomFromWKB(" + c.args.Add(b) + ", 4326))", nil
	case *Property:
		p, err := c.property(e)
		if err != nil {
			return "", err
		}
		if p.t != Geometry {
			return "", errAt(e.At, "%s takes geometries; %q is a %s", fn, e.Name, p.t)
		}
		return p.sql, nil
	}
	return "", errAt(e.Pos(), "%s takes geometries: a geometry property or a WKT or BBOX literal", fn)
}

func compatible(a, b Type) bool {
	class := func(t Type) int {
		switch t {
		case Number, Integer:
			return 1
		case Timestamp, Date:
			return 2
		}
		return int(t) * 10
	}
	return class(a) == class(b) && a != Geometry
}

func wantType(e Expr, got Type, op string, ok ...Type) error {
	for _, t := range ok {
		if got == t {
			return nil
		}
	}
	names := make([]string, len(ok))
	for i, t := range ok {
		names[i] = t.String()
	}
	return errAt(e.Pos(), "%s takes a %s, not a %s", op, strings.Join(names, " or "), got)
}

// trailingEscape reports whether a LIKE pattern ends with an unpaired
// backslash, which PostgreSQL refuses.
func trailingEscape(p string) bool {
	n := 0
	for i := len(p) - 1; i >= 0 && p[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}
