package cql2

import (
	"errors"
	"strings"
	"testing"
)

var testQueryables = map[string]Queryable{
	"name":        {SQL: "t.name", Type: String},
	"count":       {SQL: "t.n", Type: Integer},
	"width":       {SQL: "t.width_m", Type: Number},
	"reported_at": {SQL: "t.reported_at", Type: Timestamp},
	"open":        {SQL: "t.open", Type: Boolean},
	"geometry":    {SQL: "t.geom", Type: Geometry},
}

func TestFiltersCompileToParameterisedSQL(t *testing.T) {
	cases := []struct {
		filter, sql string
		nargs       int
	}{
		{"name = 'a'", "(t.name = $1::text)", 1},
		{"'a' = name", "($1::text = t.name)", 1},
		{"count >= 3 AND width < 2.5", "((t.n >= $1::float8) AND (t.width_m < $2::float8))", 2},
		{"NOT (count <> 1 OR open = TRUE)", "(NOT ((t.n <> $1::float8) OR (t.open = $2::boolean)))", 2},
		{"name LIKE 'x%'", "(t.name LIKE $1::text)", 1},
		{"name NOT LIKE 'x%'", "(NOT (t.name LIKE $1::text))", 1},
		{"count BETWEEN 1 AND 5", "(t.n BETWEEN $1::float8 AND $2::float8)", 2},
		{"count not between 1 and 5", "(NOT (t.n BETWEEN $1::float8 AND $2::float8))", 2},
		{"name IN ('a', 'b', 'c')", "(t.name IN ($1::text, $2::text, $3::text))", 3},
		{"name NOT IN ('a')", "(NOT (t.name IN ($1::text)))", 1},
		{"name IS NULL", "(t.name IS NULL)", 0},
		{"name IS NOT NULL", "(t.name IS NOT NULL)", 0},
		{"reported_at > TIMESTAMP('2026-10-01T00:00:00Z')", "(t.reported_at > $1::timestamptz)", 1},
		{"reported_at >= DATE('2026-10-01')", "(t.reported_at >= $1::date)", 1},
		{"reported_at < '2026-10-01T00:00:00+08:00'", "(t.reported_at < $1::timestamptz)", 1},
		{"S_INTERSECTS(geometry, POINT(116.1 37.1))", "ST_Intersects(t.geom, ST_MakeValid(ST_GeomFromWKB($1, 4326)))", 1},
		{"s_within(geometry, BBOX(116, 37, 116.2, 37.2))", "ST_Within(t.geom, ST_MakeValid(ST_GeomFromWKB($1, 4326)))", 1},
		{"S_INTERSECTS(geometry, POLYGON((116 37, 116.1 37, 116.1 37.1, 116 37)))", "ST_Intersects(t.geom, ST_MakeValid(ST_GeomFromWKB($1, 4326)))", 1},
		{`"name" = 'it''s'`, "(t.name = $1::text)", 1},
		{"count = width", "(t.n = t.width_m)", 0},
		{"TRUE", "$1::boolean", 1},
	}
	for _, tc := range cases {
		var args Args
		sql, err := Compile(tc.filter, testQueryables, &args)
		if err != nil {
			t.Errorf("%s: %v", tc.filter, err)
			continue
		}
		if sql != tc.sql || len(args.Values) != tc.nargs {
			t.Errorf("%s:\n got %s (%d args)\nwant %s (%d args)", tc.filter, sql, len(args.Values), tc.sql, tc.nargs)
		}
	}
}

func TestTheStringLiteralReachesSQLOnlyAsAParameter(t *testing.T) {
	var args Args
	sql, err := Compile("name = 'x''); DROP TABLE problems; --'", testQueryables, &args)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sql, "DROP") || args.Values[0] != "x'); DROP TABLE problems; --" {
		t.Fatalf("sql %s args %v", sql, args.Values)
	}
}

func TestErrorsNameThePosition(t *testing.T) {
	cases := []struct {
		filter string
		pos    int
		msg    string
	}{
		{"colour = 'red'", 1, "unknown queryable"},
		{"name = 'a' AND secret = 1", 16, "unknown queryable"},
		{"name = ", 8, "expected a property or a value"},
		{"name = 'a", 8, "not closed"},
		{"name == 'a'", 7, "expected a property or a value"},
		{"count = 'x'", 7, "cannot compare"},
		{"name LIKE 3", 11, "LIKE takes a quoted pattern"},
		{"name LIKE 'abc\\'", 11, "ends with an escape"},
		{"count LIKE 'a'", 1, "LIKE takes a string"},
		{"(name = 'a'", 12, "expected ')'"},
		{"name = 'a' name", 12, "unexpected"},
		{"reported_at > TIMESTAMP('yesterday')", 25, "RFC 3339"},
		{"S_INTERSECTS(geometry, POINT(200 37))", 30, "outside"},
		{"S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", 32, "end where it starts"},
		{"S_INTERSECTS(name, POINT(1 1))", 14, "takes geometries"},
		{"name IS 3", 9, "expected NULL"},
		{"count BETWEEN 1 5", 17, "expected AND"},
		{"名字 = 'a'", 1, "unknown queryable"},
		{"名字 = 'a' AND x ~ 1", 16, "unexpected character"},
		{"", 1, "empty"},
	}
	for _, tc := range cases {
		_, err := Compile(tc.filter, testQueryables, &Args{})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: want an *Error, got %v", tc.filter, err)
			continue
		}
		if e.Pos != tc.pos || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%q: got %v; want position %d and %q", tc.filter, e, tc.pos, tc.msg)
		}
	}
}

func TestDeepNestingIsRefusedNotAStackOverflow(t *testing.T) {
	f := strings.Repeat("(", 5000) + "name = 'a'" + strings.Repeat(")", 5000)
	if _, err := Compile(f, testQueryables, &Args{}); err == nil || !strings.Contains(err.Error(), "nests deeper") {
		t.Fatalf("got %v", err)
	}
	f = strings.Repeat("NOT ", 5000) + "name = 'a'"
	if _, err := Compile(f, testQueryables, &Args{}); err == nil {
		t.Fatal("5000 NOTs accepted")
	}
}
