package ogc

import (
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// Properties are read as typed columns and written as JSON here, not by
// json_build_object: PostgreSQL's JSON output of ten thousand rows of
// timestamps and text costs four times reading the columns
// (BenchmarkItems1M's floor is that JSON).

// scanner holds one row's scan destinations, reused from row to row.
type scanner struct {
	key   string
	geom  []byte
	vals  []any // pointers to pgtype values, one per field
	dests []any // &key, &geom, vals...
}

func newScanner(fields []field, extra ...any) *scanner {
	s := &scanner{vals: make([]any, len(fields))}
	for i, f := range fields {
		switch f.Type {
		case cql2.Number:
			s.vals[i] = new(pgtype.Float8)
		case cql2.Integer:
			s.vals[i] = new(pgtype.Int8)
		case cql2.Boolean:
			s.vals[i] = new(pgtype.Bool)
		case cql2.Timestamp:
			s.vals[i] = new(pgtype.Timestamptz)
		default:
			s.vals[i] = new(pgtype.Text)
		}
	}
	s.dests = append([]any{&s.key, &s.geom}, s.vals...)
	s.dests = append(s.dests, extra...)
	return s
}

// fieldSQL is a field's select expression, cast to what its scanner reads.
func fieldSQL(f field) string {
	switch f.Type {
	case cql2.Number:
		return "(" + f.SQL + ")::float8"
	case cql2.Integer:
		return "(" + f.SQL + ")::int8"
	case cql2.Boolean:
		return "(" + f.SQL + ")::boolean"
	case cql2.Timestamp:
		return "(" + f.SQL + ")::timestamptz"
	}
	return "(" + f.SQL + ")::text"
}

// appendProps appends the row's properties as a JSON object.
func (s *scanner) appendProps(b []byte, fields []field) []byte {
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Name)
		b = append(b, ':')
		switch v := s.vals[i].(type) {
		case *pgtype.Text:
			if !v.Valid {
				b = append(b, "null"...)
			} else {
				b = appendString(b, v.String)
			}
		case *pgtype.Float8:
			if !v.Valid {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendFloat(b, v.Float64, 'g', -1, 64)
			}
		case *pgtype.Int8:
			if !v.Valid {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendInt(b, v.Int64, 10)
			}
		case *pgtype.Bool:
			if !v.Valid {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendBool(b, v.Bool)
			}
		case *pgtype.Timestamptz:
			if !v.Valid || v.InfinityModifier != pgtype.Finite {
				b = append(b, "null"...)
			} else {
				b = append(b, '"')
				b = v.Time.UTC().AppendFormat(b, time.RFC3339Nano)
				b = append(b, '"')
			}
		default:
			panic(fmt.Sprintf("ogc: no JSON for %T", v))
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (s is UTF-8, as PostgreSQL's
// text is).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
