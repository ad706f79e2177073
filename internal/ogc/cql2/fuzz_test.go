package cql2

import (
	"errors"
	"regexp"
	"strconv"
	"testing"
)

// sqlAlphabet is everything ToSQL may write: the queryables' SQL,
// keywords, operators, placeholders and casts. No quote, semicolon or
// comment can come out of any filter.
var placeholder = regexp.MustCompile(`\$(\d+)`)

var sqlAlphabet = regexp.MustCompile(`^[A-Za-z0-9_$.:, ()<>=]*$`)

// FuzzCompile feeds arbitrary filters to the parser and compiler: they
// either fail with a positioned *Error or give SQL made only of server
// text and placeholders that all have a value. The seed corpus is in
// testdata/fuzz/FuzzCompile.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"name = 'a'", "count BETWEEN 1 AND 2 OR NOT name LIKE 'x%'", "name IN ('a','b')",
		"S_INTERSECTS(geometry, BBOX(1,2,3,4))", "reported_at > TIMESTAMP('2026-01-01T00:00:00Z')",
		"S_CONTAINS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))", "name IS NOT NULL",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var args Args
		sql, err := Compile(src, testQueryables, &args)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos < 1 {
				t.Fatalf("%q: error without a position: %v", src, err)
			}
			return
		}
		if !sqlAlphabet.MatchString(sql) {
			t.Fatalf("%q gave SQL outside the alphabet: %s", src, sql)
		}
		for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(args.Values) {
				t.Fatalf("%q: placeholder %s without a value (%d args) in %s", src, m[0], len(args.Values), sql)
			}
		}
	})
}
