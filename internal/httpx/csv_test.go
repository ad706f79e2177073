package httpx

import (
	"bytes"
	"testing"
)

func TestSafeCellPrefixesFormulaStartsAndLeavesNumbers(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("x")`: `'=HYPERLINK("x")`, "+1+2": "'+1+2", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "-3": "-3", "-0.25": "-0.25", "+86": "+86", "东风路": "东风路", "": "", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVWriterLeavesTheCallersRecordAlone(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	rec := []string{"=1", "ok"}
	w.Write(rec)
	w.Flush()
	if rec[0] != "=1" || b.String() != "'=1,ok\n" {
		t.Errorf("record %q, written %q", rec, b.String())
	}
}
