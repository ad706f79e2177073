// Package geodata carries the sample city: a synthetic 德州市 (Dezhou,
// Shandong) with its districts, subdistricts, communities and unit grids in
// areas.geojson, and its named street segments in streets.geojson, both RFC
// 7946 FeatureCollections with one Feature per line, embedded so that the
// binary can load them into an empty database.
//
// frontages.csv holds its frontage units (门前五包) along the streets, in the
// CSV format that internal/frontage imports.
//
// The files are generated, not edited by hand: internal/citygen builds
// them deterministically from a seed. To regenerate them, from the
// repository root:
//
//	go run ./cmd/gridkeeper gen city --seed 1 --out geodata
//	go run ./cmd/gridkeeper gen frontages --seed 1 --out geodata
//
// The same seed gives the same bytes with the same PostGIS/GEOS version;
// the citygen tests compare a fresh seed-1 run with these files and check
// the invariants the importer enforces (validity, containment, tiling).
package geodata

import "embed"

// FS holds areas.geojson, streets.geojson and frontages.csv.
//
//go:embed areas.geojson streets.geojson frontages.csv
var FS embed.FS
