package photo_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func (e *env) act(t *testing.T, id int64, action, token string) resp {
	t.Helper()
	var p struct{ Version int }
	e.do(t, "GET", fmt.Sprintf("/api/v1/problems/%d", id), "", nil, "").decode(t, &p)
	return e.do(t, "POST", fmt.Sprintf("/api/v1/problems/%d/actions", id), token,
		strings.NewReader(`{"action":"`+action+`","note":"test"}`), "application/json", "If-Match", `"`+strconv.Itoa(p.Version)+`"`)
}

func TestACategoryThatAsksForAnAfterPhotoRefusesResolveWithoutOne(t *testing.T) {
	e := setup(t)
	r := e.do(t, "GET", "/api/v1/categories/T-LITTER/photo-rule", "", nil, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"default":true`) || !strings.Contains(string(r.body), `"after_required":false`) {
		t.Fatalf("default rule: %d %s", r.status, r.body)
	}
	wantProblem(t, "a supervisor sets a rule", e.do(t, "PUT", "/api/v1/categories/T-LITTER/photo-rule", e.tokens["supervisor"],
		strings.NewReader(`{"after_required":true,"recheck_required":true}`), "application/json"), http.StatusForbidden, "")
	wantProblem(t, "a rule without recheck_required", e.do(t, "PUT", "/api/v1/categories/T-LITTER/photo-rule", e.tokens["admin"],
		strings.NewReader(`{"after_required":true}`), "application/json"), http.StatusUnprocessableEntity, "recheck_required")
	if r := e.do(t, "PUT", "/api/v1/categories/T-LITTER/photo-rule", e.tokens["admin"],
		strings.NewReader(`{"after_required":true,"recheck_required":true}`), "application/json"); r.status != 200 {
		t.Fatalf("set rule: %d %s", r.status, r.body)
	}

	id := e.report(t, "T-LITTER")
	other := e.report(t, "T-DOG") // the default rule: no photo needed
	if r := e.act(t, other, "resolve", e.tokens["officer"]); r.status != 200 {
		t.Errorf("resolve under the default rule: %d %s", r.status, r.body)
	}
	// A before photo is not an after photo.
	e.upload(t, id, e.tokens["officer"], "before", "b.jpg", "image/jpeg", jpegBytes(t, 40, 30))
	res := e.act(t, id, "resolve", e.tokens["officer"])
	wantProblem(t, "resolve without an after photo", res, http.StatusUnprocessableEntity, "photo")
	if !strings.Contains(string(res.body), "after_required") {
		t.Errorf("the refusal does not name the rule: %s", res.body)
	}
	if r := e.upload(t, id, e.tokens["officer"], "after", "a.jpg", "image/jpeg", jpegBytes(t, 40, 31)); r.status != http.StatusCreated {
		t.Fatalf("after photo: %d %s", r.status, r.body)
	}
	if r := e.act(t, id, "resolve", e.tokens["officer"]); r.status != 200 {
		t.Fatalf("resolve with an after photo: %d %s", r.status, r.body)
	}
	// Rework asks for a new after photo: the old one showed work that failed.
	if r := e.act(t, id, "rework", e.tokens["supervisor"]); r.status != 200 {
		t.Fatalf("rework: %d %s", r.status, r.body)
	}
	wantProblem(t, "resolve after rework with only the old photo", e.act(t, id, "resolve", e.tokens["officer"]), http.StatusUnprocessableEntity, "photo")
	e.upload(t, id, e.tokens["officer"], "after", "a2.jpg", "image/jpeg", jpegBytes(t, 40, 32))
	if r := e.act(t, id, "resolve", e.tokens["officer"]); r.status != 200 {
		t.Fatalf("resolve after rework with a new photo: %d %s", r.status, r.body)
	}
	if r := e.act(t, id, "close", e.tokens["supervisor"]); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}

	// The look-back asks for a recheck photo of that re-check.
	var recheckID int64
	if err := e.d.Pool.QueryRow(t.Context(), `SELECT min(id) FROM rechecks WHERE problem_id = $1`, id).Scan(&recheckID); err != nil || recheckID == 0 {
		t.Fatalf("no re-check scheduled: %v", err)
	}
	path := fmt.Sprintf("/api/v1/rechecks/%d", recheckID)
	rec := e.do(t, "POST", path, e.tokens["supervisor"], strings.NewReader(`{"result":"held","note":"干净"}`), "application/json")
	wantProblem(t, "a look-back without a photo", rec, http.StatusUnprocessableEntity, "photo")
	if !strings.Contains(string(rec.body), "recheck_required") {
		t.Errorf("the refusal does not name the rule: %s", rec.body)
	}
	if r := e.upload(t, id, e.tokens["officer"], "recheck", "r.jpg", "image/jpeg", jpegBytes(t, 41, 30), "recheck_id", strconv.FormatInt(recheckID, 10)); r.status != http.StatusCreated {
		t.Fatalf("recheck photo: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", path, e.tokens["supervisor"], strings.NewReader(`{"result":"held","note":"干净"}`), "application/json"); r.status != 200 {
		t.Errorf("a look-back with its photo: %d %s", r.status, r.body)
	}
}
