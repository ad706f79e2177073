package httpx

// Request bodies and database refusals as problems, for every write
// endpoint.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Opt is a body member that may be absent, null or a value: what a PATCH
// needs to tell "leave it" from "clear it".
type Opt[T any] struct {
	Set  bool // present in the body
	Null bool // present as null
	V    T
}

func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// DecodeJSON reads one JSON object from the request into dst, a pointer to
// a struct: 415 for a body without a JSON content type, 413 past MaxBody,
// 400 for malformed JSON or trailing data, 422 naming the member for an
// unknown member, a value of the wrong type or text PostgreSQL cannot
// store (a NUL character).
func DecodeJSON(c echo.Context, dst any) error {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	if ct == "" && req.ContentLength != 0 {
		return unsupportedMedia("is missing; send the body as application/json")
	}
	if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return unsupportedMedia(fmt.Sprintf("%q is not application/json", ct))
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), req.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return bodyProblem(err, dst)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bodyProblem(err, dst)
		}
		return malformed("the body holds more than one JSON value")
	}
	if field, reason := unstorable(dst); reason != "" {
		return Unprocessable(FieldError{Field: field, Reason: reason})
	}
	return nil
}

func unsupportedMedia(reason string) *Problem {
	return &Problem{
		Type: "https://gridkeeper.dev/problems/unsupported-media-type", Title: "Unsupported media type",
		Status: http.StatusUnsupportedMediaType, Detail: "Content-Type: " + reason,
		Errors: []FieldError{{Field: "Content-Type", Reason: reason}},
	}
}

func bodyProblem(err error, dst any) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return &Problem{
			Type: "https://gridkeeper.dev/problems/body-too-large", Title: "Body too large",
			Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("the body is larger than %d KiB", MaxBody>>10),
			Errors: []FieldError{{Field: "body", Reason: fmt.Sprintf("larger than %d KiB", MaxBody>>10)}},
		}
	case errors.Is(err, io.EOF):
		return malformed("the body is empty; send a JSON object")
	case errors.As(err, &se):
		return malformed(fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &te):
		if te.Field == "" {
			return Unprocessable(FieldError{Field: "body", Reason: "want a JSON object, got " + te.Value})
		}
		return Unprocessable(FieldError{Field: te.Field, Reason: "want " + jsonType(te.Type) + ", got " + te.Value})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return Unprocessable(FieldError{Field: strings.Trim(name, `"`),
			Reason: "unknown field; this body takes " + strings.Join(members(dst), ", ")})
	}
	return fmt.Errorf("read body: %w", err)
}

func malformed(detail string) *Problem {
	return &Problem{
		Type: "https://gridkeeper.dev/problems/malformed-body", Title: "Malformed body",
		Status: http.StatusBadRequest, Detail: detail,
		Errors: []FieldError{{Field: "body", Reason: detail}},
	}
}

// jsonType names the JSON a Go type is decoded from.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a " + t.String()
}

// members lists the JSON names of the struct dst points to.
func members(dst any) []string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// DBProblem turns PostgreSQL's refusal of a write into the client mistake
// it is: a unique violation is a 409, a foreign key or check violation a
// 422, each naming the field the constraint guards (fields maps constraint
// names to body members). Anything else passes through.
func DBProblem(err error, fields map[string]string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	field := fields[pe.ConstraintName]
	if field == "" {
		field = "body"
	}
	switch pe.Code {
	case "23505": // unique_violation
		p := NewProblem(http.StatusConflict, field+": already taken")
		p.Type = "https://gridkeeper.dev/problems/conflict"
		p.Errors = []FieldError{{Field: field, Reason: "already taken"}}
		return p
	case "23503": // foreign_key_violation
		return Unprocessable(FieldError{Field: field, Reason: "unknown " + field})
	case "23514", "23502": // check_violation, not_null_violation
		return Unprocessable(FieldError{Field: field, Reason: "refused by the database (" + pe.ConstraintName + ")"})
	}
	return err
}
