package auth_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/apitest"
)

func TestAnAddressThatSendsTooManyUnknownTokensIsAnswered429(t *testing.T) {
	e := apitest.Setup(t)
	for i := range 20 {
		r := e.Do(t, "GET", "/api/v1/tokens/self", fmt.Sprintf("gk_guess%d", i), "")
		r.WantProblem(t, "unknown token", 401, "Authorization")
	}
	r := e.Do(t, "GET", "/api/v1/tokens/self", "gk_guess-more", "")
	r.WantProblem(t, "the 21st unknown token in a minute", 429, "Authorization")
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	// Past the limit even a good token is not looked up from that address...
	e.Do(t, "GET", "/api/v1/tokens/self", e.Admin, "").WantProblem(t, "a good token while blocked", 429, "Authorization")
	// ...and public reads go on, anonymously.
	if r := e.Do(t, "GET", "/api/v1/people", "gk_guess-again", ""); r.Status != 200 {
		t.Errorf("public read while blocked: %d %s", r.Status, r.Body)
	}
}

func TestTokensExpireAndAreRevoked(t *testing.T) {
	e := apitest.Setup(t)
	r := e.Do(t, "POST", "/api/v1/tokens", e.Admin, `{"name":"short","role":"viewer","ttl":"1h"}`)
	var made struct {
		Token struct {
			ID        int64
			ExpiresAt *string `json:"expires_at"`
		}
		Secret string
	}
	r.Decode(t, &made)
	if r.Status != 201 || made.Token.ExpiresAt == nil || made.Secret == "" {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	e.Do(t, "POST", "/api/v1/tokens", e.Admin, `{"name":"short","role":"viewer"}`).WantProblem(t, "a second token of the same name", 409, "name")
	e.Do(t, "POST", "/api/v1/tokens", e.Admin, `{"name":"x","role":"officer","area":"371402"}`).WantProblem(t, "an officer with an area", 422, "area")
	e.Do(t, "POST", "/api/v1/tokens", e.Sup, `{"name":"y","role":"admin"}`).WantProblem(t, "a supervisor minting tokens", 403, "")
	if r := e.Do(t, "GET", "/api/v1/tokens/self", made.Secret, ""); r.Status != 200 {
		t.Fatalf("fresh token: %d", r.Status)
	}
	if _, err := e.D.Pool.Exec(t.Context(), `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, made.Token.ID); err != nil {
		t.Fatal(err)
	}
	e.Do(t, "GET", "/api/v1/tokens/self", made.Secret, "").WantProblem(t, "expired token", 401, "Authorization")
	if r := e.Do(t, "POST", "/api/v1/tokens/"+strconv.FormatInt(made.Token.ID, 10)+"/revoke", e.Admin, ""); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	e.Do(t, "POST", "/api/v1/tokens/"+strconv.FormatInt(made.Token.ID, 10)+"/revoke", e.Admin, "").WantProblem(t, "revoking twice", 404, "")
}
