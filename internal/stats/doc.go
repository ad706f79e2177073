// Package stats owns the campaign's numbers: statistics per area for a
// period (GET /api/v1/stats/areas, GeoJSON or CSV) and the monthly ranking
// of districts, sub-districts, grids, streets and people with a composite
// score and the change since the previous month (GET /api/v1/rankings,
// JSON or CSV). Each request runs one SQL statement that reads the
// problems of its period(s) once and aggregates them per area, street or
// person (besides a lookup that checks parent and categories, and the
// areas' km² and street lengths, cached until areas or streets change);
// scores and ranks are computed in Go over the aggregated rows.
//
// Cities argue about these numbers, so every one is defined here.
//
// # Period and evaluation instant
//
// A period is [from, to). Its cohort is the problems REPORTED in it
// (reported_at in [from, to)); a problem reported earlier and still open
// does not count in this period. A month is Beijing time (UTC+8):
// month=2026-10 is [2026-10-01T00:00+08:00, 2026-11-01T00:00+08:00).
//
// Every measure is evaluated at the end of the period, E = min(to, now):
// what the system knew then. Closing, voiding, extending or reworking a
// case today does not change last month's numbers, so a published ranking
// can be recomputed and gives the same figures. To judge "at E":
//   - closed at E: closed_at < E (closed is final, closed_at is set once);
//   - void or merged at E: the status is void/merged and the event that
//     made it so (problem_events.at, else updated_at) is before E; such
//     problems leave the cohort entirely (a void report is not a problem, a
//     merged duplicate is counted in the problem it joined);
//   - due at E: due_at, except that when an extension (延期) was granted at
//     or after E the deadline at E is that extension's previous_due_at from
//     the event log. Simplification: a send-back and re-dispatch after E
//     also moves due_at, and the log does not record the old deadline for
//     those, so such a case is judged by its new deadline;
//   - reworked / resolved at E: the rework and resolve events before E
//     (resolved_at when the problem was never reworked).
//
// # Measures
//
//	problems        the cohort (not void or merged at E)
//	closed          closed at E
//	closed_on_time  closed at E with closed_at <= due_at (a case closed
//	                without a deadline is closed but not on time)
//	open_overdue    not closed at E and due at E < E; any open status counts
//	                (registered, dispatched, in_progress, resolved awaiting
//	                verification, parked): parking or resolving does not
//	                hide a miss. (problem.overdue, the live deadline light,
//	                looks only at cases with their handler.) A case with no
//	                deadline (never dispatched, or sent back) is never
//	                overdue: how long reports wait for registration is not
//	                measured here.
//	on_time_closure_rate = closed_on_time / (closed + open_overdue)
//	                an open overdue case is a miss; open cases still within
//	                their deadline are neither hit nor miss. Leaving
//	                open_overdue out of the denominator would reward not
//	                closing.
//	mean_hours_to_close, p90_hours_to_close
//	                over the closed cases: WORKING hours on the working-hours
//	                calendar (work_minutes_between) from dispatch (派遣) to
//	                closure (结案), from the report when never dispatched —
//	                the same clock as the deadlines. p90 is percentile_cont
//	                (linear interpolation, as Excel's PERCENTILE.INC).
//	handled         closed, or reported fixed by the handler at least once (反馈)
//	reworked        handled cases with at least one rework (返工) before E
//	rework_rate     = reworked / handled
//	came_back       closed cases with a child reported before E: a rebound
//	                (rebound_of, opened by a look-back re-check that found
//	                it back) or a recurrence (recurs_of, the same category
//	                within recur_radius_m, reported within the category's
//	                recur_days of the closure). Those links are only ever
//	                made inside the category's look-back windows, so the
//	                link is the test; a child that is void or merged does
//	                not count. Like everything else this is frozen at E: a
//	                comeback after E counts for the month it is reported in
//	                as a problem, not retroactively as last month's rebound.
//	rebound_rate    = came_back / closed
//	found_by_patrol source patrol, supervision or inspection (what the grid's
//	                own people and the inspectors found)
//	reported_by_public source citizen, hotline or open311 (what the public had to
//	                report: 漏报, a miss by the grid); api counts as other
//	patrol_share, public_share = each / problems
//
// A rate whose denominator is zero is null, never 0 or 1.
//
// # Normalisation
//
//	area_km2        geodesic area of the area's CURRENT polygon
//	street_km       length of the street segments inside it (geodesic). A
//	                piece running along the area's boundary counts half:
//	                each side of a boundary street answers for its own side,
//	                so the lengths of sibling areas add up to the streets'
//	                total. For level street, the segment's own length.
//	problems_per_km2, problems_per_km_street, public_per_km2,
//	public_per_km_street = the counts / those
//
// # Whose map
//
// Problems carry the grid, community, sub-district and district codes that
// mapping found on the day they were reported, so grouping by those codes
// uses the map valid in the period, not today's: a grid split in November
// does not move October's problems. Geometry, area and street length are
// the CURRENT ones for that code: area boundary history is not kept (yet).
// A code that no longer exists still gets its row, with no name and a null
// geometry. Unmapped problems (outside every grid) are in no area.
//
// Levels: district, subdistrict, community, grid (by the problem's code at
// that level); street (street_code, the nearest segment at intake); person
// (assignee_person_id, the handler the problem is dispatched to now — a
// re-dispatch moves the whole problem to the new handler; problems with a
// department as handler are in no person's row). A person row
// lists the duty roles they were dispatched in (grid_officer, street_chief,
// frontage_owner, leader, manual); role=grid_officer ranks people on the
// problems they handled as grid officers. parent=CODE keeps problems whose
// code at the parent's level is that code (a city keeps its districts).
//
// # Composite score and ranking
//
// score = 100 × Σ wᵢ·tᵢ / Σ wᵢ over the terms tᵢ that are defined for the
// row, with the default weights (Weights, configurable with
// `serve --ranking-weights FILE` or GRIDKEEPER_RANKING_WEIGHTS):
//
//	40 on_time_closure     on-time closure rate
//	20 no_rebound          1 − rebound rate
//	15 no_rework           1 − rework rate
//	15 patrol_share        share found by patrol
//	10 low_public_density  1 − public reports per km² / the highest among
//	                       the rows ranked (per km of street for level street;
//	                       not defined for people)
//
// The density term counts what the PUBLIC had to report, not all problems:
// a grid whose officers find a lot is not punished for finding it. A term
// that is undefined for a row (no closed case, nothing handled, no area) is
// left out and the others are scaled up, so only the weights' proportions
// matter. Only rows with at least one problem are ranked; the score is
// rounded to 2 decimals and rows are ranked by it, descending, ties broken
// by code, so ranks are 1..n without gaps. Every area of the level under
// the parent is listed, those without problems after the ranked ones,
// unranked; streets and people are listed only when they have problems in
// the month. Change since the previous month: the
// previous month's rank and score computed the same way over the same
// scope; rank_change = previous_rank − rank (positive: climbed),
// score_change = score − previous_score; both null when the row had no
// problems in the previous month.
package stats
