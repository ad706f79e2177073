package ogc

import (
	"encoding/json"
	"testing"
)

func TestAppendStringIsWhatEncodingJSONReadsBack(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f控制", "东风路188号 ✓", "</script>"} {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%q: wrote %s, read %q (%v)", s, b, back, err)
		}
	}
}
