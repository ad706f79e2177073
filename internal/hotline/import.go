package hotline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/progress"
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

	keepStage bool // benchmarks: leave hotline_stage behind for the floor
}

// Result is what an import did.
type Result struct {
	Read            int `json:"read"`             // data rows in the file
	Imported        int `json:"imported"`         // problems created
	Dispatched      int `json:"dispatched"`       // of which open, with their handler
	Closed          int `json:"closed"`           // of which closed
	Unmapped        int `json:"unmapped"`         // of which outside every grid: reported, no handler
	Recurrences     int `json:"recurrences"`      // imported problems linked to the one they recur on
	AlreadyImported int `json:"already_imported"` // tickets already in the database, skipped
	Rejected        int `json:"rejected"`         // rows rejected (listed in Rejections)
	// Rejections lists every rejected row in file order.
	Rejections []Rejection `json:"rejections,omitempty"`
	// Phases is where the time went.
	Phases []Phase `json:"phases"`
}

// Rejection is a row (or the whole file) that was not imported.
type Rejection struct {
	Line   int    `json:"line"` // 1-based line the row starts on; 0: the file as a whole
	Ticket string `json:"ticket,omitempty"`
	Reason string `json:"reason"`
}

func (r Rejection) String() string {
	where := "file"
	if r.Line > 0 {
		where = fmt.Sprintf("line %d", r.Line)
	}
	if r.Ticket != "" {
		where += " (" + r.Ticket + ")"
	}
	return where + ": " + r.Reason
}

// Phase is one step of an import and how long it took.
type Phase struct {
	Name string        `json:"name"`
	Took time.Duration `json:"took"`
}

// RejectedError is returned when the file as a whole was rejected:
// nothing was written.
type RejectedError struct {
	// File: the file could not be read (encoding, quoting, header); its
	// one rejection says why. Otherwise Strict was set and rows were
	// rejected.
	File       bool
	Read       int // rows read before the verdict
	Rejections []Rejection
}

func (e *RejectedError) Error() string {
	if e.File {
		return "hotline file rejected, nothing written: " + e.Rejections[0].String()
	}
	return fmt.Sprintf("hotline file rejected (strict), nothing written: %d of %d rows rejected, the first: %s",
		len(e.Rejections), e.Read, e.Rejections[0])
}

// lockKey serialises hotline imports (pg_advisory_xact_lock): their
// working tables have fixed names.
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
	for _, sql := range []string{sessionSQL, lz4SQL} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return res, fmt.Errorf("import problems: session: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
		return res, fmt.Errorf("import problems: lock: %w", err)
	}
	if rd.cats, err = loadCategories(ctx, tx); err != nil {
		return res, fmt.Errorf("import problems: categories: %w", err)
	}
	if _, err := tx.Exec(ctx, stageSQL); err != nil {
		return res, fmt.Errorf("import problems: staging table: %w", err)
	}

	src := &copySource{rd: rd, progress: opt.Progress}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"hotline_stage"}, stageColumns, src)
	res.Read, res.Rejections, res.Rejected = rd.read, rd.rejects, len(rd.rejects)
	if src.err != nil { // pgx reports the source's error only as text
		var fe *fileError
		if errors.As(src.err, &fe) {
			return res, fileRejected(&res, fe)
		}
		return res, fmt.Errorf("import problems: %w", src.err)
	}
	if err != nil {
		return res, fmt.Errorf("import problems: stage rows: %w", err)
	}
	outside, err := im.calendar(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("import problems: calendar: %w", err)
	}
	staged := src.staged - outside
	res.Rejected = len(res.Rejections)
	sort.SliceStable(res.Rejections, func(i, j int) bool { return res.Rejections[i].Line < res.Rejections[j].Line })
	if opt.Strict && len(res.Rejections) > 0 {
		return Result{Read: res.Read, Rejected: res.Rejected, Rejections: res.Rejections},
			&RejectedError{Read: res.Read, Rejections: res.Rejections}
	}

	if err := im.run(ctx, tx, staged); err != nil {
		return res, fmt.Errorf("import problems: %w", err)
	}
	im.phase("commit")
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("import problems: commit: %w", err)
	}
	im.phase("")
	return res, nil
}

