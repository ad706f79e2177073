// Package places owns the city's geometry as the API serves it: the area
// hierarchy (city → district → subdistrict → community → grid), street
// segments, and "locate", which maps a point to its areas and nearest street.
//
// Boundary rule: a point is in an area when the area's polygon covers it
// (ST_Covers, so boundaries count). A point on the edge or vertex shared by
// several grids belongs to exactly one: the grid with the lowest code among
// those covering it. Because grid numbers run west to east and north to
// south, that is the north-western grid. Its ancestors are the grid's own
// parents, never found independently, so the chain is always consistent.
//
// Streets: the nearest segment whose geodesic distance is within the
// configured radius (default 50 m); ties go to the lower code.
package places
