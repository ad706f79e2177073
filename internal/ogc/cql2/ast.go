package cql2

import (
	"time"

	"github.com/paulmach/orb"
)

// Expr is a node of a parsed filter. Every node remembers where it began
// so that errors found while compiling name a position too.
type Expr interface{ Pos() int }

type (
	// Logic is AND or OR of two expressions.
	Logic struct {
		At   int
		Op   string // "AND", "OR"
		L, R Expr
	}
	// Not negates X.
	Not struct {
		At int
		X  Expr
	}
	// Compare is a binary comparison (=, <>, <, <=, >, >=).
	Compare struct {
		At   int
		Op   string
		L, R Expr
	}
	// Like is X [NOT] LIKE Pattern.
	Like struct {
		At         int
		X, Pattern Expr
		Negated    bool
	}
	// Between is X [NOT] BETWEEN Lo AND Hi.
	Between struct {
		At        int
		X, Lo, Hi Expr
		Negated   bool
	}
	// In is X [NOT] IN (List...).
	In struct {
		At      int
		X       Expr
		List    []Expr
		Negated bool
	}
	// IsNull is X IS [NOT] NULL.
	IsNull struct {
		At      int
		X       Expr
		Negated bool
	}
	// Spatial is a spatial function of two geometries (S_INTERSECTS, ...).
	Spatial struct {
		At   int
		Fn   string // upper case, e.g. "S_INTERSECTS"
		A, B Expr
	}
	// Property names a queryable.
	Property struct {
		At   int
		Name string
	}
	// Literal is a scalar value.
	Literal struct {
		At   int
		Type Type // String, Number, Boolean, Timestamp or Date
		Str  string
		Num  float64
		Bool bool
		Time time.Time
	}
	// GeomLiteral is a WKT or BBOX literal, already parsed.
	GeomLiteral struct {
		At   int
		Geom orb.Geometry
	}
)

func (e *Logic) Pos() int       { return e.At }
func (e *Not) Pos() int         { return e.At }
func (e *Compare) Pos() int     { return e.At }
func (e *Like) Pos() int        { return e.At }
func (e *Between) Pos() int     { return e.At }
func (e *In) Pos() int          { return e.At }
func (e *IsNull) Pos() int      { return e.At }
func (e *Spatial) Pos() int     { return e.At }
func (e *Property) Pos() int    { return e.At }
func (e *Literal) Pos() int     { return e.At }
func (e *GeomLiteral) Pos() int { return e.At }

// Type is the data type of a queryable or literal.
type Type int

const (
	String Type = iota + 1
	Number
	Integer
	Boolean
	Timestamp
	Date
	Geometry
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Number:
		return "number"
	case Integer:
		return "integer"
	case Boolean:
		return "boolean"
	case Timestamp:
		return "timestamp"
	case Date:
		return "date"
	case Geometry:
		return "geometry"
	}
	return "unknown"
}
