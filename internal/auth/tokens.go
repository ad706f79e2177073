package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

// Roles a token may hold, from most to least powerful.
var Roles = []string{"admin", "supervisor", "dispatcher", "officer", "analyst", "viewer"}

// StaffRoles are the roles that work cases; their tokens see contacts in
// their scope. Analysts and viewers read what anonymous callers read.
var StaffRoles = []string{"admin", "supervisor", "dispatcher", "officer"}

// ExternalSources are report sources only tokens allowed to write them
// (Spec.Sources, or admin) may use: their source_ref is another system's
// ticket number, which the import of that system relies on.
var ExternalSources = []string{"hotline"}

const tokenPrefix = "gk_"

// Principal is the holder of a verified token: the one thing handlers
// read about the caller.
type Principal struct {
	TokenID  int64
	Name     string   // the token's unique name
	Role     string   // what the token may do
	PersonID *int64   // the person the token belongs to (scope from their duties)
	Client   string   // or the service client it belongs to
	Area     string   // an explicit area scope (supervisor, dispatcher tokens)
	Sources  []string // external report sources the token may write
}

// Token describes a stored token (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	PersonID   *int64     `json:"person_id"`
	Client     *string    `json:"client"`
	Area       *string    `json:"area"`
	Sources    []string   `json:"sources"`
	ExpiresAt  *time.Time `json:"expires_at"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Spec is a token to create.
type Spec struct {
	Name     string
	Role     string
	PersonID *int64        // a person's token
	Client   string        // or a service client's (hotline import, an Open311 client, an integration)
	Area     string        // explicit area scope; supervisor and dispatcher tokens only
	Sources  []string      // external sources it may write (see ExternalSources)
	TTL      time.Duration // zero: no expiry
}

// ErrUnknownToken is returned when a token is not stored, was revoked or
// has expired.
var ErrUnknownToken = errors.New("unknown, revoked or expired token")

// InputError names what is wrong with a Spec.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

var clientName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// Create stores a token with only a name and a role (a city-desk or
// development token without a person) and returns its secret.
func Create(ctx context.Context, q db.DB, name, role string) (secret string, id int64, err error) {
	return CreateToken(ctx, q, Spec{Name: name, Role: role})
}

// CreateToken checks s, stores the token and an audit row in one
// transaction, and returns its secret, shown only this once. The audit
// actor is the context's (see audit.WithActor); without one the token is
// recorded as created by "system".
func CreateToken(ctx context.Context, q db.DB, s Spec) (secret string, id int64, err error) {
	s.Name = strings.TrimSpace(s.Name)
	if err := s.validate(); err != nil {
		return "", 0, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", 0, fmt.Errorf("random token: %w", err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := hash(secret)
	if _, ok := audit.ActorFrom(ctx); !ok {
		ctx = audit.WithActor(ctx, audit.Actor{Name: "system"})
	}
	actor, _ := audit.ActorFrom(ctx)
	var expires *time.Time
	if s.TTL > 0 {
		t := time.Now().Add(s.TTL)
		expires = &t
	}
	err = db.InTx(ctx, q, func(tx pgx.Tx) error {
		if s.PersonID != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM people WHERE id = $1 AND active)`, *s.PersonID).Scan(&ok); err != nil {
				return fmt.Errorf("look up person: %w", err)
			}
			if !ok {
				return &InputError{"person_id", fmt.Sprintf("no active person %d", *s.PersonID)}
			}
		}
		if s.Area != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM areas WHERE code = $1)`, s.Area).Scan(&ok); err != nil {
				return fmt.Errorf("look up area: %w", err)
			}
			if !ok {
				return &InputError{"area", "no area " + s.Area}
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (name, role, hash, person_id, client, area_code, sources, expires_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			s.Name, s.Role, h[:], s.PersonID, nullable(s.Client), nullable(s.Area), sourcesOrEmpty(s.Sources), expires, actor.Name).Scan(&id)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.ConstraintName == "api_tokens_name" {
			return &InputError{"name", "a token named " + s.Name + " exists; token names are unique"}
		}
		if err != nil {
			return fmt.Errorf("store token: %w", err)
		}
		t, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "token.create", fmt.Sprintf("token:%d", id), nil, t)
	})
	if err != nil {
		return "", 0, err
	}
	return secret, id, nil
}

func (s Spec) validate() error {
	switch {
	case s.Name == "":
		return &InputError{"name", "a token needs a name"}
	case len(s.Name) > 100:
		return &InputError{"name", "longer than 100 characters"}
	case !ValidRole(s.Role):
		return &InputError{"role", fmt.Sprintf("%q is not one of %s", s.Role, strings.Join(Roles, ", "))}
	case s.PersonID != nil && s.Client != "":
		return &InputError{"client", "a token belongs to a person or to a client, not both"}
	case s.Client != "" && !clientName.MatchString(s.Client):
		return &InputError{"client", "a client name is lower-case letters, digits, '.', '_' or '-' (up to 64)"}
	case s.Area != "" && s.Role != "supervisor" && s.Role != "dispatcher":
		return &InputError{"area", "only supervisor and dispatcher tokens carry an explicit area; others take their scope from their person's duties"}
	case s.TTL < 0:
		return &InputError{"ttl", "is negative"}
	}
	for _, src := range s.Sources {
		if !slices.Contains(ExternalSources, src) {
			return &InputError{"sources", fmt.Sprintf("%q is not an external source (%s)", src, strings.Join(ExternalSources, ", "))}
		}
	}
	return nil
}

// Verify looks a presented secret up and records its use (at most once a
// minute, so that reads stay cheap). A revoked or expired token is unknown.
func Verify(ctx context.Context, q db.DB, secret string) (Principal, error) {
	var p Principal
	if !strings.HasPrefix(secret, tokenPrefix) {
		return p, ErrUnknownToken
	}
	h := hash(secret)
	var stale bool
	var client, area *string
	err := q.QueryRow(ctx, `
		SELECT id, name, role, person_id, client, area_code, sources, coalesce(last_used_at < now() - interval '1 minute', true)
		FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, h[:]).
		Scan(&p.TokenID, &p.Name, &p.Role, &p.PersonID, &client, &area, &p.Sources, &stale)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrUnknownToken
	}
	if err != nil {
		return p, fmt.Errorf("look up token: %w", err)
	}
	p.Client, p.Area = deref(client), deref(area)
	if stale {
		if _, err := q.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, p.TokenID); err != nil {
			return p, fmt.Errorf("record token use: %w", err)
		}
	}
	return p, nil
}

const tokenCols = `id, name, role, person_id, client, area_code, sources, expires_at, created_at, created_by, last_used_at, revoked_at`

// List returns every token, newest first.
func List(ctx context.Context, q db.DB) ([]Token, error) {
	rows, err := q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Token])
}

func get(ctx context.Context, q db.DB, id int64) (Token, error) {
	rows, err := q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = $1`, id)
	if err != nil {
		return Token{}, fmt.Errorf("get token %d: %w", id, err)
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Token])
}

// Revoke ends a token and records it in the audit log; it reports whether
// a live token was revoked.
func Revoke(ctx context.Context, q db.DB, id int64) (bool, error) {
	if _, ok := audit.ActorFrom(ctx); !ok {
		ctx = audit.WithActor(ctx, audit.Actor{Name: "system"})
	}
	revoked := false
	err := db.InTx(ctx, q, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return nil
		}
		revoked = true
		t, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "token.revoke", fmt.Sprintf("token:%d", id), map[string]any{"revoked_at": nil}, map[string]any{"revoked_at": t.RevokedAt})
	})
	return revoked, err
}

func hash(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sourcesOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
