package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

// spec's POST example, with this city's service and place: the form a
// citizen app sends.
func dogReport(apiKey string) url.Values {
	return url.Values{
		"api_key": {apiKey}, "service_code": {"test-dog"}, "lat": {"37.15"}, "long": {"116.05"},
		"address_string": {"测试路北侧 100 号"}, "email": {"smit333@example.org"}, "device_id": {"tt222111"},
		"account_id": {"123456"}, "first_name": {"伟"}, "last_name": {"王"}, "phone": {"13900000000"},
		"description": {"小区门口有狗未拴绳"}, "media_url": {"http://media.example.org/img/12345.jpg"},
		"attribute[leash]": {"no"}, "attribute[dogs]": {"2"},
	}
}

func (e *env) postRequest(t *testing.T, form url.Values) clientRequest {
	t.Helper()
	r := e.post(t, "/open311/v2/requests.json", form)
	if r.status != http.StatusCreated {
		t.Fatalf("POST requests: %d %s", r.status, r.body)
	}
	var out []clientRequest
	if err := json.Unmarshal(r.body, &out); err != nil || len(out) != 1 {
		t.Fatalf("POST answer %s: %v", r.body, err)
	}
	return out[0]
}

func TestPostRequestCreatesAMappedDispatchedProblemThroughIntake(t *testing.T) {
	e := setup(t)
	created := e.postRequest(t, dogReport(e.tokens["client"]))
	if created.ServiceRequestID == "" || created.Token == "" || created.ServiceNotice == "" {
		t.Fatalf("answer %+v", created)
	}
	var source, grid, actor, reporter, email string
	var assignee *int64
	var due *time.Time
	err := e.d.Pool.QueryRow(context.Background(), `SELECT p.source, p.grid_code, p.assignee_person_id, p.due_at, p.reporter_name,
			o.email, (SELECT actor FROM problem_events WHERE problem_id = p.id ORDER BY id LIMIT 1)
		FROM problems p JOIN open311_requests o ON o.problem_id = p.id WHERE p.id = $1`, created.ServiceRequestID).
		Scan(&source, &grid, &assignee, &due, &reporter, &email, &actor)
	if err != nil {
		t.Fatal(err)
	}
	var officer int64
	e.d.Pool.QueryRow(context.Background(), `SELECT id FROM people WHERE name = '张伟'`).Scan(&officer)
	if source != "open311" || grid != "371402001001001" || assignee == nil || *assignee != officer || due == nil {
		t.Errorf("stored source %s grid %s assignee %v due %v; want open311 in grid 001 with 张伟 and a deadline", source, grid, assignee, due)
	}
	if reporter != "王伟" || email != "smit333@example.org" || actor != "open311:citizen-app" {
		t.Errorf("reporter %q email %q actor %q", reporter, email, actor)
	}

	// GET requests/{id} in both formats, the same, without the contact.
	var x clientRequests
	var j []clientRequest
	e.both(t, "/open311/v2/requests/"+created.ServiceRequestID, "", &x, &j)
	if len(j) != 1 || !reflect.DeepEqual(x.Requests, j) {
		t.Fatalf("XML %+v\nJSON %+v", x.Requests, j)
	}
	got := j[0]
	if got.Status != "open" || got.ExtendedStatus != "action_scheduled" || got.ServiceCode != "test-dog" ||
		got.Lat != 37.15 || got.Long != 116.05 || got.AgencyResponsible != "网格员 grid officer" ||
		got.MediaURL != "http://media.example.org/img/12345.jpg" || got.Address != "测试路北侧 100 号" {
		t.Errorf("request %+v", got)
	}
	exp, err := time.Parse(time.RFC3339, got.ExpectedDatetime)
	if err != nil || !exp.Equal(due.Truncate(time.Second)) {
		t.Errorf("expected_datetime %q, want the due time %v", got.ExpectedDatetime, due)
	}
	raw := e.get(t, "/open311/v2/requests/"+created.ServiceRequestID+".json")
	for _, secret := range []string{"13900000000", "smit333", "王伟", "tt222111"} {
		if bytes.Contains(raw.body, []byte(secret)) {
			t.Errorf("the public request shows the reporter's %s", secret)
		}
	}

	// The problem list filters by the new source.
	if r := e.get(t, "/api/v1/problems?source=open311"); r.status != 200 || !bytes.Contains(r.body, []byte(`"id":`+created.ServiceRequestID)) {
		t.Errorf("problems?source=open311: %d %.300s", r.status, r.body)
	}

	// tokens/{token} answers the id.
	var tx struct {
		Requests []clientRequest `xml:"request"`
	}
	var tj []clientRequest
	e.both(t, "/open311/v2/tokens/"+created.Token, "", &tx, &tj)
	if len(tj) != 1 || tj[0].ServiceRequestID != created.ServiceRequestID || tj[0].Token != created.Token || !reflect.DeepEqual(tx.Requests, tj) {
		t.Errorf("token answer XML %+v JSON %+v", tx.Requests, tj)
	}

	// An XML POST answers the same request in XML.
	r := e.post(t, "/open311/v2/requests.xml", dogReport(e.tokens["client"]))
	var px clientRequests
	if r.status != http.StatusCreated || xml.Unmarshal(r.body, &px) != nil || len(px.Requests) != 1 || px.Requests[0].ServiceRequestID == "" {
		t.Errorf("XML POST: %d %s", r.status, r.body)
	}
}

func TestPostRequestLinksARecurrenceAndLocatesAnAddressByItsStreet(t *testing.T) {
	e := setup(t)
	first := e.postRequest(t, dogReport(e.tokens["client"]))
	ctx := context.Background()
	if _, err := e.d.Pool.Exec(ctx, `UPDATE problems SET status = 'closed', closed_at = now() - interval '1 day' WHERE id = $1`, first.ServiceRequestID); err != nil {
		t.Fatal(err)
	}
	again := e.postRequest(t, dogReport(e.tokens["client"]))
	if n := e.count(t, `SELECT count(*) FROM problems WHERE id = $1 AND recurs_of = $2`, again.ServiceRequestID, first.ServiceRequestID); n != 1 {
		t.Errorf("the second report at the place does not recur of the first")
	}
	form := dogReport(e.tokens["client"])
	form.Del("lat")
	form.Del("long")
	form.Set("address_string", "测试区测试路188号门口")
	byAddr := e.postRequest(t, form)
	if n := e.count(t, `SELECT count(*) FROM problems WHERE id = $1 AND street_code = 'T-0001' AND abs(ST_X(geom) - 116.05) < 1e-9`, byAddr.ServiceRequestID); n != 1 {
		t.Errorf("an address on 测试路 was not placed on 测试路")
	}
}

