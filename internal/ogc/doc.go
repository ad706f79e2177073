// Package ogc serves OGC API – Features (Part 1 Core with GeoJSON, HTML
// and OpenAPI 3.0; Part 3 Filtering with CQL2 text) at /ogc, so that QGIS,
// ArcGIS and GDAL's OAPIF driver browse, filter and copy Gridkeeper's
// layers with the tools they have.
//
// It owns the catalogue of collections (the area levels, streets,
// frontages, problems and heat cells: which table, which public fields,
// which queryables), the landing page and conformance document, the items
// query with its keyset paging, and the HTML views. Filters are parsed and
// compiled by internal/ogc/cql2 over each collection's allow-list of
// queryables; features are streamed with internal/httpx's FeatureWriter.
//
// Paging is keyset on each collection's key (an area's or street's code,
// a frontage's or problem's id) in ascending order: a new report gets a
// larger id, so it lands after the pages already handed out and the
// next/prev links of a walk through the collection stay stable.
package ogc
