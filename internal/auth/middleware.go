package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

const principalKey = "gridkeeper.principal"

// Guard checks bearer tokens against the database and limits failed
// attempts per client address.
type Guard struct {
	db       db.DB
	failures *limiter
}

// GuardOption tunes a Guard.
type GuardOption func(*Guard)

// WithFailureLimit lets a client address present at most n unknown tokens
// per window before it is answered 429 until the window ends (default 20
// per minute).
func WithFailureLimit(n int, window time.Duration) GuardOption {
	return func(g *Guard) { g.failures = newLimiter(n, window) }
}

// NewGuard returns a Guard that looks tokens up on q (a pool; a small
// separate one keeps token checks answering when the main pool is busy).
func NewGuard(q db.DB, opts ...GuardOption) *Guard {
	g := &Guard{db: q, failures: newLimiter(20, time.Minute)}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Require admits a request whose bearer token holds one of roles (admin is
// always admitted): 401 without a valid token, 403 with the wrong role,
// 429 after too many unknown tokens from the client's address.
func (g *Guard) Require(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, present, err := g.authenticate(c)
			if err != nil {
				return err
			}
			if !present {
				return unauthorized("send Authorization: Bearer <token>")
			}
			if p.Role != "admin" && !slices.Contains(roles, p.Role) {
				return &httpx.Problem{
					Type: "https://gridkeeper.dev/problems/forbidden", Title: "Forbidden", Status: http.StatusForbidden,
					Detail: "role " + p.Role + " may not do this; it needs one of: admin, " + strings.Join(roles, ", "),
					Errors: []httpx.FieldError{{Field: "Authorization", Reason: "role " + p.Role + " is not allowed"}},
				}
			}
			return next(c)
		}
	}
}

// Optional admits every request: one with a valid bearer token carries
// its principal (reads then show what that token's scope may see); one
// without a token, or with a token the server does not know, is read as
// anonymous, so that a stale token never hides the public map. An unknown
// token still counts against the address's failure limit (past it, tokens
// from that address are not even looked up, so guessing learns nothing)
// and the answer says so in WWW-Authenticate (error="invalid_token",
// RFC 6750).
func (g *Guard) Optional() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if _, _, err := g.authenticate(c); err != nil {
				var p *httpx.Problem
				if !errors.As(err, &p) || (p.Status != http.StatusUnauthorized && p.Status != http.StatusTooManyRequests) {
					return err
				}
				c.Response().Header().Set("Www-Authenticate", `Bearer realm="gridkeeper", error="invalid_token"`)
			}
			return next(c)
		}
	}
}

// authenticate reads and verifies the bearer token, if any, and puts the
// principal on c and the audit actor on the request's context.
func (g *Guard) authenticate(c echo.Context) (Principal, bool, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return Principal{}, false, nil
	}
	addr := clientAddr(c.Request())
	if wait := g.failures.blocked(addr); wait > 0 {
		p := httpx.NewProblem(http.StatusTooManyRequests, "too many unknown tokens from this address; try again later")
		p.Type = "https://gridkeeper.dev/problems/too-many-failed-tokens"
		p.Errors = []httpx.FieldError{{Field: "Authorization", Reason: "too many failed attempts"}}
		p.Header = http.Header{"Retry-After": {strconv.Itoa(int(wait.Seconds()) + 1)}}
		return Principal{}, false, p
	}
	secret, ok := bearer(h)
	if !ok {
		return Principal{}, false, unauthorized("send Authorization: Bearer <token>")
	}
	p, err := Verify(c.Request().Context(), g.db, secret)
	if errors.Is(err, ErrUnknownToken) {
		g.failures.fail(addr)
		return Principal{}, false, unauthorized("the token is unknown, revoked or expired")
	}
	if err != nil {
		return Principal{}, false, err
	}
	c.Set(principalKey, p)
	c.SetRequest(c.Request().WithContext(NewContext(c.Request().Context(), p)))
	return p, true, nil
}

// From returns the principal of the request (Require or Optional admitted
// it); false for an anonymous request.
func From(c echo.Context) (Principal, bool) {
	p, ok := c.Get(principalKey).(Principal)
	return p, ok
}

type principalCtxKey struct{}

// NewContext returns ctx carrying p, and p as the actor of its writes
// (audit.WithActor).
func NewContext(ctx context.Context, p Principal) context.Context {
	id := p.TokenID
	ctx = audit.WithActor(ctx, audit.Actor{Name: p.Name, TokenID: &id, PersonID: p.PersonID, Client: p.Client})
	return context.WithValue(ctx, principalCtxKey{}, p)
}

// FromContext returns the principal NewContext put on ctx.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalCtxKey{}).(Principal)
	return p, ok
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func unauthorized(detail string) *httpx.Problem {
	return &httpx.Problem{
		Type: "https://gridkeeper.dev/problems/unauthorized", Title: "Unauthorized", Status: http.StatusUnauthorized,
		Detail: detail, Errors: []httpx.FieldError{{Field: "Authorization", Reason: detail}},
		Header: http.Header{"Www-Authenticate": {`Bearer realm="gridkeeper"`}},
	}
}

// clientAddr is the peer's IP address. Forwarded headers are not trusted:
// a client could name any address in them and escape the limit.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter counts failures per key in fixed windows.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, w time.Duration) *limiter {
	return &limiter{max: max, window: w, seen: map[string]*window{}}
}

// blocked returns how long key must wait, zero when it may try.
func (l *limiter) blocked(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.seen[key]
	if w == nil {
		return 0
	}
	if left := l.window - time.Since(w.start); left <= 0 {
		delete(l.seen, key)
		return 0
	} else if w.n >= l.max {
		return left
	}
	return 0
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.seen) > 100000 { // forget the oldest windows rather than grow without bound
		for k, w := range l.seen {
			if now.Sub(w.start) > l.window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) > l.window {
		w = &window{start: now}
		l.seen[key] = w
	}
	w.n++
}
