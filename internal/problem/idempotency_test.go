package problem_test

import (
	"context"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// tokenFor adds a token of role for the person named name and returns its key in e.tokens.
func (e *env) tokenFor(t *testing.T, key, name, role string) {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := e.d.Pool.QueryRow(ctx, `SELECT id FROM people WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	tok, _, err := auth.CreateToken(ctx, e.d.Pool, auth.Spec{Name: key, Role: role, PersonID: &id})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[key] = tok
}

func TestTheSameIdempotencyKeyFromTwoPeopleStoresTwoProblems(t *testing.T) {
	e := setup(t)
	e.tokenFor(t, "李娜", "李娜", "officer")
	body := with(shopFront, "category", "T-ROAD", "source", "patrol")
	var a, b problem.Problem
	sa, _ := e.call(t, "officer", "POST", "/api/v1/problems", body, &a, "Idempotency-Key", "app-1")
	sb, _ := e.call(t, "李娜", "POST", "/api/v1/problems", body, &b, "Idempotency-Key", "app-1")
	if sa != 201 || sb != 201 || a.ID == b.ID {
		t.Fatalf("two people's reports under one key: %d (id %d) and %d (id %d), want two 201s and two problems", sa, a.ID, sb, b.ID)
	}
	// The retry of each returns its own.
	var again problem.Problem
	if s, _ := e.call(t, "李娜", "POST", "/api/v1/problems", body, &again, "Idempotency-Key", "app-1"); s != 200 || again.ID != b.ID {
		t.Fatalf("retry: %d id %d, want 200 and %d", s, again.ID, b.ID)
	}
	// A second token of the same person shares the person's keys.
	e.tokenFor(t, "张伟 phone", "张伟", "officer")
	if s, _ := e.call(t, "张伟 phone", "POST", "/api/v1/problems", body, &again, "Idempotency-Key", "app-1"); s != 200 || again.ID != a.ID {
		t.Fatalf("the same person's other token: %d id %d, want 200 and %d", s, again.ID, a.ID)
	}
	if n := e.count(t, `SELECT count(*) FROM problems`); n != 2 {
		t.Fatalf("%d problems stored, want 2", n)
	}
}

func TestTheSameIdempotencyKeyWithAnotherBodyIsA409NamingTheOriginal(t *testing.T) {
	e := setup(t)
	var first problem.Problem
	if s, _ := e.call(t, "officer", "POST", "/api/v1/problems", with(shopFront, "category", "T-ROAD", "source", "patrol"), &first,
		"Idempotency-Key", "app-2"); s != 201 {
		t.Fatalf("first: %d", s)
	}
	var pb struct {
		problemBody
		Original   string `json:"original"`
		OriginalID int64  `json:"original_id"`
	}
	s, _ := e.call(t, "officer", "POST", "/api/v1/problems", with(shopFront, "category", "T-DOG", "source", "patrol"), &pb,
		"Idempotency-Key", "app-2")
	if s != 409 || pb.OriginalID != first.ID || pb.Errors[0].Field != "Idempotency-Key" {
		t.Fatalf("another body under the key: %d %+v, want 409 naming problem %d", s, pb, first.ID)
	}
	if n := e.count(t, `SELECT count(*) FROM problems`); n != 1 {
		t.Fatalf("%d problems stored, want 1", n)
	}
}

func TestOnlyTokensAllowedToMayReportFromTheHotline(t *testing.T) {
	e := setup(t)
	var pb problemBody
	body := with(shopFront, "category", "T-LIGHT", "source", "hotline", "source_ref", "12345-20991231-0000001")
	for _, role := range []string{"officer", "dispatcher", "supervisor"} {
		if s, _ := e.call(t, role, "POST", "/api/v1/problems", body, &pb); s != 403 || pb.Errors[0].Field != "source" {
			t.Fatalf("%s posting source=hotline: %d %+v, want 403 naming source", role, s, pb)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM problems`); n != 0 {
		t.Fatalf("%d problems stored by refused reports", n)
	}
	// The hotline client may, and its ticket is then the import's too.
	e.reportAs(t, "hotline", body)
}
