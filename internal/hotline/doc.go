// Package hotline owns the bulk import of 12345 hotline exports: a CSV of
// tickets becomes problems (source "hotline", source_ref the ticket
// number) mapped, resolved and dispatched by the same rules as
// problem.Intake, over the whole file at once instead of one round trip
// per row.
//
// # The file
//
// UTF-8 (a byte order mark is dropped), comma-separated, RFC 4180
// quoting, a header row. The standard layout, as gen problems writes it:
//
//	ticket_no,reported_at,category,lon,lat,address,content,status,closed_at
//	12345-20261012-0000123,2026-10-12 08:31:05+08:00,暴露垃圾,116.301234,37.451234,德城区东风路188号附近,东风路路边有一堆暴露垃圾…,已办结,2026-10-12 15:02:41+08:00
//
// The fields:
//
//   - ticket_no: the hotline's ticket number, 1-100 characters, unique in
//     the file;
//   - reported_at, closed_at: "2006-01-02 15:04:05-07:00" or RFC 3339; a
//     time must carry its offset unless a mapping file gives a time zone;
//   - category: a category code (E01-10) or name (暴露垃圾), of a category
//     in use;
//   - lon, lat: WGS 84 decimal degrees;
//   - address, content: free text (at most 500 and 4000 characters);
//   - status: 已办结 (closed; closed_at required) or 处理中 (open;
//     closed_at empty).
//
// Columns may come in any order; other columns are ignored. ticket_no,
// reported_at, category, lon and lat are required; without a status
// column a row is closed exactly when it has a closed_at.
//
// A file in GBK (or GB18030) is recognised and refused with the advice
// "the file is GBK-encoded; convert it (iconv -f GBK -t UTF-8) or pass
// --encoding gbk"; with Options.Encoding "gbk" it is decoded as it is
// read. UTF-16 (Excel's "Unicode text") is refused.
//
// # Other layouts: the mapping file
//
// ReadMapping reads a JSON object naming, for each field above, the
// header of the column that holds it (a field left out keeps its standard
// header), and optionally how times and statuses are written:
//
//	{"ticket_no": "工单编号", "reported_at": "受理时间", "category": "问题类型",
//	 "lon": "经度", "lat": "纬度", "address": "事发地址", "content": "诉求内容",
//	 "status": "办理状态", "closed_at": "办结时间",
//	 "time_layout": "2006/01/02 15:04", "timezone": "Asia/Shanghai",
//	 "closed_status": ["已办结", "已回访"], "open_status": ["处理中", "待签收"]}
//
// time_layout is a Go time layout, tried before the standard forms;
// timezone (an IANA name or an offset such as +08:00) applies to times
// written without an offset, and a time_layout without an offset needs
// it. closed_status and open_status replace 已办结 and 处理中.
//
// # What a row becomes
//
// A ticket in the export has already been accepted and dispatched by the
// hotline centre, so it is imported as a historical ticket, not as a new
// report waiting for verification:
//
//   - mapping and the chain of responsibility are duty.Resolve's at
//     reported_at: the grid covering the point (the lowest code on a
//     shared edge) and its community, sub-district and district (code
//     prefixes of 12, 9 and 6 digits), the nearest street within the
//     street radius (50 m, geodesic), the frontage unit whose zone covers
//     the point, the duties valid at reported_at; the chain is stored as
//     problem.Intake stores it (its links in chain_links, rendered by
//     problem_chain with positions, targets, holders, vacancies, duty ids,
//     reasons);
//   - the handler is the first link someone holds, the category's
//     first-in-line role leading;
//   - 处理中: status dispatched; 已办结: status closed with closed_at (and
//     resolved_at, the export having one completion time);
//     registered_at = dispatched_at = reported_at, time_limit_hours from
//     the category, due_at = work_add(reported_at, limit × 60) on the
//     working-hours calendar (computed in Go on the stored calendar,
//     workcal.Stored; a row whose deadline would fall beyond the calendar
//     is rejected);
//   - a point outside every grid is imported as reported, with no handler
//     and no deadline, for a dispatcher, as intake does with an unmapped
//     report; the hotline's status and closing time stay in its event;
//   - one "import" event per problem, at the time of the import, by the
//     importer (Options.Actor), naming the file, the line, the hotline's
//     status and the handler: the log says what happened, an import, and
//     does not invent the register and dispatch steps;
//   - recurrence as intake links it: a row recurs on the most recently
//     closed problem of its category within recur_radius_m that closed at
//     most recur_days before the row was reported and not after — among
//     the rows of the same file as well as the problems already stored;
//   - look-back re-checks (回头看) are not scheduled for closed tickets:
//     their dates would lie in the past. Duplicate flags (duplicate_of)
//     are not set either: the hotline centre has already triaged its
//     tickets.
//
// Ids are taken from the problems sequence in reporting order, so numbers
// and ids follow the tickets' times.
//
// # Rejections
//
// A row that cannot be imported is listed (its line, ticket and reason)
// and skipped; the good rows are imported in one transaction. Reasons:
// unknown or retired category, a bad or future time, missing, unreadable
// or out-of-range coordinates (with a hint when lon and lat look
// swapped), closed_at before reported_at, a closed status without
// closed_at, an unknown status, a ticket number seen earlier in the file
// ("duplicate ticket, first at line N"), too few fields, text over the
// limits. A ticket already in the database is not a rejection: it is
// skipped and counted as already imported, so importing the same file
// again adds nothing.
//
// The whole file is rejected, and nothing written, when it cannot be read:
// not UTF-8 (GBK is named as such), broken quoting (csv.ParseError, with
// its line), missing required columns, empty. With Options.Strict any
// rejected row rejects the whole file. Import then returns a
// *RejectedError.
//
// # How it runs
//
// One transaction, serialised with other hotline imports by an advisory
// lock, in a pipeline that keeps both Go and the server busy:
//
//   - read: the rows are parsed and checked on every core, while the
//     database hands over the places (internal/placemap, an in-memory
//     snapshot that maps a point exactly as duty.Resolve's PostGIS
//     predicates do) and every link of every chain with the periods it
//     held (one query builds them as duty.Resolve writes them);
//   - the rows are sorted by reporting time and mapping starts on every
//     core, in chunks in that order, each row's deadline computed on the
//     stored working-hours calendar;
//   - skip imported: one index probe tells whether any stored ticket lies
//     in the file's range of ticket numbers, and only then are they looked
//     up;
//   - recurrences: ids are taken from the problems sequence in reporting
//     order, and the stored closed problems the rows may recur on are
//     indexed in a grid of cells per category;
//   - insert: one COPY writes the problems; as it asks for each row (once
//     mapped), the row's chain and handler are looked up and its
//     recurrence found among the stored problems and the file's closed
//     rows reported no later; one COPY writes the events.
//
// Result.Phases says where the time went.
//
// Foreign keys. Checked row by row, the problems' foreign keys (category,
// grid, street, frontage unit, assignee, recurrence) cost more than the
// rest of the write. When the role may set session_replication_role (a
// superuser, or after GRANT SET ON PARAMETER session_replication_role),
// the import writes in replica mode and then takes the locks those checks
// would take — FOR KEY SHARE on the rows the written problems reference,
// and only those, held from the end of the COPYs to commit — counting
// them, so that a row deleted or re-keyed since the import read it fails
// the import (locks.go). Nothing is locked while the file is read, mapped
// and written, so intake, duty and people edits go on meanwhile.
// Otherwise the triggers check each row (slower; the same result). The
// heat rollup triggers fire either way (migration 010); they only append
// deltas, which the import folds into the rollup after it commits
// (heat.Fold).
package hotline
