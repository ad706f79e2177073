// Package heat owns the maps of where problems are: the heatmap of
// problems per H3 hexagon (GET /api/v1/heatmap) and the hot spot map with
// its emerging trends (GET /api/v1/hotspots), the SQL that reads problems
// for them and the rollup that keeps them fast (migrations/009_heat.sql).
// The statistics (Gi*, the false discovery rate, Mann-Kendall, the
// emerging classes) are internal/hotspot's; this package feeds them counts.
//
// # What is counted
//
// A problem counts where and when it was reported (problems.h3_15,
// reported_at), unless it is void (no problem after all) or merged (it is
// counted in the problem it was merged into). Days, ISO weeks and months
// are Beijing's. For each hexagon of the requested resolution:
//
//   - count: problems reported in the window;
//   - weeks: distinct ISO weeks with a problem;
//   - recurring_weeks: the most distinct ISO weeks any one category was
//     reported in; recurring: recurring_weeks ≥ k (the k parameter, 3 by
//     default) or a rebound in the window;
//   - rebounds: problems that are rebounds (rebound_of set: they came back
//     at a look-back check);
//   - open: problems not closed, void or merged now; overdue: those with
//     their handler past due_at now (as internal/problem's overdue);
//   - top_categories: the three most frequent categories (count, then
//     code), with their names.
//
// metric chooses the features' value and which hexagons are shown: count
// (every hexagon with a problem), recurring (recurring hexagons, value
// recurring_weeks), rebound (value rebounds) or overdue (value overdue).
// format=h3 answers [{"h3":"89…","count":n}, …] (with "value" for another
// metric), what deck.gl's H3HexagonLayer takes; the h3 string is h3-go's
// Cell.String(), which is what kepler.gl and h3-js write too.
//
// # Windows, resolutions and the cell limit
//
// from and to are RFC 3339 times with their zone, Beijing days
// (2026-09-11) or months (2026-09): from is the first instant of its
// period, to the instant after its last, so from=2026-09&to=2026-09 is
// September. Absent: the 90 days up to the end of today. A value whose
// period starts after today, or from not before to, is a 400 naming it.
//
// res is 5–12. Without it the resolution is the finest whose estimate over
// the bbox (or the city's extent, the union of the top-level areas) is at
// most 3,000 cells: res 8 for a city of 800 km². The estimate is the area
// over the average cell area plus a ring of cells along the edges; past
// the limit (50,000 cells, Handlers.CellLimit) the request is a 422 naming
// res and bbox with the limit and the estimate, instead of millions of
// hexagons. With a bbox the answer is the hexagons that overlap it, each
// with all its problems (not only those inside the bbox), so that
// neighbouring viewports agree on every hexagon.
//
// # The rollup
//
// heat_day (migrations/009_heat.sql) holds, per Beijing day and
// resolution-6 area, the day's problems as packed 8-byte entries, one per
// resolution-10 cell, category and source, with its problems and rebounds.
// Statement-level triggers with transition tables keep it current
// without a lock any other writer waits for (migrations/013_heat_deltas.sql):
// each statement that writes problems appends its delta to heat_delta, one
// row per day and area it changes (intake: one row; an import of a million
// rows: one per day and area, about 15,000), or a marker row when it moved
// nothing counted (workflow actions: one comparison and one small insert).
// Fold (fold.go) adds the deltas into heat_day and deletes them in one
// transaction, one folder at a time (heat_fold's row, SKIP LOCKED):
// RunFolder folds on a ticker for a long-running server, the import folds
// after it commits, and a read that finds many deltas pending starts a fold
// in the background. Readers add the
// deltas not folded yet to heat_day's entries themselves, in the same
// snapshot, so answers are exact at any fold lag. A heatmap at
// resolutions 5–10 reads the whole days of its window from heat_day (only
// the areas its bbox touches), the partial days at either end from
// problems, and aggregates in Go: an entry's cell is its area's digits and
// its own, the parent at a coarser resolution is bit arithmetic, weeks are
// bit sets. Resolutions 11 and 12 read problems (the cell limit keeps
// their bbox small, the spatial index finds them). open and overdue come
// from problems through the partial index problems_heat_open (index-only:
// the 43,000 open problems of a 90-day window in about 20 ms).
//
// Why packed entries and Go, measured on a million problems over a year
// (BenchmarkHeat1M and the runs that led to it): the rollup has 822,000
// day × cell × category entries, hardly fewer than problems, because most
// cells see one problem of a category on a day; its gain can only come
// from reading less per entry. As one row per entry, grouping the 232,000
// entries of 90 days in SQL (cell × category × week, then cell) took
// 0.9 s and reading them into Go 0.2–0.4 s; as arrays per day and area,
// PostgreSQL spent 0.1–0.3 s sending their million elements one value at
// a time; as bytea the 3,700 rows of 90 days arrive in under 10 ms, and
// the whole answer, GeoJSON and gzip included, takes 0.1–0.2 s. The bare
// GROUP BY over problems that the benchmark takes as the floor needs
// 0.1–0.3 s (it reads 290,000 wide rows) for a count alone.
//
// # ETag
//
// Every answer carries a strong ETag hashed from its resolved parameters
// (window, resolution, filters, options), the data version heat_state()
// (the fold generation and the ids of the unfolded deltas: it changes with
// every statement that writes problems or categories and with every fold,
// read in the snapshot the answer is read in) and, for heatmaps, the latest
// deadline already passed among problems with their handler (the overdue
// problems change when a deadline passes, without a write; with the data
// version it fixes the set of overdue problems). A request whose
// If-None-Match holds it gets a 304 after one round trip of index probes,
// before anything is aggregated. Cache-Control is no-cache: clients
// revalidate every time.
//
// # Hot spots
//
// The value of a hexagon is its problems in the window. The study area is
// the hexagons with problems and their first ring (internal/hotspot's
// StudyArea), Gi* is computed over each hexagon's first ring with binary
// weights, and the classes are ArcGIS's Gi_Bin after the Benjamini–Hochberg
// correction over the study area (confidence −3…3, class hot_99 …
// cold_90); p_fdr is the BH-adjusted p-value. level=90|95|99 keeps only
// the hexagons at least that significant (or, with trend, with a pattern).
//
// trend=true adds the emerging hot spot class of each hexagon: the window
// is cut into bins of 7 days ending at to (rounded up to midnight; from
// moves forward to the first whole bin, and the answer says what was
// analysed), a space-time cube of weekly counts goes through
// internal/hotspot's Cube.Emerging with its defaults (this week and the
// one before as the time neighbourhood, FDR over the whole cube, a bin
// significant at 90 %, a trend at p ≤ 0.05), and each hexagon gets its
// pattern (new_hot_spot … historical_cold_spot, no_pattern), the
// Mann-Kendall test of its Gi* series and its numbers of hot and cold
// bins. bins=week is the only binning.
package heat