// calendar drops the rows reported outside the working-hours calendar,
// adds them to the rejections and says how many there were.
func (im *importer) calendar(ctx context.Context, tx pgx.Tx) (int, error) {
	rows, err := tx.Query(ctx, calendarSQL)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r Rejection
		var at time.Time
		var first, last string
		if err := rows.Scan(&r.Line, &r.Ticket, &at, &first, &last); err != nil {
			return 0, err
		}
		r.Reason = fmt.Sprintf("bad time: reported_at %s is outside the working-hours calendar (%s to %s), on which its deadline runs",
			at.Format(time.RFC3339), first, last)
		im.res.Rejections = append(im.res.Rejections, r)
		n++
	}
	return n, rows.Err()
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

// exec runs statements, naming what failed.
func exec(ctx context.Context, tx pgx.Tx, what, sql string, args ...any) error {
	start := time.Now()
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	slog.Debug("import problems", "statement", what, "rows", tag.RowsAffected(), "took", time.Since(start))
	return nil
}

// run maps, resolves, dispatches and writes the staged rows.
func (im *importer) run(ctx context.Context, tx pgx.Tx, staged int) error {
	res := im.res
	im.phase("skip imported")
	var existing int64
	if err := tx.QueryRow(ctx, existingSQL).Scan(&existing); err != nil {
		return fmt.Errorf("skip imported tickets: %w", err)
	}
	res.AlreadyImported = int(existing)
	if staged-res.AlreadyImported == 0 {
		return im.drop(ctx, tx)
	}

	im.phase("map")
	if err := exec(ctx, tx, "working copies", placesSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "street radius", streetRadiusSQL, fmt.Sprint(im.opt.StreetRadiusM)); err != nil {
		return err
	}
	for _, j := range []struct{ what, sql string }{
		{"grids", importGridJoin}, {"streets", importStreetJoin}, {"frontages", frontageJoinSQL}, {"rows", rowsSQL},
	} {
		if err := exec(ctx, tx, "map "+j.what, j.sql); err != nil {
			return err
		}
	}

	im.phase("resolve")
	l := chainLayouts()
	if err := exec(ctx, tx, "chain layouts", layoutSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "chain layouts", layoutFillSQL, l.mask, l.fil, l.pos[0], l.pos[1], l.pos[2], l.pos[3], l.pos[4], l.pos[5], l.pos[6]); err != nil {
		return err
	}
	if err := exec(ctx, tx, "links", linksSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "links in position", fragsSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "analyze", linksIndexSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "chains", refsSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "analyze", refsAnalyzeSQL); err != nil {
		return err
	}

	im.phase("recurrences")
	var maxLat float64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(abs(lat)), 0) FROM hotline_rows`).Scan(&maxLat); err != nil {
		return fmt.Errorf("latitudes: %w", err)
	}
	if err := exec(ctx, tx, "recurrence cells", cellsSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "recurrence cells", cellsFillSQL, math.Min(maxLat, 88)); err != nil {
		return err
	}
	if err := exec(ctx, tx, "recurrence candidates", candidatesSQL); err != nil {
		return err
	}
	if err := exec(ctx, tx, "recurrences", recurSQL); err != nil {
		return err
	}

	im.phase("insert")
	note := "imported from " + im.opt.Source
	if err := exec(ctx, tx, "insert problems", insertSQL, im.opt.Actor, note); err != nil {
		return err
	}
	var disp, closed, unmapped, recur int64
	if err := tx.QueryRow(ctx, countSQL).Scan(&disp, &closed, &unmapped, &recur); err != nil {
		return fmt.Errorf("count: %w", err)
	}
	res.Dispatched, res.Closed, res.Unmapped, res.Recurrences = int(disp), int(closed), int(unmapped), int(recur)
	res.Imported = res.Dispatched + res.Closed + res.Unmapped
	return im.drop(ctx, tx)
}

// drop removes the working tables before the commit.
func (im *importer) drop(ctx context.Context, tx pgx.Tx) error {
	sql := dropSQL
	if !im.opt.keepStage {
		sql += ", hotline_stage"
	}
	return exec(ctx, tx, "drop working tables", sql)
}

// loadCategories reads every category's code, name and whether it is in
// use.
func loadCategories(ctx context.Context, tx pgx.Tx) (*catIndex, error) {
	rows, err := tx.Query(ctx, `SELECT code, name, active FROM categories ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ci := &catIndex{byCode: map[string]catInfo{}, byName: map[string][]catInfo{}}
	for rows.Next() {
		var code, name string
		var active bool
		if err := rows.Scan(&code, &name, &active); err != nil {
			return nil, err
		}
		ci.byCode[code] = catInfo{code: code, active: active}
		name = strings.TrimSpace(name)
		ci.byName[name] = append(ci.byName[name], catInfo{code: code, active: active})
	}
	return ci, rows.Err()
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
