// Package mytasks owns the grid officer's worklist, as the phone page
// (/m/) shows it: the open problems with a handler that fall to a person —
// assigned to them, or in the places they hold duties on now — sorted by deadline light (red, yellow, green) and due
// time, with the distance from where the phone is when it says; and the
// look-back re-checks due in the same places.
//
// A person's token lists its own worklist; a token without a person (a
// city desk, an admin) names the person with `person`. The list is that
// person's scope (auth.ProblemScope: their duties now, what is assigned
// to them, their department's cases) within the caller's own scope, both
// in the SQL's WHERE clause, never filtered in Go.
package mytasks
