package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

// setupSQL gives the fixture city a grid officer for grid 001 and Open311
// codes for its test categories; test-dog asks two questions, one of them
// required, and needs no field verification, so an Open311 report of it
// is dispatched at once.
const setupSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL));
UPDATE categories SET open311_code = 'test-' || lower(substr(code, 3)) WHERE code LIKE 'T-%';
UPDATE categories SET auto_register = true WHERE code = 'T-DOG';
INSERT INTO open311_attributes (category_code, code, datatype, required, description, ord, "values") VALUES
 ('T-DOG', 'leash', 'singlevaluelist', true, '是否拴绳 On a leash?', 1, '[{"key":"yes","name":"拴绳"},{"key":"no","name":"未拴绳"}]'),
 ('T-DOG', 'dogs', 'number', false, '几条狗 How many dogs', 2, '[]');
`

type env struct {
	srv    *httptest.Server
	d      *dbtest.DB
	tokens map[string]string
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL+setupSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	e := &env{d: d, tokens: map[string]string{}}
	for _, role := range []string{"admin", "supervisor", "officer", "viewer"} {
		tok, _, err := auth.Create(ctx, d.Pool, role+" app", role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	// The citizen app's api_key: a service client's token.
	tok, _, err := auth.CreateToken(ctx, d.Pool, auth.Spec{Name: "citizen app", Role: "officer", Client: "citizen-app"})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["client"] = tok
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true, PhotoDir: t.TempDir()}))
	t.Cleanup(e.srv.Close)
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) get(t *testing.T, path string) resp {
	t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (e *env) post(t *testing.T, path string, form url.Values) resp {
	t.Helper()
	res, err := http.PostForm(e.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

// both fetches path in .xml and .json and decodes each into its own value,
// failing unless both are 200 with the right content type.
func (e *env) both(t *testing.T, path, query string, x, j any) {
	t.Helper()
	rx := e.get(t, path+".xml"+query)
	if rx.status != 200 || !strings.HasPrefix(rx.header.Get("Content-Type"), "text/xml") {
		t.Fatalf("%s.xml: %d %s %s", path, rx.status, rx.header.Get("Content-Type"), rx.body)
	}
	if err := xml.Unmarshal(rx.body, x); err != nil {
		t.Fatalf("%s.xml does not parse: %v\n%s", path, err, rx.body)
	}
	rj := e.get(t, path+".json"+query)
	if rj.status != 200 || !strings.HasPrefix(rj.header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s.json: %d %s %s", path, rj.status, rj.header.Get("Content-Type"), rj.body)
	}
	if err := json.Unmarshal(rj.body, j); err != nil {
		t.Fatalf("%s.json does not parse: %v\n%s", path, err, rj.body)
	}
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The client's own view of the documents, written from the spec, not from
// the server's types.

type clientService struct {
	ServiceCode string `xml:"service_code" json:"service_code"`
	ServiceName string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type clientValue struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

type clientAttribute struct {
	Variable            bool          `xml:"variable" json:"variable"`
	Code                string        `xml:"code" json:"code"`
	Datatype            string        `xml:"datatype" json:"datatype"`
	Required            bool          `xml:"required" json:"required"`
	DatatypeDescription string        `xml:"datatype_description" json:"datatype_description"`
	Order               int           `xml:"order" json:"order"`
	Description         string        `xml:"description" json:"description"`
	Values              []clientValue `xml:"values>value" json:"values"`
}

type clientDefinition struct {
	ServiceCode string            `xml:"service_code" json:"service_code"`
	Attributes  []clientAttribute `xml:"attributes>attribute" json:"attributes"`
}

type clientRequest struct {
	ServiceRequestID  string  `xml:"service_request_id" json:"service_request_id"`
	Token             string  `xml:"token" json:"token"`
	Status            string  `xml:"status" json:"status"`
	ExtendedStatus    string  `xml:"extended_status" json:"extended_status"`
	StatusNotes       string  `xml:"status_notes" json:"status_notes"`
	ServiceName       string  `xml:"service_name" json:"service_name"`
	ServiceCode       string  `xml:"service_code" json:"service_code"`
	Description       string  `xml:"description" json:"description"`
	AgencyResponsible string  `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string  `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string  `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string  `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string  `xml:"expected_datetime" json:"expected_datetime"`
	Address           string  `xml:"address" json:"address"`
	Lat               float64 `xml:"lat" json:"lat"`
	Long              float64 `xml:"long" json:"long"`
	MediaURL          string  `xml:"media_url" json:"media_url"`
}

type clientRequests struct {
	XMLName  xml.Name        `xml:"service_requests"`
	Requests []clientRequest `xml:"request"`
}

type clientUpdate struct {
	UpdateID         string `xml:"update_id" json:"update_id"`
	ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
	Status           string `xml:"status" json:"status"`
	UpdatedDatetime  string `xml:"updated_datetime" json:"updated_datetime"`
	Description      string `xml:"description" json:"description"`
	MediaURL         string `xml:"media_url" json:"media_url"`
}

type clientError struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}
