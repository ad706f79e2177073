package geoimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/geo"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// Options tunes an import.
type Options struct {
	// Progress, when set, counts features as they are read. The caller
	// owns it and calls Done.
	Progress *progress.Reporter
}

// Result is what an import did.
type Result struct {
	Read      int // features in the file
	Inserted  int // rows that were not in the database
	Updated   int // rows whose name, level, parent, geometry or properties changed
	Unchanged int // rows already exactly as in the file
	// Rejections lists every rejected feature in file order; when it is
	// not empty nothing was written and the error is a *RejectedError.
	Rejections []Rejection
}

// Rejection is one reason a feature (or the whole file) was refused.
type Rejection struct {
	Index  int    // 0-based position in "features"; -1 for the file as a whole
	Code   string // the feature's code, when it has one
	Reason string
}

func (r Rejection) String() string {
	switch {
	case r.Index < 0:
		return "file: " + r.Reason
	case r.Code != "":
		return fmt.Sprintf("feature %d (code %s): %s", r.Index, r.Code, r.Reason)
	}
	return fmt.Sprintf("feature %d: %s", r.Index, r.Reason)
}

// RejectedError is returned when any feature was rejected: the file was
// not imported at all.
type RejectedError struct {
	Kind       string // "areas" or "streets"
	Read       int    // features read before the verdict
	Rejections []Rejection
}

func (e *RejectedError) Error() string {
	if len(e.Rejections) == 1 {
		return fmt.Sprintf("%s rejected, nothing written: %s", e.Kind, e.Rejections[0])
	}
	return fmt.Sprintf("%s rejected, nothing written: %d problems, the first: %s", e.Kind, len(e.Rejections), e.Rejections[0])
}

// lockKey serialises imports (pg_advisory_xact_lock): the overlap and
// parent checks look at rows another import could be writing.
const lockKey = 0x67726b6970 // "grkip"

// kind is what differs between importing areas and streets.
type kind struct {
	name    string   // "areas"
	stage   string   // staging table, created by createStage
	create  string   // CREATE TEMP TABLE ... ON COMMIT DROP
	columns []string // copied columns, in the order build returns them
	// build checks one feature's structure and returns its staging row
	// (nil: not staged) and the reasons it is rejected.
	build func(index int, raw json.RawMessage) (row []any, code string, reasons []string)
	// validate runs the set-based checks over the staging table.
	validate func(ctx context.Context, tx pgx.Tx) ([]Rejection, error)
	// write upserts the staging table and returns the rows it touched.
	write func(ctx context.Context, tx pgx.Tx) (int, error)
	// target is the table written, for counting existing codes.
	target string
}

// run imports one file of k in one transaction.
func run(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt Options, k *kind) (Result, error) {
	var res Result
	start := time.Now()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("import %s: begin: %w", k.name, err)
	}
	defer tx.Rollback(context.Background())
	// The checks spend their time in GEOS, which JIT cannot speed up; its
	// compilation, triggered by the planner's large cost estimates for
	// spatial joins, doubled the time of a 3,000-area import.
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return res, fmt.Errorf("import %s: %w", k.name, err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
		return res, fmt.Errorf("import %s: lock: %w", k.name, err)
	}
	if _, err := tx.Exec(ctx, k.create); err != nil {
		return res, fmt.Errorf("import %s: staging table: %w", k.name, err)
	}

	src := &source{coll: geo.NewCollection(r), build: k.build, progress: opt.Progress}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{k.stage}, k.columns, src); err != nil {
		res.Read = src.read
		var fe *geo.FileError // pgx reports the source's error only as text
		if !errors.As(src.err, &fe) {
			return res, fmt.Errorf("import %s: stage features: %w", k.name, err)
		}
		rej := Rejection{Index: fe.Index, Reason: fe.Reason}
		if fe.Partial {
			res.Rejections = append(src.rejections, rej)
		} else {
			res.Rejections = []Rejection{rej}
		}
		return res, rejected(k.name, &res)
	}
	res.Read = src.read
	slog.Debug("import: staged", "kind", k.name, "features", res.Read, "took", time.Since(start))
	if _, err := tx.Exec(ctx, "ANALYZE "+k.stage); err != nil {
		return res, fmt.Errorf("import %s: analyze staging table: %w", k.name, err)
	}

	sqlRejections, err := k.validate(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("import %s: validate: %w", k.name, err)
	}
	slog.Debug("import: validated", "kind", k.name, "took", time.Since(start))
	res.Rejections = append(src.rejections, sqlRejections...)
	if len(res.Rejections) > 0 {
		return res, rejected(k.name, &res)
	}

	var existing int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+k.stage+" s JOIN "+k.target+" t ON t.code = s.code").Scan(&existing); err != nil {
		return res, fmt.Errorf("import %s: count existing: %w", k.name, err)
	}
	touched, err := k.write(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("import %s: write: %w", k.name, err)
	}
	if err := audit.Record(audit.OrActor(ctx, "import"), tx, "import."+k.name, "import:"+k.name, nil, map[string]any{
		"read": res.Read, "existing": existing, "written": touched}); err != nil {
		return res, fmt.Errorf("import %s: %w", k.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("import %s: commit: %w", k.name, err)
	}
	slog.Debug("import: written", "kind", k.name, "took", time.Since(start))
	res.Inserted = res.Read - existing
	res.Updated = touched - res.Inserted
	res.Unchanged = existing - res.Updated
	return res, nil
}

