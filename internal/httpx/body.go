package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// MaxBody is the largest JSON body an endpoint accepts.
const MaxBody = 64 << 10

// DecodeJSON reads the request body into v strictly: unknown fields,
// trailing data and wrong types are 422 problems naming the field, a
// malformed document is a 400, and a body over MaxBody a 413.
func DecodeJSON(c echo.Context, v any) error {
	r := http.MaxBytesReader(c.Response(), c.Request().Body, MaxBody)
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON document")
	}
	if err == nil {
		return nil
	}
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return NewProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", MaxBody))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return Unprocessable(FieldError{Field: field, Reason: fmt.Sprintf("want a %s, got a JSON %s", typeErr.Type, typeErr.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Unprocessable(FieldError{Field: field, Reason: "unknown field"})
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		p := NewProblem(http.StatusBadRequest, "the body is not a JSON document: "+err.Error())
		p.Errors = []FieldError{{Field: "body", Reason: "malformed JSON"}}
		return p
	}
	p := NewProblem(http.StatusBadRequest, "cannot read the body: "+err.Error())
	p.Errors = []FieldError{{Field: "body", Reason: err.Error()}}
	return p
}
