package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func TestTokenCreateMakesAPersonsOrAClientsTokenWithItsScope(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	var person int64
	if err := d.Pool.QueryRow(ctx, `INSERT INTO people (name) VALUES ('张伟') RETURNING id`).Scan(&person); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) error {
		return runToken(ctx, append([]string{args[0], "-database-url", d.URL}, args[1:]...))
	}
	if err := run("create", "--person", fmt.Sprint(person), "--role", "officer", "--ttl", "90d"); err != nil {
		t.Fatal(err)
	}
	if err := run("create", "--client", "hotline", "--role", "dispatcher", "--sources", "hotline"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE
		(person_id = $1 AND role = 'officer' AND expires_at BETWEEN now() + interval '89 days' AND now() + interval '91 days')
		OR (client = 'hotline' AND sources = '{hotline}' AND expires_at IS NULL)`, person).Scan(&n); err != nil || n != 2 {
		t.Fatalf("stored tokens matching: %d (%v), want both", n, err)
	}
	var actor string
	if err := d.Pool.QueryRow(ctx, `SELECT min(actor) FROM audit_log WHERE action = 'token.create'`).Scan(&actor); err != nil || !strings.HasPrefix(actor, "cli") {
		t.Fatalf("audit actor %q (%v), want the operator (cli:USER)", actor, err)
	}
	for _, bad := range [][]string{
		{"create", "--role", "officer"},                                               // nobody to hold it
		{"create", "--person", fmt.Sprint(person), "--role", "officer", "--ttl", "x"}, // bad lifetime
	} {
		if err := run(bad...); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
	if err := run("create", "--person", fmt.Sprint(person), "--role", "officer", "--area", "371402"); err == nil {
		t.Errorf("an officer token with an explicit area was created")
	}
}
