package httpx

// Text PostgreSQL cannot store: a NUL character (U+0000) in a text value,
// or bytes that are not UTF-8, make the database refuse the statement. The
// checks here find such text in a decoded body or in the query and path
// parameters, so that the client is told which field is wrong instead of
// getting a server error.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// textReason says why s cannot be stored as text, or "" when it can.
func textReason(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Sprintf("contains a NUL character (U+0000) at byte %d, which cannot be stored", i)
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	return ""
}

// unstorable walks a decoded body and returns the path and reason of the
// first string that cannot be stored ("" when every string can). Paths are
// the JSON names: "reporter.name", "photos[2]", "geometry.coordinates".
func unstorable(v any) (field, reason string) {
	return walkText(reflect.ValueOf(v), "")
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func walkText(v reflect.Value, path string) (string, string) {
	if !v.IsValid() {
		return "", ""
	}
	if v.Type() == rawMessageType {
		var doc any
		if len(v.Bytes()) == 0 || json.Unmarshal(v.Bytes(), &doc) != nil {
			return "", ""
		}
		return walkText(reflect.ValueOf(doc), path)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", ""
		}
		return walkText(v.Elem(), path)
	case reflect.String:
		if r := textReason(v.String()); r != "" {
			return orBody(path), r
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return "", "" // []byte is base64 in JSON: always storable
		}
		for i := range v.Len() {
			if f, r := walkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); r != "" {
				return f, r
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			p := join(path, k)
			if r := textReason(k); r != "" {
				return p, "member name " + r
			}
			if f, r := walkText(iter.Value(), p); r != "" {
				return f, r
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			p := path
			switch {
			case name != "":
				p = join(path, name)
			case sf.Anonymous:
			case strings.HasPrefix(t.Name(), "Opt["):
				// Opt's own fields (Set, Null, V) are not members.
			default:
				p = join(path, sf.Name)
			}
			if f, r := walkText(v.Field(i), p); r != "" {
				return f, r
			}
		}
	}
	return "", ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// TextReason says why s cannot be stored as PostgreSQL text (a NUL
// character, bytes that are not UTF-8), or "" when it can. Importers that
// read files rather than JSON bodies use it to reject such a row.
func TextReason(s string) string { return textReason(s) }

// Storable is s with what PostgreSQL cannot store dropped: NUL characters
// removed, bytes that are not UTF-8 replaced by U+FFFD.
func Storable(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}

// UnstorableJSON finds text in a JSON document that PostgreSQL cannot store
// (as text or jsonb, which refuses \u0000): the path of the first such
// string or member name and why, or "" when there is none or raw is not
// JSON.
func UnstorableJSON(raw []byte) (field, reason string) {
	var doc any
	if len(raw) == 0 || json.Unmarshal(raw, &doc) != nil {
		return "", ""
	}
	return walkText(reflect.ValueOf(doc), "")
}
