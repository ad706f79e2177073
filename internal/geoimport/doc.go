// Package geoimport owns loading areas (the city → district → subdistrict →
// community → grid hierarchy) and street segments from GeoJSON into PostGIS.
//
// An import reads an RFC 7946 FeatureCollection as a stream (geo.Collection),
// checks each feature's structure in Go while copying it into a temporary
// staging table, then checks geometry set-based in SQL (validity, coverage
// by the parent, overlapping grids) and upserts by code, all in one
// transaction: either every feature lands or, when any is rejected, nothing
// is written and the caller gets a *RejectedError listing every rejected
// feature.
//
// Both `gridkeeper import` and the server's first-run loading of the sample
// city go through ImportAreas and ImportStreets.
package geoimport
