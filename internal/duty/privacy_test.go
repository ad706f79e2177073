package duty_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/auth"
)

// get reads path with token (anonymous when "") and returns the body.
func (e *env) get(t *testing.T, path, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

func TestHoldersPhonesOnlyForStaffWhoseScopeCoversThem(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// 张伟 holds grid 001, 李娜 grid 003 (phones 13800000001 and ...02).
	for name, grid := range map[string]string{"张伟": "371402001001001", "李娜": "371402001001003"} {
		if s := e.do(t, "POST", "/api/v1/duties", map[string]any{"role": "grid_officer", "target": "area:" + grid,
			"person_id": e.ids[name], "from": "2026-01-01T00:00:00Z"}, nil); s != 201 {
			t.Fatalf("assign %s: %d", name, s)
		}
	}
	zhang := e.ids["张伟"]
	officer, _, err := auth.CreateToken(ctx, e.d.Pool, auth.Spec{Name: "张伟 officer", Role: "officer", PersonID: &zhang})
	if err != nil {
		t.Fatal(err)
	}
	viewer, _, err := auth.Create(ctx, e.d.Pool, "a viewer", "viewer")
	if err != nil {
		t.Fatal(err)
	}
	own, other := "/api/v1/duties?target=area:371402001001001", "/api/v1/duties?target=area:371402001001003"
	ownPoint, otherPoint := "/api/v1/responsible?lon=116.05&lat=37.15&category=T-DOG", "/api/v1/responsible?lon=116.05&lat=37.05&category=T-DOG"
	cases := []struct {
		who, token, path, phone string
		shown                   bool
	}{
		{"anonymous", "", own, "13800000001", false},
		{"anonymous", "", ownPoint, "13800000001", false},
		{"a viewer", viewer, own, "13800000001", false},
		{"the city supervisor", e.token, other, "13800000002", true},
		{"the city supervisor", e.token, otherPoint, "13800000002", true},
		{"张伟 on his own grid", officer, own, "13800000001", true},
		{"张伟 on his grid's chain", officer, ownPoint, "13800000001", true},
		{"张伟 on the next grid", officer, other, "13800000002", false},
		{"张伟 on the next grid's chain", officer, otherPoint, "13800000002", false},
	}
	for _, tc := range cases {
		if got := strings.Contains(e.get(t, tc.path, tc.token), tc.phone); got != tc.shown {
			t.Errorf("%s reading %s: phone shown %v, want %v", tc.who, tc.path, got, tc.shown)
		}
	}
	// An unknown token reads as anonymous rather than failing the public page.
	if strings.Contains(e.get(t, own, "gk_stale"), "13800000001") {
		t.Errorf("an unknown token saw a phone")
	}
}
