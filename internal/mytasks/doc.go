// Package mytasks owns the grid officer's worklist, as the phone page
// (/m/) shows it: the open problems with a handler that fall to a person —
// assigned to them, or in the grids, streets, frontages and areas they hold
// duties on now — sorted by deadline light (red, yellow, green) and due
// time, with the distance from where the phone is when it says; and the
// look-back re-checks due in the same places.
//
// Which person a request acts for is the Who interface. Until tokens
// belong to people, QueryPerson reads it from the `person` parameter of a
// staff token's request; the scope work replaces it with the token's own
// person and scope, and nothing else here changes. The places a person
// answers for are chosen in SQL (duties valid now), never filtered in Go.
package mytasks
