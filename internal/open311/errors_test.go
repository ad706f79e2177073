package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// wantErrors checks an Open311 error answer in both of its shapes: an
// errors list whose codes are the HTTP status, mentioning what.
func wantErrors(t *testing.T, name string, r resp, format string, status int, what string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: %d, want %d; %s", name, r.status, status, r.body)
		return
	}
	var errs []clientError
	if format == "json" {
		if err := json.Unmarshal(r.body, &errs); err != nil {
			t.Errorf("%s: not an Open311 JSON errors list: %v %s", name, err, r.body)
			return
		}
	} else {
		var x struct {
			XMLName xml.Name      `xml:"errors"`
			Errors  []clientError `xml:"error"`
		}
		if err := xml.Unmarshal(r.body, &x); err != nil {
			t.Errorf("%s: not an Open311 XML errors document: %v %s", name, err, r.body)
			return
		}
		errs = x.Errors
	}
	if len(errs) == 0 {
		t.Errorf("%s: no errors listed", name)
		return
	}
	found := false
	for _, e := range errs {
		if e.Code != status {
			t.Errorf("%s: error code %d, want %d", name, e.Code, status)
		}
		found = found || strings.Contains(e.Description, what)
	}
	if !found {
		t.Errorf("%s: no error mentions %q: %+v", name, what, errs)
	}
}

func TestBadPostsAnswerOpen311ErrorsAndWriteNothing(t *testing.T) {
	e := setup(t)
	key := e.tokens["client"]
	with := func(change func(url.Values)) url.Values {
		f := dogReport(key)
		change(f)
		return f
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		what   string
	}{
		{"unknown service_code", with(func(f url.Values) { f.Set("service_code", "no-such-service") }), 400, "service_code"},
		{"no service_code", with(func(f url.Values) { f.Del("service_code") }), 400, "service_code"},
		{"no location", with(func(f url.Values) { f.Del("lat"); f.Del("long"); f.Del("address_string") }), 400, "location is required"},
		{"an address on no known street", with(func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_string", "火星路 1 号") }), 400, "address_string"},
		{"latitude out of range", with(func(f url.Values) { f.Set("lat", "91") }), 400, "lat"},
		{"longitude out of range", with(func(f url.Values) { f.Set("long", "-181") }), 400, "long"},
		{"lat without long", with(func(f url.Values) { f.Del("long") }), 400, "give both"},
		{"unknown api_key", with(func(f url.Values) { f.Set("api_key", "gk_nope") }), 403, "api_key"},
		{"no api_key", with(func(f url.Values) { f.Del("api_key") }), 403, "api_key"},
		{"a viewer's token", with(func(f url.Values) { f.Set("api_key", e.tokens["viewer"]) }), 403, "api_key"},
		{"a person's or desk token, not a service client's", with(func(f url.Values) { f.Set("api_key", e.tokens["supervisor"]) }), 403, "api_key"},
		{"an attribute the service does not define", with(func(f url.Values) { f.Set("attribute[colour]", "brown") }), 400, "attribute[colour]"},
		{"a required attribute missing", with(func(f url.Values) { f.Del("attribute[leash]") }), 400, "attribute[leash]"},
		{"a list value that is not a key", with(func(f url.Values) { f.Set("attribute[leash]", "maybe") }), 400, "attribute[leash]"},
		{"a number that is not one", with(func(f url.Values) { f.Set("attribute[dogs]", "many") }), 400, "attribute[dogs]"},
		{"another jurisdiction", with(func(f url.Values) { f.Set("jurisdiction_id", "sfgov.org") }), 404, "jurisdiction_id"},
		{"a NUL in the description", with(func(f url.Values) { f.Set("description", "a\x00b") }), 400, "NUL"},
		{"a media_url that is not a URL", with(func(f url.Values) { f.Set("media_url", "javascript:alert(1)") }), 400, "media_url"},
	}
	before := e.count(t, `SELECT count(*) FROM problems`)
	for _, c := range cases {
		for _, format := range []string{"xml", "json"} {
			wantErrors(t, c.name+" ("+format+")", e.post(t, "/open311/v2/requests."+format, c.form), format, c.status, c.what)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/open311/v2/requests.json", strings.NewReader(`{"service_code":"test-dog"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Errorf("a JSON body: %d, want 400 (the spec posts forms)", res.StatusCode)
	}
	if after := e.count(t, `SELECT count(*) FROM problems`); after != before || e.count(t, `SELECT count(*) FROM open311_requests`) != 0 {
		t.Errorf("bad posts wrote %d problems", after-before)
	}
}

func TestBadQueriesAnswerOpen311Errors(t *testing.T) {
	e := setup(t)
	cases := []struct {
		name, path string
		status     int
		what       string
	}{
		{"page_size over the cap", "/open311/v2/requests.F?page_size=1001", 400, "page_size"},
		{"page_size zero", "/open311/v2/requests.F?page_size=0", 400, "page_size"},
		{"dates out of order", "/open311/v2/requests.F?start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", 400, "after end_date"},
		{"a date that is not one", "/open311/v2/requests.F?start_date=yesterday", 400, "start_date"},
		{"a status that is not open or closed", "/open311/v2/requests.F?status=fixed", 400, "status"},
		{"a request id that is not one", "/open311/v2/requests.F?service_request_id=1,x", 400, "service_request_id"},
		{"update dates out of order", "/open311/v2/servicerequestupdates.F?start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", 400, "after end_date"},
		{"an unknown service", "/open311/v2/services/no-such-service.F", 404, "service_code"},
		{"an unknown request", "/open311/v2/requests/999999.F", 404, "999999"},
		{"an unknown token", "/open311/v2/tokens/abcdefabcdefabcdef.F", 404, "token"},
		{"another jurisdiction", "/open311/v2/services.F?jurisdiction_id=sfgov.org", 404, "jurisdiction_id"},
		{"an unknown resource", "/open311/v2/potholes.F", 404, "potholes"},
	}
	for _, c := range cases {
		for _, format := range []string{"xml", "json"} {
			wantErrors(t, c.name+" ("+format+")", e.get(t, strings.Replace(c.path, ".F", "."+format, 1)), format, c.status, c.what)
		}
	}
	if r := e.get(t, "/open311/v2/services.yaml"); r.status != 404 {
		t.Errorf("an unknown format: %d, want 404", r.status)
	}
}
