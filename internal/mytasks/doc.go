// Package mytasks owns the grid officer's worklist, as the phone page
// (/m/) shows it: the open problems with a handler that fall to a person —
// assigned to them, or in the places they hold duties on now — sorted by
// deadline light (red, yellow, green) and due time, with the distance from
// where the phone is when it says; and the look-back re-checks due in the
// same places.
//
// A person's token lists its own worklist; a token without a person (a
// city desk, an admin) names the person with `person`. The list is the
// person's places — assigned to them, mapped to an area, street or
// frontage they hold a duty on now (matched on the stored mapping codes,
// which keeps the first step cheap), their department's cases when they
// hold no place duty — within the caller's own scope (auth.ProblemScope),
// both in SQL, never filtered in Go.
package mytasks
