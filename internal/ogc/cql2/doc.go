// Package cql2 reads CQL2 text filters (OGC 21-065r2) and turns them into
// parameterised SQL over an allow-list of queryables. It owns the grammar
// Gridkeeper accepts at /ogc (Basic CQL2, the advanced comparison
// operators LIKE, BETWEEN and IN, property-property comparisons and the
// spatial functions S_INTERSECTS, S_EQUALS, S_DISJOINT, S_TOUCHES,
// S_WITHIN, S_OVERLAPS, S_CROSSES and S_CONTAINS on WKT literals and
// BBOX), and the promise that no text from a filter reaches SQL: a
// property becomes the SQL expression its Queryable names, every literal a
// bind parameter, a geometry literal a WKB parameter rebuilt from the
// parsed coordinates. Errors name the 1-based character position where
// the filter went wrong.
package cql2
