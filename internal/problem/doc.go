// Package problem owns a reported problem's life: intake (validate, map to
// grid, street and frontage, resolve the chain of responsibility, dispatch,
// set the deadline on the working-hours calendar, link recurrences and flag
// duplicates), the city-management workflow as states and actions with an
// append-only event log, look-back re-checks (回头看) and rebounds, and
// reading problems back as GeoJSON and CSV.
//
// Workflow (数字城管 seven steps):
//
//	reported ──register──► registered ──dispatch──► dispatched ──start──► in_progress
//	                          ▲   │                     │  │                  │
//	                 send_back│   └park──► parked       │  └────resolve───┐   │resolve
//	                          └────────────────────────-┴─────────────────┴►resolved
//	resolved ──close──► closed (re-checks scheduled)     resolved ──rework──► in_progress
//
// plus extend (延期: a new due time with a reason), park (挂账), void (作废)
// and merge (a duplicate folds into another problem, keeping both
// reporters). Every action needs the problem's current version in
// If-Match. A token whose role may not take the action is refused first
// (403), then one whose scope (auth.Principal.ProblemScope, in the SQL
// that locks the problem) does not cover it (403, saying nothing of its
// state), then a stale version (412), then an action the state does not
// allow (409, listing the allowed ones). A look-back re-check is recorded
// once due (earlier by a supervisor with a note). Reporter contact is
// read only where the caller's scope covers the problem; idempotency keys
// belong to the token's client or person (IdempotencyScope).
//
// Intake: patrol, supervision, inspection and api reports are registered
// and dispatched at once; citizen and hotline reports wait for
// registration after field verification (核实) unless their category is
// auto_register. A report outside every grid is accepted as unmapped and
// waits for a dispatcher. The handler is the first holder in the chain,
// whose order starts with the category's first-in-line role. due_at is
// work_add(dispatched_at, time limit) on the working-hours calendar.
//
// Deadline light of an open, dispatched problem: red past due_at; yellow
// when 80 % or more of the time limit (in working minutes since dispatch)
// is used; green below.
//
// Recurrence: a new problem within the category's recur_radius_m of a
// problem of the same category closed in the last recur_days days is
// linked to it (recurs_of, the most recently closed). Duplicates: a new
// problem within duplicate_radius_m of an open one of the same category is
// flagged (duplicate_of), never merged automatically.
package problem
