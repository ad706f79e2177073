package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Roles a token may hold, from most to least powerful.
var Roles = []string{"admin", "supervisor", "dispatcher", "officer", "analyst", "viewer"}

const tokenPrefix = "gk_"

// Principal is the holder of a verified token.
type Principal struct {
	TokenID int64
	Name    string
	Role    string
}

// Token describes a stored token (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// ErrUnknownToken is returned when a token is not stored or was revoked.
var ErrUnknownToken = errors.New("unknown or revoked token")

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// Create stores a new token and returns its secret, shown only this once.
func Create(ctx context.Context, pool *pgxpool.Pool, name, role string) (secret string, id int64, err error) {
	if strings.TrimSpace(name) == "" {
		return "", 0, errors.New("token name is empty")
	}
	if !ValidRole(role) {
		return "", 0, fmt.Errorf("role %q is not one of %s", role, strings.Join(Roles, ", "))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", 0, fmt.Errorf("random token: %w", err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := hash(secret)
	err = pool.QueryRow(ctx, `INSERT INTO api_tokens (name, role, hash) VALUES ($1, $2, $3) RETURNING id`, name, role, h[:]).Scan(&id)
	if err != nil {
		return "", 0, fmt.Errorf("store token: %w", err)
	}
	return secret, id, nil
}

// Verify looks a presented secret up and records its use (at most once a
// minute, so that reads stay cheap).
func Verify(ctx context.Context, pool *pgxpool.Pool, secret string) (Principal, error) {
	var p Principal
	if !strings.HasPrefix(secret, tokenPrefix) {
		return p, ErrUnknownToken
	}
	h := hash(secret)
	var stale bool
	err := pool.QueryRow(ctx, `
		SELECT id, name, role, coalesce(last_used_at < now() - interval '1 minute', true)
		FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL`, h[:]).Scan(&p.TokenID, &p.Name, &p.Role, &stale)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrUnknownToken
	}
	if err != nil {
		return p, fmt.Errorf("look up token: %w", err)
	}
	if stale {
		if _, err := pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, p.TokenID); err != nil {
			return p, fmt.Errorf("record token use: %w", err)
		}
	}
	return p, nil
}

// List returns every token, newest first.
func List(ctx context.Context, pool *pgxpool.Pool) ([]Token, error) {
	rows, err := pool.Query(ctx, `SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Token])
}

// Revoke ends a token; it reports whether a live token was revoked.
func Revoke(ctx context.Context, pool *pgxpool.Pool, id int64) (bool, error) {
	tag, err := pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return false, fmt.Errorf("revoke token: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func hash(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }
