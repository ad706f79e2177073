package open311

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/auth"
)

// Client is who posts through an api_key.
type Client struct {
	Name string // recorded as the problem's reporting actor, "open311:" + Name
}

// ErrUnknownKey: the api_key is missing, unknown, revoked or not allowed
// to report.
var ErrUnknownKey = errors.New("unknown api_key")

// Clients checks api_key values. The scope work replaces TokenClients with
// tokens of service clients; nothing else in this package changes.
type Clients interface {
	Client(ctx context.Context, apiKey string) (Client, error)
}

// reportRoles may post requests until service-client tokens exist.
var reportRoles = []string{"admin", "supervisor", "dispatcher", "officer"}

// TokenClients accepts a live Gridkeeper token of a role that may report.
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
	if !slices.Contains(reportRoles, p.Role) {
		return Client{}, ErrUnknownKey
	}
	return Client{Name: p.Name}, nil
}
