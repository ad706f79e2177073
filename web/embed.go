// Package web carries the map page: index.html, its script and style, and
// the vendored MapLibre GL JS under vendor/, embedded so that the binary
// serves the page with no files beside it. The browser test in test/ is not
// embedded.
package web

import "embed"

// FS holds the page's files at their plain paths: "index.html", "app.js",
// "style.css" and "vendor/maplibre-gl/maplibre-gl.js" and so on.
//
//go:embed index.html *.js style.css vendor
var FS embed.FS
