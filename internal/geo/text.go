package geo

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Compact is raw JSON on one line, cut to 80 characters, for quoting in a
// reason: the text as the file has it, whatever its size.
func Compact(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}

// JSONText shows a decoded JSON value, or a json.Token, in a reason:
// strings quoted, delimiters as "[" or "{", nil as null.
func JSONText(v any) string {
	if v == nil {
		return "null"
	}
	if d, ok := v.(json.Delim); ok {
		return fmt.Sprintf("%q", d.String())
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