// rejected sorts the rejections into file order and wraps them.
func rejected(name string, res *Result) error {
	sort.SliceStable(res.Rejections, func(i, j int) bool { return res.Rejections[i].Index < res.Rejections[j].Index })
	return &RejectedError{Kind: name, Read: res.Read, Rejections: res.Rejections}
}

// source feeds CopyFrom straight from the file: one feature is parsed,
// checked and handed to COPY at a time.
type source struct {
	coll       *geo.Collection
	build      func(int, json.RawMessage) ([]any, string, []string)
	progress   *progress.Reporter
	row        []any
	err        error
	read       int
	rejections []Rejection
}

func (s *source) Next() bool {
	for {
		raw, idx, ok, err := s.coll.Next()
		if err != nil {
			s.err = err
			return false
		}
		if !ok {
			return false
		}
		s.read++
		s.progress.Add(1)
		row, code, reasons := s.build(idx, raw)
		for _, r := range reasons {
			s.rejections = append(s.rejections, Rejection{Index: idx, Code: code, Reason: r})
		}
		if row != nil {
			s.row = row
			return true
		}
	}
}

func (s *source) Values() ([]any, error) { return s.row, nil }
func (s *source) Err() error             { return s.err }

// feature is the common part of a Feature: its properties split into the
// ones the import reads and the rest, kept as jsonb.
type feature struct {
	props    map[string]json.RawMessage
	geometry json.RawMessage
	reasons  []string
}

func decodeFeature(raw json.RawMessage) feature {
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	var out feature
	if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
		out.reasons = append(out.reasons, fmt.Sprintf("not a GeoJSON Feature: %s", geo.Compact(raw)))
		return out
	}
	out.geometry = f.Geometry
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		if err := json.Unmarshal(f.Properties, &out.props); err != nil {
			out.reasons = append(out.reasons, "properties must be an object")
		}
	}
	if out.props == nil {
		out.props = map[string]json.RawMessage{}
	}
	return out
}

// str takes property key out of f.props. present is false when it is
// absent or null; reason is set when it is there but not a string.
func (f *feature) str(key string) (value string, present bool, reason string) {
	raw, ok := f.props[key]
	delete(f.props, key)
	if !ok || string(raw) == "null" {
		return "", false, ""
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", false, fmt.Sprintf("%s must be a string, not %s", key, geo.Compact(raw))
	}
	return value, true, ""
}

// rest is the remaining properties as a jsonb object.
func (f *feature) rest() []byte {
	if len(f.props) == 0 {
		return []byte("{}")
	}
	b, err := json.Marshal(f.props)
	if err != nil { // the values came from a parsed document
		return []byte("{}")
	}
	return b
}

// reasons collects why a feature is rejected; add skips the empty reason
// of a check that passed.
type reasons []string

func (rs *reasons) add(r string) {
	if r != "" {
		*rs = append(*rs, r)
	}
}

// codes maps each code to the feature it first came in, so that a file
// cannot carry a code twice.
type codes map[string]int

// claim gives code to feature idx, or says which feature has it already.
func (c codes) claim(code string, idx int) string {
	if first, dup := c[code]; dup {
		return fmt.Sprintf("duplicate code %s: feature %d has it too", code, first)
	}
	c[code] = idx
	return ""
}

// nullable is s for COPY, or NULL when absent.
func nullable(s string, present bool) any {
	if !present {
		return nil
	}
	return s
}

// nameReason checks a feature's name.
func nameReason(name string, present bool) string {
	if !present || strings.TrimSpace(name) == "" {
		return "missing name"
	}
	return ""
}
