// Package geo is Gridkeeper's geometry plumbing: reading GeoJSON
// FeatureCollections as a stream (RFC 7946, CRS84/EPSG:4326 only), so that
// an import holds one feature in memory at a time whatever the size of the
// file, and turning JSON into the short texts that rejection reasons quote.
//
// It owns the file-level rules every GeoJSON import shares: the top level
// is a FeatureCollection, a legacy "crs" member may only name WGS 84
// longitude/latitude, and JSON that stops parsing stops the reading with
// its byte offset. What a feature must hold is the importing capability's
// business (geoimport for areas and streets, frontage for frontage units).
package geo
