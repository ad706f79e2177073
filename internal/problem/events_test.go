package problem_test

import (
	"testing"
)

func TestEventsRecordTheTokenAndThePersonBehindThem(t *testing.T) {
	e := setup(t)
	p := e.report(t, map[string]any{"lon": 116.05, "lat": 37.15, "category": "T-DOG", "source": "patrol"})
	if s := e.act(t, "officer", p, map[string]any{"action": "start"}, nil); s != 200 {
		t.Fatalf("the grid's officer starting: %d", s)
	}
	var actor string
	var tokenOK, personOK bool
	if err := e.d.Pool.QueryRow(t.Context(), `
		SELECT e.actor, e.token_id = t.id, e.person_id = (SELECT id FROM people WHERE name = '张伟')
		FROM problem_events e JOIN api_tokens t ON t.name = '张伟 officer'
		WHERE e.problem_id = $1 AND e.action = 'start'`, p.ID).Scan(&actor, &tokenOK, &personOK); err != nil {
		t.Fatal(err)
	}
	if actor != "张伟 officer" || !tokenOK || !personOK {
		t.Fatalf("start event: actor %q, token recorded %v, person recorded %v", actor, tokenOK, personOK)
	}
	var reportToken bool
	if err := e.d.Pool.QueryRow(t.Context(), `
		SELECT e.token_id = t.id AND e.person_id IS NULL FROM problem_events e JOIN api_tokens t ON t.name = 'dispatcher user'
		WHERE e.problem_id = $1 AND e.action = 'report'`, p.ID).Scan(&reportToken); err != nil || !reportToken {
		t.Fatalf("report event names the dispatcher token (no person): %v %v", reportToken, err)
	}
}
