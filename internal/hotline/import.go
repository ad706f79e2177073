package hotline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/heat"
	"github.com/gridkeeper/gridkeeper/internal/placemap"
	"github.com/gridkeeper/gridkeeper/internal/progress"
	"github.com/gridkeeper/gridkeeper/internal/workcal"
)

// DefaultStreetRadiusM is how far from a point its street may be, as for
// problem intake.
const DefaultStreetRadiusM = 50

// Options tune an import.
type Options struct {
	// Mapping describes another layout; nil: the standard header.
	Mapping *Mapping
	// Encoding of the file: "utf-8" (the default) or "gbk".
	Encoding string
	// Strict rejects the whole file when any row is rejected.
	Strict bool
	// Actor is who the import events name (default "import").
	Actor string
	// Source names the file in the events' note (default "12345 export").
	Source string
	// StreetRadiusM: a point's street is the nearest segment within this
	// geodesic distance (default DefaultStreetRadiusM).
	StreetRadiusM float64
	// Progress, when set, counts rows as they are read. The caller owns
	// it and calls Done.
	Progress *progress.Reporter
	// Phase, when set, is told as each phase begins.
	Phase func(name string)
	// Now is the instant against which future times are refused
	// (default time.Now).
	Now func() time.Time

	rowByRow bool // tests and benchmarks: keep the per-row foreign-key triggers
}

// lockKey serialises hotline imports (pg_advisory_xact_lock), so that
// two imports of the same file cannot both find its tickets new.
const lockKey = 0x67726b686c // "grkhl"

// Import reads a 12345 export from r and imports its rows as problems in
// one transaction (see the package comment). Rejected rows are listed in
// the result and skipped; the error is a *RejectedError when the whole
// file was refused and nothing was written.
func Import(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options) (Result, error) {
	var res Result
	enc, err := normEncoding(opt.Encoding)
	if err != nil {
		return res, err
	}
	if err := opt.Mapping.check(); err != nil {
		return res, err
	}
	if opt.Actor == "" {
		opt.Actor = "import"
	}
	if opt.Source == "" {
		opt.Source = "12345 export"
	}
	if opt.StreetRadiusM <= 0 {
		opt.StreetRadiusM = DefaultStreetRadiusM
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	im := &importer{opt: opt, res: &res, last: time.Now()}

	im.phase("read")
	text, err := openText(r, enc)
	if err != nil {
		return res, fileRejected(&res, err)
	}
	rd, err := newReader(text, opt.Mapping, enc == EncodingGBK)
	if err != nil {
		return res, fileRejected(&res, err)
	}
	rd.now = opt.Now()

	tx, err := pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("import problems: begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := im.begin(ctx, tx); err != nil {
		return res, fmt.Errorf("import problems: %w", err)
	}
	if rd.cats, im.cats, err = loadCategories(ctx, tx); err != nil {
		return res, fmt.Errorf("import problems: categories: %w", err)
	}
	cfg, err := workcal.Stored(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("import problems: %w", err)
	}
	if im.cal, err = cfg.Compile(); err != nil {
		return res, fmt.Errorf("import problems: calendar: %w", err)
	}

	// The places and the chain links do not depend on the file: they are
	// read from the database while the file is parsed.
	pre := make(chan error, 1)
	go func() {
		var err error
		if im.snap, err = placemap.Load(ctx, tx); err != nil {
			pre <- fmt.Errorf("places: %w", err)
			return
		}
		if im.spans, _, err = loadSpans(ctx, tx); err != nil {
			pre <- fmt.Errorf("chain links: %w", err)
			return
		}
		if _, err = storeLinks(ctx, pool, im.spans); err != nil {
			pre <- fmt.Errorf("store chain links: %w", err)
			return
		}
		pre <- nil
	}()
	rows, err := rd.readAll(opt.Progress)
	if perr := <-pre; perr != nil && err == nil {
		return res, fmt.Errorf("import problems: %w", perr)
	}
	res.Read, res.Rejections = rd.read, rd.rejects
	if err != nil {
		var fe *fileError
		if errors.As(err, &fe) {
			return res, fileRejected(&res, fe)
		}
		return res, fmt.Errorf("import problems: %w", err)
	}
	im.rows = rows
	im.calendarRange(im.rows)
	res.Rejected = len(res.Rejections)
	if opt.Strict && res.Rejected > 0 {
		sortRejections(res.Rejections)
		return Result{Read: res.Read, Rejected: res.Rejected, Rejections: res.Rejections},
			&RejectedError{Read: res.Read, Rejections: res.Rejections}
	}

	if err := im.run(ctx, tx); err != nil {
		return res, fmt.Errorf("import problems: %w", err)
	}
	res.Rejected = len(res.Rejections)
	sortRejections(res.Rejections)
	if err := audit.Record(audit.OrActor(ctx, opt.Actor), tx, "import.problems", "import:problems", nil, map[string]any{
		"source": opt.Source, "read": res.Read, "imported": res.Imported, "already_imported": res.AlreadyImported, "rejected": res.Rejected}); err != nil {
		return res, fmt.Errorf("import problems: %w", err)
	}
	im.phase("commit")
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("import problems: commit: %w", err)
	}
	// The rows are in; their heat deltas are folded now so that the next
	// heatmap does not add them up itself (a failure only delays that).
	im.phase("heat fold")
	if _, err := heat.Fold(ctx, pool); err != nil {
		slog.Warn("import problems: heat fold", "err", err)
	}
	im.phase("")
	return res, nil
}

