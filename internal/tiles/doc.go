// Package tiles owns Gridkeeper's Mapbox vector tiles (MVT): the area
// levels, streets, frontage units, problems and a heat layer, cut by
// PostGIS (ST_TileEnvelope, ST_AsMVTGeom, ST_AsMVT) with the tile
// coordinates and every filter bound as query parameters, their TileJSON
// 3.0 documents, and their strong ETags.
//
// Routes:
//
//	GET /tiles/{layer}/{z}/{x}/{y}.mvt   one tile
//	GET /tiles/{layer}.json              TileJSON 3.0 (tiles, vector_layers with fields, bounds, zooms)
//
// Layers (layers.go): districts, subdistricts, communities, grids, streets,
// frontages (units and their zones, public fields only), problems and heat.
// No tile is ever truncated: problems are points, one feature each, from
// PointZoom on, and below it cells of CellPx tile pixels, one point per
// non-empty cell at the mean position of its problems with their count
// (and the problem's id when the cell holds one), so that every problem
// is counted in some feature at every zoom. Heat is square cells of
// HeatPx pixels with their counts, at every zoom. Below PointZoom, without
// a time filter, both are summed from a rollup (table problem_cells: counts
// per zoom-14, zoom-17 and zoom-18 tile, category, status and source, kept by
// statement-level triggers on problems) instead of from the problems; a
// filter with from, to or due_before reads the problems.
//
// Problems and heat take the map's filters (params.go): category, status,
// source (comma-separated lists), from / to (reported_at in [from, to))
// and due_before (a handler has it and its deadline is before then: the
// map's "overdue" with the instant fixed by the caller, so that a tile is
// a function of the data and its URL). A point carries its status and
// deadlines as epoch seconds (due; warn, the instant it turns yellow on the
// working-hours calendar, while the deadline is still ahead when the tile
// is cut: past it the light is red whatever warn says), so the map colours
// deadline lights from the clock and the tile need not change as time
// passes. (The one thing time changes in a tile is that warn: two cuts
// under one ETag may differ in it for a problem whose deadline passed in
// between, and colour it the same.)
//
// Handlers keep rendered tiles by ETag (cache.go, 64 MiB by default): a
// tile asked for again by any client is cut once per state of its data.
//
// ETags (etag.go) are made of what a tile depends on: for problems and
// heat, the versions of the zoom-14 tiles it covers and their neighbours
// (table problem_tile_versions: statement-level triggers on problems
// append a row per zoom-14 tile a statement touched, which no other
// writer waits for, and Fold packs each tile's rows into one), so a changed problem changes the ETag of the tiles that show
// it and not of the whole city; for areas, streets and frontages, the count
// and latest updated_at of the rows the tile's envelope (with its buffer)
// touches. A request whose If-None-Match holds the ETag gets a 304 after
// that one small query, without cutting the tile.
package tiles
