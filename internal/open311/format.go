package open311

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// format is the response format a path asks for.
type format string

const (
	formatXML  format = "xml"
	formatJSON format = "json"
)

// splitFormat cuts the extension off a path segment ("services.xml" →
// "services", xml); without one the answer is XML, the spec's required
// format. ok is false for another extension.
func splitFormat(seg string) (name string, f format, ok bool) {
	i := strings.LastIndexByte(seg, '.')
	if i < 0 {
		return seg, formatXML, true
	}
	switch strings.ToLower(seg[i+1:]) {
	case "xml":
		return seg[:i], formatXML, true
	case "json":
		return seg[:i], formatJSON, true
	}
	return seg[:i], formatXML, false
}

// Error is one Open311 error.
type Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

// Failure is an Open311 error answer: an errors list and its HTTP status.
type Failure struct {
	Status int
	Errors []Error
}

func (f *Failure) Error() string {
	var b strings.Builder
	for i, e := range f.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Description)
	}
	return b.String()
}

func fail(status int, descriptions ...string) *Failure {
	f := &Failure{Status: status}
	for _, d := range descriptions {
		f.Errors = append(f.Errors, Error{Code: status, Description: d})
	}
	return f
}

func badRequest(d ...string) *Failure { return fail(http.StatusBadRequest, d...) }
func notFound(d string) *Failure      { return fail(http.StatusNotFound, d) }
func forbidden(d string) *Failure     { return fail(http.StatusForbidden, d) }

type xmlErrors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []Error
}

// writeFailure answers an Open311 error in the request's format.
func writeFailure(c echo.Context, f format, fl *Failure) error {
	if f == formatJSON {
		return writeJSON(c, fl.Status, fl.Errors)
	}
	return writeXML(c, fl.Status, xmlErrors{Errors: fl.Errors})
}

func writeJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, "application/json; charset=utf-8")
	c.Response().WriteHeader(status)
	return json.NewEncoder(c.Response()).Encode(v)
}

func writeXML(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, "text/xml; charset=utf-8")
	c.Response().WriteHeader(status)
	if _, err := io.WriteString(c.Response(), xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(c.Response())
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(c.Response(), "\n")
	return err
}

// listWriter streams a list: a JSON array, or an XML root element with one
// child per item, encoded as the rows arrive.
type listWriter struct {
	c     echo.Context
	f     format
	root  string
	n     int
	enc   *xml.Encoder
	jenc  *json.Encoder
	start bool
}

func newList(c echo.Context, f format, root string) *listWriter {
	return &listWriter{c: c, f: f, root: root}
}

func (w *listWriter) begin() error {
	if w.start {
		return nil
	}
	w.start = true
	r := w.c.Response()
	if w.f == formatJSON {
		r.Header().Set(echo.HeaderContentType, "application/json; charset=utf-8")
		r.WriteHeader(http.StatusOK)
		w.jenc = json.NewEncoder(r)
		_, err := io.WriteString(r, "[")
		return err
	}
	r.Header().Set(echo.HeaderContentType, "text/xml; charset=utf-8")
	r.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(r, xml.Header); err != nil {
		return err
	}
	w.enc = xml.NewEncoder(r)
	w.enc.Indent("", "  ")
	return w.enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: w.root}})
}

func (w *listWriter) item(v any) error {
	if err := w.begin(); err != nil {
		return err
	}
	w.n++
	if w.f == formatJSON {
		if w.n > 1 {
			if _, err := io.WriteString(w.c.Response(), ","); err != nil {
				return err
			}
		}
		return w.jenc.Encode(v)
	}
	return w.enc.Encode(v)
}

func (w *listWriter) end() error {
	if err := w.begin(); err != nil {
		return err
	}
	if w.f == formatJSON {
		_, err := io.WriteString(w.c.Response(), "]\n")
		return err
	}
	if err := w.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: w.root}}); err != nil {
		return err
	}
	if err := w.enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w.c.Response(), "\n")
	return err
}