func TestGetRequestsFiltersAndKeepsTheSpecsDefaults(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cell, _ := h3.LatLngToCell(h3.LatLng{Lat: 37.15, Lng: 116.05}, 15)
	// 1,005 problems over the last 89 days, and 3 older than 90 days.
	_, err := e.d.Pool.Exec(ctx, `INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, number,
			grid_code, community_code, subdistrict_code, district_code)
		SELECT 'T-LITTER', 'patrol', ST_SetSRID(ST_MakePoint(116.05, 37.15), 4326), $1::bigint,
			now() - make_interval(hours => g * 2), CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'dispatched' END::problem_status, '',
			'371402001001001', '371402001001', '371402001', '371402'
		FROM generate_series(1, 1005) g`, int64(cell))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.d.Pool.Exec(ctx, `INSERT INTO problems (category_code, source, geom, h3_15, reported_at, status, number,
			grid_code, community_code, subdistrict_code, district_code)
		SELECT 'T-ROAD', 'patrol', ST_SetSRID(ST_MakePoint(116.05, 37.15), 4326), $1::bigint, now() - make_interval(days => 100 + g), 'dispatched', '',
			'371402001001001', '371402001001', '371402001', '371402'
		FROM generate_series(1, 3) g`, int64(cell))
	if err != nil {
		t.Fatal(err)
	}
	list := func(q string) []clientRequest {
		t.Helper()
		r := e.get(t, "/open311/v2/requests.json"+q)
		if r.status != 200 {
			t.Fatalf("requests%s: %d %s", q, r.status, r.body)
		}
		var out []clientRequest
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if n := len(list("")); n != 1000 {
		t.Errorf("default: %d requests, want the spec's 1,000", n)
	}
	if n := len(list("?page=2")); n != 5 {
		t.Errorf("page 2: %d, want the 5 after the first 1,000", n)
	}
	if n := len(list("?service_code=test-road")); n != 0 {
		t.Errorf("the default 90-day window lists %d older requests", n)
	}
	old := list("?service_code=test-road&start_date=" + url.QueryEscape(time.Now().AddDate(0, 0, -200).Format(time.RFC3339)))
	if len(old) != 3 {
		t.Errorf("start_date 200 days ago: %d older requests, want 3", len(old))
	}
	closed := list("?status=closed&page_size=600")
	if len(closed) != 502 {
		t.Errorf("status=closed: %d, want 502", len(closed))
	}
	for _, r := range closed {
		if r.Status != "closed" || r.ExtendedStatus != "fixed" {
			t.Fatalf("status=closed lists %+v", r)
		}
	}
	if n := len(list("?status=open&page_size=10")); n != 10 {
		t.Errorf("page_size=10: %d", n)
	}
	// The spec's date example shape: a window in the past.
	week := list("?start_date=" + url.QueryEscape(time.Now().AddDate(0, 0, -7).Add(-time.Hour).Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(time.Now().Format(time.RFC3339)))
	if len(week) != 84 {
		t.Errorf("the last week: %d requests, want 84 (one every two hours)", len(week))
	}
	ids := list("?service_request_id=" + closed[0].ServiceRequestID + "," + closed[1].ServiceRequestID + "&status=open")
	if len(ids) != 2 {
		t.Errorf("service_request_id list (which ignores status): %d", len(ids))
	}
	var x clientRequests
	var j []clientRequest
	e.both(t, "/open311/v2/requests", "?page_size=50", &x, &j)
	if len(j) != 50 || !reflect.DeepEqual(x.Requests, j) {
		t.Errorf("XML and JSON lists differ (%d, %d)", len(x.Requests), len(j))
	}
}

func TestServiceRequestUpdatesFollowAProblemThroughTheWorkflow(t *testing.T) {
	e := setup(t)
	form := dogReport(e.tokens["client"])
	created := e.postRequest(t, form)
	id := created.ServiceRequestID
	act := func(action string) {
		t.Helper()
		var p struct{ Version int }
		get, _ := http.Get(e.srv.URL + "/api/v1/problems/" + id)
		json.NewDecoder(get.Body).Decode(&p)
		get.Body.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/problems/"+id+"/actions", strings.NewReader(`{"action":"`+action+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", `"`+strconv.Itoa(p.Version)+`"`)
		req.Header.Set("Authorization", "Bearer "+e.tokens["supervisor"])
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", action, err, res.Status)
		}
		res.Body.Close()
	}
	act("start")
	photoURL := e.uploadAfter(t, id)
	act("resolve")
	act("close")

	var x struct {
		XMLName xml.Name       `xml:"service_request_updates"`
		Updates []clientUpdate `xml:"request_update"`
	}
	var j []clientUpdate
	e.both(t, "/open311/v2/servicerequestupdates", "?service_request_id="+id, &x, &j)
	if !reflect.DeepEqual(x.Updates, j) {
		t.Fatalf("XML %+v\nJSON %+v", x.Updates, j)
	}
	var statuses []string
	for _, u := range j {
		if u.ServiceRequestID != id || u.UpdateID == "" || u.UpdatedDatetime == "" || u.Description == "" {
			t.Errorf("update %+v", u)
		}
		statuses = append(statuses, u.Status)
	}
	want := []string{"for_triage", "investigating", "action_scheduled", "in_progress", "in_progress", "fixed"}
	if !reflect.DeepEqual(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if len(j) == len(want) && j[4].MediaURL != e.srv.URL+photoURL {
		t.Errorf("the resolve update's media_url %q, want the after photo %s", j[4].MediaURL, photoURL)
	}
	// The window form a polling client uses finds the same updates.
	var all []clientUpdate
	r := e.get(t, "/open311/v2/servicerequestupdates.json?start_date="+url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339)))
	json.Unmarshal(r.body, &all)
	if len(all) != len(want) {
		t.Errorf("updates of the last hour: %d, want %d", len(all), len(want))
	}
	var final []clientRequest
	json.Unmarshal(e.get(t, "/open311/v2/requests/"+id+".json").body, &final)
	if len(final) != 1 || final[0].Status != "closed" || final[0].MediaURL != e.srv.URL+photoURL {
		t.Errorf("the closed request: %+v, want closed with media_url the stored photo %s", final, photoURL)
	}
}

// uploadAfter attaches an after photo to problem id and returns its URL.
func (e *env) uploadAfter(t *testing.T, id string) string {
	t.Helper()
	var img bytes.Buffer
	jpeg.Encode(&img, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "after")
	fw, _ := mw.CreateFormFile("file", "after.jpg")
	fw.Write(img.Bytes())
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/problems/"+id+"/photos", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens["supervisor"])
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("after photo: %v %v", err, res.Status)
	}
	defer res.Body.Close()
	var p struct{ URL string }
	json.NewDecoder(res.Body).Decode(&p)
	return p.URL
}
