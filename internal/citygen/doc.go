// Package citygen owns the deterministic sample city: a synthetic 德州市
// (Dezhou, Shandong, about 116.2–116.6 E, 37.3–37.6 N) with its four
// districts, their subdistricts, communities and unit grids, and a named
// street network, written as the GeoJSON files committed under geodata/.
//
// Generate draws every random choice from math/rand/v2 seeded by
// Options.Seed and lets PostGIS do the geometry, so one seed gives the same
// bytes on every run (for a given PostGIS/GEOS version):
//
//  1. An irregular city outline is cut into 520 Voronoi "atoms";
//     districts, then subdistricts, grow over the atom adjacency graph from
//     cores with target area shares (districts from fixed cores: 德城区
//     north-west, 陵城区 east, 经开区 centre-south, 运河开发区 south-west),
//     so their boundaries wander like real ones and each is one piece.
//     街道 names go to the subdistricts nearest the district's core, 镇 to
//     the outer ones; a 街道 gets 2.5 times the grid density of a 镇.
//  2. Each subdistrict is cut into communities and each community into its
//     grids: Voronoi cells of random points, moved twice to their cells'
//     centroids (Lloyd relaxation), clipped to the parent.
//  3. All grid boundaries are noded together with snap-rounding to 1e-7°
//     and polygonized; every face goes to the grid it overlaps most and every
//     level above is the exact union of its children. So siblings share
//     identical boundary coordinates, tile their parent with no gap or
//     overlap, and every vertex has at most 7 decimals.
//  4. Streets: fifteen named arterials cross the city, split where they
//     cross each other and at subdistrict (hence district) boundaries;
//     every grid edge inside the city becomes a street segment (community
//     boundaries "secondary", edges inside a community "branch"), edges
//     chained into named streets through their straightest continuations.
//     Pieces under 120 m are merged into a neighbour of the same street
//     (across a junction rather than a boundary when there is a choice),
//     pieces over 1.8 km are cut evenly, so every segment is 100 m – 2 km.
//
// Codes follow the unit-grid scheme: district (6 digits) + subdistrict (3) +
// community (3) + grid (3). Children are numbered west to east, north to
// south with this exact rule: the parent's bounding box is cut into
// ceil(sqrt(n)) horizontal bands of equal height (n = number of children);
// children are ordered by the band holding their centroid (ST_Centroid,
// planar in degrees; northern band first), then by centroid longitude (west
// first), then by centroid latitude (north first), and numbered 001, 002, ...
//
// Street segment codes are "<district>-<nnnn>": the lowest-coded district
// within 1e-6° (about 0.1 m) of the segment's midpoint, else the nearest
// one, so that a midpoint on a shared boundary has one documented owner;
// then a sequence per district in generation order (arterials first, then
// secondary, then branch streets).
package citygen
