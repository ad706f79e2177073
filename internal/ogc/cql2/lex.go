package cql2

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a filter that cannot be used, with the 1-based character
// position of the offending token.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("at position %d: %s", e.Pos, e.Msg) }

func errAt(pos int, format string, a ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, a...)}
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "property name"
	tString // 'literal'
	tNumber
	tOp // = <> < > <= >=
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string // identifier (as written), string value, number text or operator
	pos  int    // 1-based character position
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return fmt.Sprintf("string '%s'", t.text)
	case tQuoted:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// is reports whether t is the keyword kw (case-insensitive).
func (t token) is(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

// maxTokens bounds the work one filter may ask for.
const maxTokens = 20000

func lex(src string) ([]token, error) {
	if !utf8.ValidString(src) {
		return nil, errAt(1, "the filter is not valid UTF-8")
	}
	var toks []token
	pos := 0 // characters consumed
	i := 0
	next := func() rune {
		r, w := utf8.DecodeRuneInString(src[i:])
		i += w
		pos++
		return r
	}
	peek := func() rune {
		if i >= len(src) {
			return -1
		}
		r, _ := utf8.DecodeRuneInString(src[i:])
		return r
	}
	for {
		if len(toks) > maxTokens {
			return nil, errAt(pos, "the filter is too long (more than %d tokens)", maxTokens)
		}
		for i < len(src) && unicode.IsSpace(peek()) {
			next()
		}
		if i >= len(src) {
			toks = append(toks, token{kind: tEOF, pos: pos + 1})
			return toks, nil
		}
		start := pos + 1
		r := next()
		switch {
		case r == '(':
			toks = append(toks, token{tLParen, "(", start})
		case r == ')':
			toks = append(toks, token{tRParen, ")", start})
		case r == ',':
			toks = append(toks, token{tComma, ",", start})
		case r == '=':
			toks = append(toks, token{tOp, "=", start})
		case r == '<':
			op := "<"
			if p := peek(); p == '=' || p == '>' {
				op += string(next())
			}
			toks = append(toks, token{tOp, op, start})
		case r == '>':
			op := ">"
			if peek() == '=' {
				op += string(next())
			}
			toks = append(toks, token{tOp, op, start})
		case r == '\'':
			var b strings.Builder
			for {
				if i >= len(src) {
					return nil, errAt(start, "string literal is not closed")
				}
				c := next()
				if c == '\'' {
					if peek() == '\'' {
						next()
						b.WriteRune('\'')
						continue
					}
					break
				}
				b.WriteRune(c)
			}
			toks = append(toks, token{tString, b.String(), start})
		case r == '"':
			var b strings.Builder
			for {
				if i >= len(src) {
					return nil, errAt(start, "quoted property name is not closed")
				}
				c := next()
				if c == '"' {
					break
				}
				b.WriteRune(c)
			}
			toks = append(toks, token{tQuoted, b.String(), start})
		case r == '-' || r == '+' || r == '.' || unicode.IsDigit(r):
			var b strings.Builder
			b.WriteRune(r)
			for {
				p := peek()
				if unicode.IsDigit(p) || p == '.' || p == 'e' || p == 'E' ||
					((p == '-' || p == '+') && strings.ContainsAny(b.String()[b.Len()-1:], "eE")) {
					b.WriteRune(next())
					continue
				}
				break
			}
			toks = append(toks, token{tNumber, b.String(), start})
		case unicode.IsLetter(r) || r == '_':
			var b strings.Builder
			b.WriteRune(r)
			for {
				p := peek()
				if unicode.IsLetter(p) || unicode.IsDigit(p) || p == '_' || p == '.' || p == ':' {
					b.WriteRune(next())
					continue
				}
				break
			}
			toks = append(toks, token{tIdent, b.String(), start})
		default:
			return nil, errAt(start, "unexpected character %q", r)
		}
	}
}
