// Package category owns the problem categories: the national two-level
// scheme of events (事件) and components (部件), each a big class and a small
// class, plus the local classes a city adds (big class 90 and above). A
// category is data, not code: its local code, optional national code and
// Open311 service code, its default department, and the three rules of each
// small class — when to register a case (立案条件), the handling time limit
// in working hours (处置时限; 8 h is one working day) and when it may be
// closed (结案条件) — together with who is first in line (the frontage owner,
// street chief, grid officer or the department), the look-back re-checks in
// days after closure (回头看) and the radii and window that other packages
// use to find duplicates and recurrences.
//
// Other packages look categories up with Get (or GetByOpen311Code) and
// read the Category struct. Categories are never deleted: deactivate them.
//
// HTTP (under /api/v1): GET /categories?kind=&active= (ordered events first,
// then by big and small class), GET /categories/{code}, and, for admin
// tokens only, POST /categories and PATCH /categories/{code}.
package category
