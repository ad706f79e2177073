package cql2

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// maxDepth bounds nesting so that a hostile filter cannot exhaust the stack.
const maxDepth = 100

type parser struct {
	toks  []token
	i     int
	depth int
}

// Parse reads a CQL2 text filter.
func Parse(src string) (Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, errAt(1, "the filter is empty")
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, "unexpected %s; expected AND, OR or the end of the filter", t)
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, errAt(t.pos, "expected %s, found %s", what, t)
	}
	return t, nil
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxDepth {
		return errAt(pos, "the filter nests deeper than %d levels", maxDepth)
	}
	return nil
}

func (p *parser) orExpr() (Expr, error) {
	l, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.peek().is("OR") {
		t := p.next()
		r, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		l = &Logic{At: t.pos, Op: "OR", L: l, R: r}
	}
	return l, nil
}

func (p *parser) andExpr() (Expr, error) {
	l, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for p.peek().is("AND") {
		t := p.next()
		r, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		l = &Logic{At: t.pos, Op: "AND", L: l, R: r}
	}
	return l, nil
}

func (p *parser) notExpr() (Expr, error) {
	t := p.peek()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if t.is("NOT") {
		p.next()
		x, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &Not{At: t.pos, X: x}, nil
	}
	if t.kind == tLParen {
		p.next()
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	}
	return p.predicate()
}

var spatialFns = map[string]string{
	"S_INTERSECTS": "ST_Intersects", "S_EQUALS": "ST_Equals", "S_DISJOINT": "ST_Disjoint",
	"S_TOUCHES": "ST_Touches", "S_WITHIN": "ST_Within", "S_OVERLAPS": "ST_Overlaps",
	"S_CROSSES": "ST_Crosses", "S_CONTAINS": "ST_Contains",
}

func (p *parser) predicate() (Expr, error) {
	t := p.peek()
	if t.kind == tIdent {
		if _, ok := spatialFns[strings.ToUpper(t.text)]; ok {
			return p.spatial()
		}
	}
	x, err := p.operand()
	if err != nil {
		return nil, err
	}
	t = p.peek()
	if lit, ok := x.(*Literal); ok && lit.Type == Boolean && (t.kind == tEOF || t.kind == tRParen || t.is("AND") || t.is("OR")) {
		return x, nil // TRUE or FALSE standing alone
	}
	if t.kind == tOp {
		p.next()
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &Compare{At: t.pos, Op: t.text, L: x, R: r}, nil
	}
	negated := false
	if t.is("NOT") {
		p.next()
		negated = true
		t = p.peek()
		if !t.is("LIKE") && !t.is("BETWEEN") && !t.is("IN") {
			return nil, errAt(t.pos, "expected LIKE, BETWEEN or IN after NOT, found %s", t)
		}
	}
	switch {
	case t.is("LIKE"):
		p.next()
		pat, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &Like{At: t.pos, X: x, Pattern: pat, Negated: negated}, nil
	case t.is("BETWEEN"):
		p.next()
		lo, err := p.operand()
		if err != nil {
			return nil, err
		}
		if a := p.next(); !a.is("AND") {
			return nil, errAt(a.pos, "expected AND in BETWEEN, found %s", a)
		}
		hi, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &Between{At: t.pos, X: x, Lo: lo, Hi: hi, Negated: negated}, nil
	case t.is("IN"):
		p.next()
		if _, err := p.expect(tLParen, "'(' after IN"); err != nil {
			return nil, err
		}
		var list []Expr
		for {
			v, err := p.operand()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if p.peek().kind == tComma {
				p.next()
				continue
			}
			if _, err := p.expect(tRParen, "',' or ')' in the IN list"); err != nil {
				return nil, err
			}
			break
		}
		return &In{At: t.pos, X: x, List: list, Negated: negated}, nil
	case t.is("IS"):
		p.next()
		neg := false
		if p.peek().is("NOT") {
			p.next()
			neg = true
		}
		if n := p.next(); !n.is("NULL") {
			return nil, errAt(n.pos, "expected NULL after IS, found %s", n)
		}
		return &IsNull{At: t.pos, X: x, Negated: neg}, nil
	}
	return nil, errAt(t.pos, "expected a comparison operator, LIKE, BETWEEN, IN or IS NULL, found %s", t)
}

func (p *parser) spatial() (Expr, error) {
	t := p.next()
	if _, err := p.expect(tLParen, "'(' after "+strings.ToUpper(t.text)); err != nil {
		return nil, err
	}
	a, err := p.operand()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tComma, "',' between the two geometries"); err != nil {
		return nil, err
	}
	b, err := p.operand()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	return &Spatial{At: t.pos, Fn: strings.ToUpper(t.text), A: a, B: b}, nil
}

// operand is a property, a literal or a geometry literal.
func (p *parser) operand() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return &Literal{At: t.pos, Type: String, Str: t.text}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, errAt(t.pos, "%q is not a number", t.text)
		}
		return &Literal{At: t.pos, Type: Number, Num: f, Str: t.text}, nil
	case tQuoted:
		if t.text == "" {
			return nil, errAt(t.pos, "empty property name")
		}
		return &Property{At: t.pos, Name: t.text}, nil
	case tIdent:
		up := strings.ToUpper(t.text)
		switch up {
		case "TRUE", "FALSE":
			return &Literal{At: t.pos, Type: Boolean, Bool: up == "TRUE"}, nil
		case "TIMESTAMP", "DATE":
			if p.peek().kind == tLParen {
				return p.instant(t, up)
			}
		case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "BBOX":
			if p.peek().kind == tLParen {
				g, err := p.geometry(t, up)
				if err != nil {
					return nil, err
				}
				return &GeomLiteral{At: t.pos, Geom: g}, nil
			}
		case "AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL":
			return nil, errAt(t.pos, "expected a property or a value, found the keyword %s", up)
		}
		return &Property{At: t.pos, Name: t.text}, nil
	}
	return nil, errAt(t.pos, "expected a property or a value, found %s", t)
}

func (p *parser) instant(t token, kind string) (Expr, error) {
	p.next() // (
	s, err := p.expect(tString, "a quoted "+strings.ToLower(kind))
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	if kind == "DATE" {
		d, err := time.Parse("2006-01-02", s.text)
		if err != nil {
			return nil, errAt(s.pos, "%q is not a date such as 2026-09-11", s.text)
		}
		return &Literal{At: t.pos, Type: Date, Time: d, Str: s.text}, nil
	}
	ts, err := time.Parse(time.RFC3339Nano, s.text)
	if err != nil {
		return nil, errAt(s.pos, "%q is not an RFC 3339 timestamp such as 2026-09-11T08:30:00Z", s.text)
	}
	return &Literal{At: t.pos, Type: Timestamp, Time: ts, Str: s.text}, nil
}
