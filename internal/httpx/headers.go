package httpx

import (
	"errors"
	"io/fs"
	"path"

	"github.com/labstack/echo/v4"
)

// ContentSecurityPolicy allows the pages only what Gridkeeper serves
// itself. MapLibre GL JS runs its workers from blob: URLs and draws images
// (sprites, canvases) from data: and blob: URLs; nothing may frame a page.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
	"worker-src 'self' blob:; child-src 'self' blob:; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders is middleware setting the security headers on every
// response, errors and 404s included.
func SecurityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// NoListing wraps a file system for http.FileServer so that a directory
// without an index.html is not found instead of listed.
func NoListing(fsys fs.FS) fs.FS { return noListFS{fsys} }

type noListFS struct{ fs.FS }

func (n noListFS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.IsDir() {
		return f, nil
	}
	if _, err := fs.Stat(n.FS, path.Join(name, "index.html")); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.Join(fs.ErrNotExist, errors.New("directories are not listed"))}
	}
	return f, nil
}
