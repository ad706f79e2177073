package frontage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// DefaultStreetRadiusM is how far from a unit its street may be.
const DefaultStreetRadiusM = 60

// OwnerTitle is the title of the people an import creates as owners.
const OwnerTitle = "门前五包责任人"

// Options tune an import.
type Options struct {
	// Progress, when set, counts rows as they are read. The caller owns it
	// and calls Done.
	Progress *progress.Reporter
	// StreetRadiusM: a unit fronts the nearest street segment within this
	// geodesic distance (default DefaultStreetRadiusM). A street forced by
	// the file must lie within it too.
	StreetRadiusM float64
	// Actor is written to the created_by of the owner duties (default
	// "import").
	Actor string
}

// Result is what an import did.
type Result struct {
	Read          int `json:"read"`           // rows (CSV records or GeoJSON features) in the file
	Inserted      int `json:"inserted"`       // units that were not in the database
	Updated       int `json:"updated"`        // units of which something changed
	Unchanged     int `json:"unchanged"`      // units already exactly as in the file
	OwnersCreated int `json:"owners_created"` // frontage_owner duties begun
	OwnersEnded   int `json:"owners_ended"`   // current owner duties ended because the contact changed
	PeopleCreated int `json:"people_created"` // people created as owners
	// Rejections lists every reason in file order; when it is not empty
	// nothing was written and the error is a *RejectedError.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// Rejection is one reason a row (or the whole file) was refused.
type Rejection struct {
	// Index is the 1-based line number of a CSV record (the line it starts
	// on) or the 0-based position of a GeoJSON feature in "features"; -1
	// for the file as a whole.
	Index int `json:"index"`
	// Line is true when Index is a CSV line number.
	Line   bool   `json:"line"`
	Name   string `json:"name,omitempty"` // the unit's name, when it has one
	Reason string `json:"reason"`
}

// Where names the row: "line 3", "feature 2" or "file".
func (r Rejection) Where() string {
	switch {
	case r.Index < 0:
		return "file"
	case r.Line:
		return fmt.Sprintf("line %d", r.Index)
	}
	return fmt.Sprintf("feature %d", r.Index)
}

func (r Rejection) String() string {
	if r.Name != "" {
		return fmt.Sprintf("%s (%s): %s", r.Where(), r.Name, r.Reason)
	}
	return r.Where() + ": " + r.Reason
}

// RejectedError is returned when anything was rejected: the file was not
// imported at all.
type RejectedError struct {
	Read       int // rows read before the verdict
	Rejections []Rejection
}

func (e *RejectedError) Error() string {
	if len(e.Rejections) == 1 {
		return fmt.Sprintf("frontages rejected, nothing written: %s", e.Rejections[0])
	}
	return fmt.Sprintf("frontages rejected, nothing written: %d problems, the first: %s", len(e.Rejections), e.Rejections[0])
}

// Rows counts the distinct rows rejected, and whether the file as a whole
// was.
func (e *RejectedError) Rows() (rows int, file bool) {
	seen := map[int]bool{}
	for _, r := range e.Rejections {
		if r.Index < 0 {
			file = true
		} else if !seen[r.Index] {
			seen[r.Index] = true
			rows++
		}
	}
	return rows, file
}

// lockKey is the key geoimport serialises imports with: a frontage import
// reads the streets a street import may be writing.
const lockKey = 0x67726b6970

// unit is one row as staged: empty strings are absent values, a nil width
// the column default.
type unit struct {
	name, licence, contact, phone, street string
	width                                 *float64
	wkb                                   []byte // nil: the location is unusable
	properties                            []byte // a JSON object
}

// record is what a reader yields for one row.
type record struct {
	index   int
	name    string   // for the rejections
	u       *unit    // nil when the row is not a unit at all; u.wkb nil when its location is unusable
	reasons []string // why the row is rejected, besides what the checker finds
}

// reader yields the rows of one file.
type reader interface {
	// next returns the next row; ok is false after the last. A *fileError
	// stops reading.
	next() (rec record, ok bool, err error)
}

// fileError stops reading a file. index is the row being read, -1 when
// it concerns the whole file; partial: the rejections found before it
// still stand.
type fileError struct {
	index   int
	reason  string
	partial bool
}

func (e *fileError) Error() string { return e.reason }

// importer is one import run.
type importer struct {
	opt   Options
	lines bool // CSV: indexes are line numbers
}

func (im *importer) reject(idx int, name, reason string) Rejection {
	return Rejection{Index: idx, Line: im.lines && idx >= 0, Name: name, Reason: reason}
}

// run imports the rows of rd in one transaction.
func run(ctx context.Context, pool *pgxpool.Pool, rd reader, opt Options, lines bool) (Result, error) {
	if opt.StreetRadiusM <= 0 {
		opt.StreetRadiusM = DefaultStreetRadiusM
	}
	if opt.Actor == "" {
		opt.Actor = "import"
	}
	im := &importer{opt: opt, lines: lines}
	var res Result
	start := time.Now()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("import frontages: begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return res, fmt.Errorf("import frontages: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
		return res, fmt.Errorf("import frontages: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, createStage); err != nil {
		return res, fmt.Errorf("import frontages: staging table: %w", err)
	}

	src := &copySource{im: im, rd: rd, chk: newChecker(lines)}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_frontages"}, stageColumns, src); err != nil {
		res.Read = src.read
		var fe *fileError // pgx reports the source's error only as text
		if src.err != nil && !errors.As(src.err, &fe) {
			return res, fmt.Errorf("import frontages: %w", src.err)
		}
		if fe == nil {
			return res, fmt.Errorf("import frontages: stage rows: %w", err)
		}
		rej := im.reject(fe.index, "", fe.reason)
		if fe.partial {
			res.Rejections = append(src.rejections, rej)
		} else {
			res.Rejections = []Rejection{rej}
		}
		return res, rejected(&res)
	}
	res.Read = src.read
	slog.Debug("import frontages: staged", "rows", res.Read, "took", time.Since(start))
	if _, err := tx.Exec(ctx, "ANALYZE import_frontages"); err != nil {
		return res, fmt.Errorf("import frontages: analyze staging table: %w", err)
	}

	sqlRejections, err := im.validate(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("import frontages: validate: %w", err)
	}
	slog.Debug("import frontages: validated", "took", time.Since(start))
	res.Rejections = append(src.rejections, sqlRejections...)
	if len(res.Rejections) > 0 {
		return res, rejected(&res)
	}

	if err := im.write(ctx, tx, &res); err != nil {
		return res, fmt.Errorf("import frontages: write: %w", err)
	}
	if len(res.Rejections) > 0 { // zones that could not be derived
		return res, rejected(&res)
	}
	if err := im.owners(ctx, tx, &res); err != nil {
		return res, fmt.Errorf("import frontages: owners: %w", err)
	}
	if err := audit.Record(audit.OrActor(ctx, opt.Actor), tx, "import.frontages", "import:frontages", nil, map[string]any{
		"read": res.Read, "inserted": res.Inserted, "updated": res.Updated, "unchanged": res.Unchanged,
		"owners_created": res.OwnersCreated, "owners_ended": res.OwnersEnded, "people_created": res.PeopleCreated}); err != nil {
		return res, fmt.Errorf("import frontages: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("import frontages: commit: %w", err)
	}
	slog.Debug("import frontages: written", "took", time.Since(start))
	return res, nil
}

// rejected sorts the rejections into file order and wraps them; the
// counts of a rejected import are all zero but Read.
func rejected(res *Result) error {
	sort.SliceStable(res.Rejections, func(i, j int) bool { return res.Rejections[i].Index < res.Rejections[j].Index })
	*res = Result{Read: res.Read, Rejections: res.Rejections}
	return &RejectedError{Read: res.Read, Rejections: res.Rejections}
}

// copySource feeds CopyFrom straight from the file: one row is parsed,
// checked and handed to COPY at a time.
type copySource struct {
	im         *importer
	rd         reader
	chk        *checker
	row        []any
	err        error
	read       int
	rejections []Rejection
}

func (s *copySource) Next() bool {
	for {
		rec, ok, err := s.rd.next()
		if err != nil {
			s.err = err
			return false
		}
		if !ok {
			return false
		}
		s.read++
		s.im.opt.Progress.Add(1)
		var reasons []string
		if rec.u != nil {
			reasons = s.chk.check(rec.index, rec.u)
		}
		for _, r := range append(reasons, rec.reasons...) {
			s.rejections = append(s.rejections, s.im.reject(rec.index, rec.name, r))
		}
		if rec.u != nil && rec.u.wkb != nil {
			s.row = stageRow(rec.index, rec.u)
			return true
		}
	}
}

func (s *copySource) Values() ([]any, error) { return s.row, nil }
func (s *copySource) Err() error             { return s.err }

// FormatOf names the importer for a file: "csv" or "geojson", from format
// when it is given (csv, geojson or json), else from the file name's
// extension (.csv; .geojson or .json).
func FormatOf(path, format string) (string, error) {
	switch strings.ToLower(format) {
	case "csv":
		return "csv", nil
	case "geojson", "json":
		return "geojson", nil
	case "":
	default:
		return "", fmt.Errorf("format %q is not csv or geojson", format)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv", nil
	case ".geojson", ".json":
		return "geojson", nil
	}
	if path == "-" {
		return "", errors.New("standard input has no extension: pass -format csv or -format geojson")
	}
	return "", fmt.Errorf("cannot tell the format of %s from its extension (want .csv, .geojson or .json): pass -format csv or -format geojson", path)
}

// exec runs one statement of the import and logs how long it took (at
// debug level), so that a slow step shows up by name.
func exec(ctx context.Context, tx pgx.Tx, step, sql string, args ...any) (pgconn.CommandTag, error) {
	start := time.Now()
	tag, err := tx.Exec(ctx, sql, args...)
	slog.Debug("import frontages: step", "step", step, "rows", tag.RowsAffected(), "took", time.Since(start))
	if err != nil {
		return tag, fmt.Errorf("%s: %w", step, err)
	}
	return tag, nil
}