func sortRejections(rs []Rejection) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Line < rs[j].Line })
}

// fileRejected turns a *fileError into the whole file's rejection.
func fileRejected(res *Result, err error) error {
	var fe *fileError
	if !errors.As(err, &fe) {
		return err
	}
	rej := []Rejection{{Line: fe.line, Reason: fe.reason}}
	*res = Result{Read: res.Read, Rejections: rej}
	return &RejectedError{File: true, Read: res.Read, Rejections: rej}
}

// importer is one import run.
type importer struct {
	opt     Options
	res     *Result
	current string
	last    time.Time

	replica bool // foreign keys checked set-wise (replicaSQL)
	cats    map[string]*category
	cal     *workcal.Calendar
	snap    *placemap.Snapshot
	spans   spans
	rows    []row
}

// phase ends the current phase and begins name ("" ends the last).
func (im *importer) phase(name string) {
	now := time.Now()
	if im.current != "" {
		im.res.Phases = append(im.res.Phases, Phase{Name: im.current, Took: now.Sub(im.last)})
		slog.Debug("import problems", "phase", im.current, "took", now.Sub(im.last))
	}
	im.current, im.last = name, now
	if name != "" && im.opt.Phase != nil {
		im.opt.Phase(name)
	}
}

// begin sets the transaction up: its settings, the lock that makes
// imports take turns, and, when the role may, replica mode (the
// referenced rows are locked once the rows are written: lockReferenced).
func (im *importer) begin(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, sessionSQL); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if err := registerTypes(ctx, tx.Conn()); err != nil {
		return fmt.Errorf("types: %w", err)
	}
	if im.opt.rowByRow {
		return nil
	}
	var may bool
	if err := tx.QueryRow(ctx, `SELECT has_parameter_privilege('session_replication_role', 'SET')`).Scan(&may); err != nil {
		return fmt.Errorf("privileges: %w", err)
	}
	if !may {
		slog.Info("import problems: this role may not set session_replication_role; foreign keys are checked row by row (slower)")
		return nil
	}
	if _, err := tx.Exec(ctx, replicaSQL); err != nil {
		return fmt.Errorf("replica mode: %w", err)
	}
	im.replica = true
	return nil
}

// calendarRange rejects the rows reported outside the working-hours
// calendar, on which no deadline can be set.
func (im *importer) calendarRange(rows []row) {
	lo, hi := im.cal.Span()
	for i := range rows {
		r := &rows[i]
		if r.reportedAt.Before(lo) || !r.reportedAt.Before(hi) {
			im.reject(r, fmt.Sprintf("bad time: reported_at %s is outside the working-hours calendar (%s to %s), on which its deadline runs",
				r.reportedAt.UTC().Format(time.RFC3339), im.cal.First(), im.cal.Last()))
		}
	}
}

