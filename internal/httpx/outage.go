package httpx

// Outages and broken request bodies as problems: what is not the server's
// fault is never a 500.

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// UnavailableType is the problem type of every answer to a database
// outage or contention; the class member says which.
const UnavailableType = "https://gridkeeper.dev/problems/unavailable"

// RetryAfterSeconds is the Retry-After sent with an outage's 503.
const RetryAfterSeconds = 2

// outageDetail says in plain words what each class means for the client;
// nothing from the database's own message reaches the body.
var outageDetail = map[db.Class]string{
	db.Unavailable:        "the database is unavailable (starting, stopping or unreachable); retry shortly",
	db.TooManyConnections: "the database is overloaded; retry shortly",
	db.ReadOnly:           "the database is in recovery and accepts no writes; retry shortly",
	db.Deadlock:           "the request collided with a concurrent one and was rolled back; retry it",
	db.Serialization:      "the request collided with a concurrent one and was rolled back; retry it",
	db.LockTimeout:        "the data is locked by other work; retry shortly",
	db.StatementTimeout:   "the request took longer than the server allows; retry shortly",
	db.PoolTimeout:        "the server is busy; retry shortly",
}

// Unavailable is the 503 for a database failure of class c.
func Unavailable(c db.Class) *Problem {
	return &Problem{
		Type: UnavailableType, Title: "Service unavailable", Status: http.StatusServiceUnavailable,
		Detail: outageDetail[c], Extra: map[string]any{"class": string(c)},
		Header: http.Header{"Retry-After": {strconv.Itoa(RetryAfterSeconds)}},
	}
}

// bodyKey holds the request's trackedBody in the echo context.
const bodyKey = "gridkeeper.body"

// trackedBody remembers why reading the request body failed (a malformed
// chunked encoding, the read timeout, a dropped connection), so that the
// error handler answers the client's fault as 400 or 408, whichever
// handler happened to read the body.
type trackedBody struct {
	io.ReadCloser
	mu  sync.Mutex
	err error
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &mbe) {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *trackedBody) failure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func trackBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body != nil && req.Body != http.NoBody {
			tb := &trackedBody{ReadCloser: req.Body}
			req.Body = tb
			c.Set(bodyKey, tb)
		}
		return next(c)
	}
}

// bodyFailure is the problem for a request whose body could not be read,
// or nil when the body was fine.
func bodyFailure(c echo.Context) *Problem {
	tb, _ := c.Get(bodyKey).(*trackedBody)
	if tb == nil {
		return nil
	}
	err := tb.failure()
	if err == nil {
		return nil
	}
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &Problem{
			Type: "https://gridkeeper.dev/problems/request-timeout", Title: "Request timeout", Status: http.StatusRequestTimeout,
			Detail: "the request body did not arrive within the server's read timeout; nothing was changed",
			Errors: []FieldError{{Field: "body", Reason: "arrived too slowly"}},
			Header: http.Header{"Connection": {"close"}},
		}
	}
	p := malformed("the request body could not be read (malformed chunked encoding or a broken connection); nothing was changed")
	p.Header = http.Header{"Connection": {"close"}}
	return p
}
