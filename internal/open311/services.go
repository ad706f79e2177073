package open311

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/category"
)

// Changeset marks this endpoint's last change (discovery's changeset).
const Changeset = "2026-12-04T00:00:00Z"

type discoveryEndpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type discoveryDoc struct {
	XMLName    xml.Name            `xml:"discovery" json:"-"`
	Changeset  string              `xml:"changeset" json:"changeset"`
	Contact    string              `xml:"contact" json:"contact"`
	KeyService string              `xml:"key_service" json:"key_service"`
	Endpoints  []discoveryEndpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

func (h *Handlers) discovery(c echo.Context, f format) error {
	d := discoveryDoc{
		Changeset:  Changeset,
		Contact:    "The city's grid-management centre (网格化管理指挥中心), through its 12345 hotline.",
		KeyService: "api_key: a Gridkeeper service-client token for your application, from the city's administrator (gridkeeper token create --client NAME).",
		Endpoints: []discoveryEndpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2",
			URL:           baseURL(c) + "/open311/v2",
			Changeset:     Changeset,
			Type:          "production",
			Formats:       []string{"text/xml", "application/json"},
		}},
	}
	return write(c, f, d)
}

func write(c echo.Context, f format, v any) error {
	if f == formatJSON {
		return writeJSON(c, http.StatusOK, v)
	}
	return writeXML(c, http.StatusOK, v)
}

// Service is one entry of the service list.
type Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description string   `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    string   `xml:"keywords" json:"keywords"`
	Group       string   `xml:"group" json:"group"`
}

func (h *Handlers) services(c echo.Context, f format) error {
	ctx := c.Request().Context()
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	rows, err := h.Pool.Query(ctx, `SELECT c.open311_code, c.name, c.register_rule, c.code, c.national_code, c.kind,
			c.big_class_name, EXISTS (SELECT FROM open311_attributes a WHERE a.category_code = c.code)
		FROM categories c WHERE c.active AND c.open311_code IS NOT NULL ORDER BY c.code`)
	if err != nil {
		return fmt.Errorf("list services: %w", err)
	}
	defer rows.Close()
	w := newList(c, f, "services")
	for rows.Next() {
		var s Service
		var code, kind string
		var national *string
		if err := rows.Scan(&s.ServiceCode, &s.ServiceName, &s.Description, &code, &national, &kind, &s.Group, &s.Metadata); err != nil {
			return fmt.Errorf("scan service: %w", err)
		}
		kw := []string{code, kind}
		if national != nil {
			kw = append(kw, *national)
		}
		s.Type, s.Keywords = "realtime", strings.Join(kw, ", ")
		if err := w.item(s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list services: %w", err)
	}
	return w.end()
}

// Value is one choice of a list attribute.
type Value struct {
	XMLName xml.Name `xml:"value" json:"-"`
	Key     string   `xml:"key" json:"key"`
	Name    string   `xml:"name" json:"name"`
}

// Attribute is one question a service asks.
type Attribute struct {
	XMLName             xml.Name `xml:"attribute" json:"-"`
	Variable            bool     `xml:"variable" json:"variable"`
	Code                string   `xml:"code" json:"code"`
	Datatype            string   `xml:"datatype" json:"datatype"`
	Required            bool     `xml:"required" json:"required"`
	DatatypeDescription string   `xml:"datatype_description" json:"datatype_description"`
	Order               int      `xml:"order" json:"order"`
	Description         string   `xml:"description" json:"description"`
	Values              []Value  `xml:"values>value" json:"values"`
}

// Definition is a service definition.
type Definition struct {
	XMLName     xml.Name    `xml:"service_definition" json:"-"`
	ServiceCode string      `xml:"service_code" json:"service_code"`
	Attributes  []Attribute `xml:"attributes>attribute" json:"attributes"`
}

// attributes reads what category asks for, in order.
func (h *Handlers) attributes(c echo.Context, categoryCode string) ([]Attribute, error) {
	rows, err := h.Pool.Query(c.Request().Context(), `SELECT variable, code, datatype, required, datatype_description, ord, description, "values"
		FROM open311_attributes WHERE category_code = $1 ORDER BY ord`, categoryCode)
	if err != nil {
		return nil, fmt.Errorf("attributes of %s: %w", categoryCode, err)
	}
	defer rows.Close()
	out := []Attribute{}
	for rows.Next() {
		var a Attribute
		var values []byte
		if err := rows.Scan(&a.Variable, &a.Code, &a.Datatype, &a.Required, &a.DatatypeDescription, &a.Order, &a.Description, &values); err != nil {
			return nil, fmt.Errorf("scan attribute: %w", err)
		}
		if err := json.Unmarshal(values, &a.Values); err != nil {
			return nil, fmt.Errorf("attribute %s values: %w", a.Code, err)
		}
		if a.Values == nil {
			a.Values = []Value{}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// service finds the active category behind a service code.
func (h *Handlers) service(c echo.Context, code string) (category.Category, error) {
	cat, err := category.GetByOpen311Code(c.Request().Context(), h.Pool, code)
	if errors.Is(err, category.ErrNotFound) || (err == nil && !cat.Active) {
		return cat, notFound("service_code " + code + " not found (see services)")
	}
	return cat, err
}

func (h *Handlers) definition(c echo.Context, code string, f format) error {
	if err := h.checkJurisdiction(c, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	cat, err := h.service(c, code)
	if err != nil {
		return err
	}
	attrs, err := h.attributes(c, cat.Code)
	if err != nil {
		return err
	}
	return write(c, f, Definition{ServiceCode: code, Attributes: attrs})
}

// w3c formats a time as the spec's examples do (ISO 8601 with offset), in
// Beijing time.
func w3c(t time.Time) string { return t.In(beijing).Format(time.RFC3339) }

var beijing = time.FixedZone("CST", 8*3600)
