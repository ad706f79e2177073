package httpx

// What every request leaves behind: its request id (echoed in a header),
// one access-log line, and its count and latency in the metrics.

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// RequestIDHeader carries the request id, taken from the client when it
// sends a usable one and generated otherwise; it comes back in the answer.
const RequestIDHeader = "X-Request-Id"

const (
	requestIDKey = "gridkeeper.request_id"
	metricsKey   = "gridkeeper.metrics"
)

// CountImport adds an import's rows and rejections (of kind, such as
// "frontages") to the metrics of c's server.
func CountImport(c echo.Context, kind string, rows, rejected int) {
	m, _ := c.Get(metricsKey).(*Metrics)
	if m == nil {
		return
	}
	m.imported.WithLabelValues(kind).Add(float64(rows))
	m.rejected.WithLabelValues(kind).Add(float64(rejected))
}

// Metrics are the HTTP series of one server.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	dbErrors *prometheus.CounterVec
	imported *prometheus.CounterVec
	rejected *prometheus.CounterVec
}

// NewMetrics creates the HTTP series and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridkeeper_http_requests_total", Help: "HTTP requests answered, by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gridkeeper_http_request_duration_seconds", Help: "Time from the request's arrival to the end of its answer.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gridkeeper_http_requests_in_flight", Help: "Requests being served now.",
		}),
		dbErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridkeeper_db_errors_total", Help: "Requests answered 503 because of a database outage or contention, by class.",
		}, []string{"class"}),
	}
	m.imported = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gridkeeper_import_rows_total", Help: "Rows read by imports through the API, by kind.",
	}, []string{"kind"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gridkeeper_import_rejections_total", Help: "Rows rejected by imports through the API, by kind.",
	}, []string{"kind"})
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.dbErrors, m.imported, m.rejected)
	for _, c := range []db.Class{db.Unavailable, db.TooManyConnections, db.ReadOnly, db.Deadlock, db.Serialization, db.LockTimeout, db.StatementTimeout, db.PoolTimeout} {
		m.dbErrors.WithLabelValues(string(c)) // every class is exported from the start, at 0
	}
	return m
}

func (m *Metrics) dbError(c db.Class) {
	if m != nil {
		m.dbErrors.WithLabelValues(string(c)).Inc()
	}
}

func (m *Metrics) observe(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, s).Inc()
	m.duration.WithLabelValues(route, method, s).Observe(d.Seconds())
}

// requestID is the id the request was given ("" outside a request).
func requestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// RequestID returns the request's id, for handlers that log.
func RequestID(c echo.Context) string { return requestID(c) }

// usableID accepts a client's id of up to 64 visible ASCII characters.
func usableID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// observe is the outermost middleware: it names the request, answers any
// error through the error handler, and then logs and counts the answer.
func observe(m *Metrics, log bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			id := c.Request().Header.Get(RequestIDHeader)
			if !usableID(id) {
				id = newID()
			}
			c.Set(requestIDKey, id)
			if m != nil {
				c.Set(metricsKey, m)
			}
			c.Response().Header().Set(RequestIDHeader, id)
			if m != nil {
				m.inFlight.Inc()
			}
			// Deferred, so that a connection aborted mid-stream (a panic
			// with http.ErrAbortHandler) is logged and counted as well.
			defer func() {
				if m != nil {
					m.inFlight.Dec()
				}
				status := c.Response().Status
				if !c.Response().Committed && status == 200 {
					status = 499 // aborted before any answer
				}
				route := c.Path()
				if route == "" {
					route = "unmatched"
				}
				d := time.Since(start)
				m.observe(route, method(c), status, d)
				if !log {
					return
				}
				lvl := slog.LevelInfo
				if status >= 500 {
					lvl = slog.LevelError
				}
				slog.Log(c.Request().Context(), lvl, "http",
					"request_id", id, "method", method(c), "route", route, "path", c.Request().URL.Path,
					"query", c.Request().URL.RawQuery, "status", status, "bytes", c.Response().Size,
					"duration_ms", float64(d.Microseconds())/1000)
			}()
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	}
}
