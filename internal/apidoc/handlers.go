package apidoc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// ContentType is the media type of the document (as OGC API – Features
// names it).
const ContentType = "application/vnd.oai.openapi+json;version=3.0"

// Register merges the document once and serves it at /api and
// /openapi.json. The fragments are embedded, so one that does not merge is
// a programming error, caught by this package's tests: Register panics.
func Register(e *echo.Echo) {
	doc, err := Build()
	if err != nil {
		panic(fmt.Errorf("openapi document: %w", err))
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	serve := func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		if c.Request().Header.Get("If-None-Match") == etag {
			return c.NoContent(http.StatusNotModified)
		}
		return c.Blob(http.StatusOK, ContentType, doc)
	}
	e.GET("/api", serve)
	e.GET("/openapi.json", serve)
}
