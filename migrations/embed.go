// Package migrations carries Gridkeeper's schema as numbered SQL files
// (tern format: "---- create above / drop below ----" separates up from
// down), embedded so that the binary migrates the database it serves.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
