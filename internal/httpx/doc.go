// Package httpx is Gridkeeper's HTTP plumbing: the Echo server with its
// middleware, the one error format (RFC 9457 application/problem+json, with
// a field and a reason for every client mistake), query-parameter parsing
// that answers bad input with that format, and a streaming GeoJSON
// FeatureCollection writer.
//
// Handlers return errors; ErrorHandler turns every error into a problem
// response, so a handler never writes an error body itself. Anything that
// is not a *Problem or an *echo.HTTPError is a server fault: it is logged
// and answered with a bare 500 that leaks nothing.
package httpx
