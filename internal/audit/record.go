package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// Actor is who makes a write.
type Actor struct {
	Name     string // the token's name, or "cli:USER"
	TokenID  *int64
	PersonID *int64
	Client   string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of its writes.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.Name != ""
}

// ErrNoActor is returned by Record when the context names nobody: a
// write without an actor is a bug, and is refused rather than logged
// anonymously.
var ErrNoActor = errors.New("audit: the write has no actor in its context")

// Record appends one row for a write, on q (the write's transaction).
// action is "kind.verb" (problem.report, duty.end), object "kind:key";
// before and after are marshalled to JSON (nil stays NULL).
func Record(ctx context.Context, q db.DB, action, object string, before, after any) error {
	a, ok := ActorFrom(ctx)
	if !ok {
		return fmt.Errorf("%s %s: %w", action, object, ErrNoActor)
	}
	b, err := marshal(before)
	if err != nil {
		return fmt.Errorf("audit %s: before: %w", action, err)
	}
	af, err := marshal(after)
	if err != nil {
		return fmt.Errorf("audit %s: after: %w", action, err)
	}
	var client *string
	if a.Client != "" {
		client = &a.Client
	}
	if _, err := q.Exec(ctx, `INSERT INTO audit_log (actor, token_id, person_id, client, action, object, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.Name, a.TokenID, a.PersonID, client, action, object, b, af); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, object, err)
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if len(x) == 0 {
			return nil, nil
		}
		return x, nil
	}
	return json.Marshal(v)
}

// OrActor returns ctx with the actor name when ctx carries none: for the
// server's own writes and Go callers that name their actor in their
// options (an import's Actor, a report's Actor). An empty name adds none.
func OrActor(ctx context.Context, name string) context.Context {
	if _, ok := ActorFrom(ctx); ok || name == "" {
		return ctx
	}
	return WithActor(ctx, Actor{Name: name})
}
