// Package web carries the map page (index.html), the dashboard
// (dashboard.html), the API docs page (api.html) and the officer's phone
// page (m/), their scripts and styles, and the vendored MapLibre GL JS and
// Swagger UI under vendor/, embedded so that the binary serves the pages
// with no files beside it. The browser test in test/ is not embedded.
package web

import "embed"

// FS holds the pages' files at their plain paths: "index.html", "app.js",
// "style.css", "dashboard.html" and "vendor/maplibre-gl/maplibre-gl.js" and
// so on.
//
//go:embed index.html dashboard.html api.html *.js *.css vendor m
var FS embed.FS