func (im *importer) reject(r *row, reason string) {
	r.skip = true
	im.res.Rejections = append(im.res.Rejections, Rejection{Line: r.line, Ticket: r.ticket, Reason: reason})
}

// run skips what is stored, maps, resolves, links and writes the rows.
func (im *importer) run(ctx context.Context, tx pgx.Tx) error {
	res := im.res
	sort.SliceStable(im.rows, func(i, j int) bool { // ids in reporting order
		a, b := &im.rows[i], &im.rows[j]
		if !a.reportedAt.Equal(b.reportedAt) {
			return a.reportedAt.Before(b.reportedAt)
		}
		return a.line < b.line
	})
	// Mapping runs on every core from here on, in reporting order; COPY
	// takes each row once it is mapped.
	m := im.startMapping(im.rows, im.snap)
	defer m.waitAll()

	im.phase("skip imported")
	stored, err := storedTickets(ctx, tx, im.rows)
	if err != nil {
		return fmt.Errorf("skip imported tickets: %w", err)
	}
	for i := range im.rows {
		if r := &im.rows[i]; !r.skip && stored[r.ticket] {
			r.stored = true
			res.AlreadyImported++
		}
	}
	if im.count() == 0 {
		return nil
	}

	im.phase("recurrences")
	if err := assignIDs(ctx, tx, im.rows); err != nil {
		return fmt.Errorf("ids: %w", err)
	}
	idx, err := im.recurIndex(ctx, tx)
	if err != nil {
		return fmt.Errorf("recurrences: %w", err)
	}

	// Each row's chain, handler and recurrence are found as COPY asks
	// for the row, while the server writes the rows before it.
	im.phase("insert")
	start := time.Now()
	src := &problemSource{rows: im.rows, cats: im.cats, mapped: m, link: im.linker(m, idx)}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"problems"}, problemColumns, src)
	if err != nil {
		return fmt.Errorf("write problems: %w", err)
	}
	for _, i := range src.late {
		r := &im.rows[i]
		im.reject(r, fmt.Sprintf("bad time: its deadline (%g working hours after reported_at %s) falls beyond the working-hours calendar, which ends on %s",
			im.cats[r.category].limitHours, r.reportedAt.UTC().Format(time.RFC3339), im.cal.Last()))
	}
	slog.Debug("import problems", "wrote", "problems", "rows", n, "took", time.Since(start))
	start = time.Now()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"problem_events"}, eventColumns,
		&eventSource{rows: im.rows, actor: im.opt.Actor, note: "imported from " + im.opt.Source}); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	slog.Debug("import problems", "wrote", "events", "took", time.Since(start))
	if im.replica {
		if err := im.lockReferenced(ctx, tx); err != nil {
			return err
		}
	}
	for i := range im.rows {
		r := &im.rows[i]
		switch {
		case !r.written:
			continue
		case r.grid == "":
			res.Unmapped++
		case r.closedAt != nil:
			res.Closed++
		default:
			res.Dispatched++
		}
		if r.recursOf != 0 {
			res.Recurrences++
		}
	}
	res.Imported = int(n)
	return nil
}

// linker returns what COPY calls for each row it writes: the row's chain
// and handler, and its recurrence, after every row reported no later has
// joined the recurrence index.
func (im *importer) linker(m *mapper, idx map[string]*recurIndex) func(*row) {
	next := 0 // rows before next are in the index, when candidates
	return func(r *row) {
		for ; next < len(im.rows) && !im.rows[next].reportedAt.After(r.reportedAt); next++ {
			m.wait(next)
			c := &im.rows[next]
			if c.pending() && c.grid != "" && c.due != nil && c.closedAt != nil {
				idx[c.category].insert(candidate{id: c.id, closedAt: *c.closedAt, lon: c.lon, lat: c.lat})
			}
		}
		r.res = resolve(r, im.cats[r.category], im.spans)
		r.recursOf = idx[r.category].find(r)
	}
}
