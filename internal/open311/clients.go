package open311

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/auth"
)

// Client is who posts through an api_key.
type Client struct {
	Name string         // the service client, recorded as the reporting actor "open311:" + Name
	As   auth.Principal // its token, for intake's audit and idempotency
}

// ErrUnknownKey: the api_key is missing, unknown, revoked, expired or not
// a service client's.
var ErrUnknownKey = errors.New("unknown api_key")

// Clients checks api_key values.
type Clients interface {
	Client(ctx context.Context, apiKey string) (Client, error)
}

// TokenClients accepts the live token of a service client (gridkeeper
// token create --client NAME): an Open311 app's key names the app, not a
// person.
type TokenClients struct{ Pool *pgxpool.Pool }

// Client verifies apiKey.
func (t TokenClients) Client(ctx context.Context, apiKey string) (Client, error) {
	p, err := auth.Verify(ctx, t.Pool, apiKey)
	if errors.Is(err, auth.ErrUnknownToken) {
		return Client{}, ErrUnknownKey
	}
	if err != nil {
		return Client{}, err
	}
	if p.Client == "" {
		return Client{}, ErrUnknownKey
	}
	return Client{Name: p.Client, As: p}, nil
}
