package httpx

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVWriter writes CSV whose cells a spreadsheet never runs as formulas:
// every CSV Gridkeeper serves goes through it.
type CSVWriter struct{ *csv.Writer }

// NewCSVWriter returns a CSV writer over w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{csv.NewWriter(w)} }

// Write writes one record with every cell made safe by SafeCell.
func (w *CSVWriter) Write(rec []string) error {
	out := rec
	for i, s := range rec {
		if t := SafeCell(s); t != s {
			if &out[0] == &rec[0] {
				out = append([]string(nil), rec...)
			}
			out[i] = t
		}
	}
	return w.Writer.Write(out)
}

// SafeCell neutralises CSV (formula) injection as OWASP recommends: a cell
// beginning with =, +, -, @, a tab or a carriage return is prefixed with a
// single quote, so that a spreadsheet shows it as text instead of
// evaluating it (=HYPERLINK(…), @SUM(…), -2+3). A cell that is a plain
// number (a negative rank change, a longitude) is left as it is: it can
// hold no formula. The csv package quotes cells and doubles their quotes.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' {
		return s
	}
	return "'" + s
}
