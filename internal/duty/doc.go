// Package duty owns who answers for what, and when: duties that tie a
// holder (a person or a department) to a target (an area, a street segment,
// a frontage unit or a problem category) in a role for a period, and the
// resolution of the chain of responsibility for a point and a category at
// a time.
//
// History is never deleted. A duty's period is a half-open tstzrange
// [from, to); the database's exclusion constraint duties_no_overlap refuses
// two holders of one role on one target at the same instant. Assigning a
// new holder ends the current duty at the instant the new one starts, in
// one transaction; of two concurrent assignments to one target exactly one
// wins and the other gets 409 naming the holder that won.
//
// Roles and targets:
//
//	grid_officer    a grid (area of level grid)      person
//	street_chief    a street segment                 person
//	frontage_owner  a frontage unit                  person
//	leader          an area of any level (包联)       person
//	department      a problem category (or an area)  department
//
// The chain for a point and a category (see Resolve) runs frontage owner →
// street chief → grid officer → community, sub-district and district
// leaders → department, with the category's first-in-line role moved to
// the front. A link whose target exists but has no holder is a vacancy.
package duty
