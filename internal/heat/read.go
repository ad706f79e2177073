package heat

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// state is what a request's answer depends on besides its parameters,
// read in the snapshot its rows are read in.
type state struct {
	Version  string     // heat_state(): changes with every write to problems or categories
	Pending  int64      // deltas not folded into heat_day yet
	Now      time.Time  // the database's clock (overdue is judged against it)
	Deadline *time.Time // the latest deadline passed among problems with their handler
	Known    bool       // the requested category exists (true without one)
	Extent   *httpx.BBox
}

// stateSQL reads the state in one round trip: every subquery is an index
// probe or a one-row read.
const stateSQL = `SELECT heat_state(), (SELECT count(*) FROM heat_delta), now(),
	(SELECT max(due_at) FROM problems WHERE status IN ('dispatched', 'in_progress') AND due_at < now()),
	$1::text IS NULL OR EXISTS (SELECT FROM categories WHERE code = $1),
	CASE WHEN $2 THEN (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
		FROM (SELECT ST_Extent(geom) AS e FROM areas WHERE parent_code IS NULL) s WHERE e IS NOT NULL) END`

func readState(ctx context.Context, tx pgx.Tx, f Filter) (state, error) {
	var st state
	var cat *string
	if f.Category != "" {
		cat = &f.Category
	}
	var ext []float64
	err := tx.QueryRow(ctx, stateSQL, cat, f.BBox == nil).Scan(&st.Version, &st.Pending, &st.Now, &st.Deadline, &st.Known, &ext)
	if err != nil {
		return st, fmt.Errorf("heat state: %w", err)
	}
	if len(ext) == 4 {
		st.Extent = &httpx.BBox{MinLon: ext[0], MinLat: ext[1], MaxLon: ext[2], MaxLat: ext[3]}
	}
	return st, nil
}

// area is what the cell estimate of f is taken over: its bbox, or the
// city's extent.
func (st state) area(f Filter) *httpx.BBox {
	if f.BBox != nil {
		return f.BBox
	}
	return st.Extent
}

// countFunc receives counted problems: a cell (res 10 from the rollup, 15
// from problems) with its category, Beijing day number, problems and
// rebounds. cat is only valid during the call.
type countFunc func(cell int64, cat []byte, day, n, rebounds int32)

// openFunc receives one open problem: its res-15 cell, category and
// whether it is overdue. cat is only valid during the call.
type openFunc func(cell int64, cat []byte, overdue bool)

// reader reads the problems a Filter selects, from the rollup where it can
// and from problems where it must.
type reader struct {
	tx    pgx.Tx
	f     Filter
	now   time.Time
	cells []int64        // cells of f.Res overlapping the bbox (sorted); nil without a bbox
	in    map[int64]bool // the same as a set
	// noRollup reads everything from problems (benchmarks compare).
	noRollup bool
}

func newReader(tx pgx.Tx, f Filter, now time.Time) (*reader, error) {
	r := &reader{tx: tx, f: f, now: now}
	if f.BBox != nil {
		cs, err := covering(*f.BBox, f.Res)
		if err != nil {
			return nil, err
		}
		r.cells = cs
		r.in = make(map[int64]bool, len(cs))
		for _, c := range cs {
			r.in[c] = true
		}
	}
	return r, nil
}

// query builds SQL from fixed fragments and numbered parameters.
type query struct {
	sql  strings.Builder
	args []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// filters appends the category, source and bbox conditions of f to a
// query of problems.
func (r *reader) filters(q *query) {
	if r.f.Category != "" {
		q.sql.WriteString(" AND category_code = " + q.arg(r.f.Category))
	}
	if r.f.Source != "" {
		q.sql.WriteString(" AND source = " + q.arg(r.f.Source))
	}
	if r.cells != nil {
		rg := rangesOf(r.cells, 15)
		q.sql.WriteString(" AND h3_15 <@ (SELECT range_agg(int8range(lo, hi, '[]')) FROM unnest(" +
			q.arg(rg.lo) + "::int8[], " + q.arg(rg.hi) + "::int8[]) r(lo, hi))")
	}
}

// Counted calls fn for the problems counted in the window: whole Beijing
// days from heat_day (resolution ≤ 10), the rest from problems.
func (r *reader) Counted(ctx context.Context, fn countFunc) error {
	w := r.f.Window
	d0, d1, whole := w.Days()
	if r.f.Res > rollupRes || r.noRollup || !whole {
		return r.raw(ctx, w, fn)
	}
	if from := dayStart(d0); w.From.Before(from) {
		if err := r.raw(ctx, Window{w.From, from}, fn); err != nil {
			return err
		}
	}
	if err := r.rollup(ctx, d0, d1, fn); err != nil {
		return err
	}
	if to := dayStart(d1); to.Before(w.To) {
		return r.raw(ctx, Window{to, w.To}, fn)
	}
	return nil
}

// rollup reads the days [d0, d1) from heat_day: the rows of the areas the
// bbox touches (all without one), their entries filtered and unpacked
// here (the layout is in migrations/009_heat.sql), with the deltas not
// folded yet added in (migrations/013_heat_deltas.sql).
func (r *reader) rollup(ctx context.Context, d0, d1 int32, fn countFunc) error {
	keys, err := r.keys(ctx)
	if err != nil {
		return err
	}
	pending, err := r.deltas(ctx, d0, d1)
	if err != nil {
		return err
	}
	emit := func(day int32, area int64, e uint64, n, rb int32) {
		k := keys[int(e>>36)&(1<<13-1)]
		if !k.want || n <= 0 {
			return
		}
		cell := entryBase(area) | int64(e>>49&(1<<12-1))<<15 // digits 7-10
		if r.in != nil && !r.in[parent(cell, r.f.Res)] {
			return
		}
		fn(cell, k.cat, day, n, rb)
	}
	var q query
	q.sql.WriteString(`SELECT day - DATE '2000-01-03', area, entries FROM heat_day
		WHERE day >= DATE '2000-01-03' + ` + q.arg(d0) + `::int AND day < DATE '2000-01-03' + ` + q.arg(d1) + `::int`)
	if r.cells != nil {
		q.sql.WriteString(" AND area = ANY(" + q.arg(r.areas()) + "::int8[])")
	}
	rows, err := r.tx.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return fmt.Errorf("read heat_day: %w", err)
	}
	defer rows.Close()
	if err := binaryColumns(rows.FieldDescriptions(), 0, 1, 2); err != nil {
		return err
	}
	for rows.Next() {
		v := rows.RawValues()
		day := int32(binary.BigEndian.Uint32(v[0]))
		area := int64(binary.BigEndian.Uint64(v[1]))
		entries := v[2]
		if len(entries)%8 != 0 {
			return fmt.Errorf("read heat_day: entries of %d bytes on day %d", len(entries), day)
		}
		add := pending[dayArea{day, area}]
		for i := 0; i < len(entries); i += 8 {
			e := binary.BigEndian.Uint64(entries[i:])
			n, rb := int32(e>>16&(1<<20-1)), int32(e&(1<<16-1))
			if d, ok := add[e>>36]; ok {
				n, rb = n+d[0], rb+d[1]
				delete(add, e>>36)
			}
			emit(day, area, e, n, rb)
		}
		for k, d := range add { // entries only the deltas hold
			emit(day, area, k<<36, d[0], d[1])
		}
		delete(pending, dayArea{day, area})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read heat_day: %w", err)
	}
	for da, add := range pending { // rows only the deltas hold
		for k, d := range add {
			emit(da.day, da.area, k<<36, d[0], d[1])
		}
	}
	return nil
}

// dayArea names a heat_day row.
type dayArea struct {
	day  int32
	area int64
}

// deltas reads the unfolded deltas of the days [d0, d1) in the areas the
// bbox touches, summed per row and entry key: (problems, rebounds).
func (r *reader) deltas(ctx context.Context, d0, d1 int32) (map[dayArea]map[uint64][2]int32, error) {
	var q query
	q.sql.WriteString(`SELECT day - DATE '2000-01-03', area, u.k, sum(u.n)::int, sum(u.rb)::int
		FROM heat_delta, unnest(ks, ns, rbs) u(k, n, rb)
		WHERE day >= DATE '2000-01-03' + ` + q.arg(d0) + `::int AND day < DATE '2000-01-03' + ` + q.arg(d1) + `::int`)
	if r.cells != nil {
		q.sql.WriteString(" AND area = ANY(" + q.arg(r.areas()) + "::int8[])")
	}
	q.sql.WriteString(" GROUP BY 1, 2, 3")
	rows, err := r.tx.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("read heat_delta: %w", err)
	}
	out := map[dayArea]map[uint64][2]int32{}
	var day, n, rb int32
	var area, k int64
	_, err = pgx.ForEachRow(rows, []any{&day, &area, &k, &n, &rb}, func() error {
		da := dayArea{day, area}
		m := out[da]
		if m == nil {
			m = map[uint64][2]int32{}
			out[da] = m
		}
		m[uint64(k)] = [2]int32{n, rb}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read heat_delta: %w", err)
	}
	return out, nil
}

// entryBase is the res-10 cell of an entry of area with digits 7-10 all
// 0: the area's index at resolution 10, digits 7-10 cleared, 11-15 set to
// 7 as H3 wants.
func entryBase(area int64) int64 {
	c := area&^(15<<52) | rollupRes<<52
	c &^= 1<<(3*(15-areaRes)) - 1
	return c | (1<<(3*(15-rollupRes)) - 1)
}

// key is a heat_keys row: a category and source, and whether the filter
// wants them.
type key struct {
	cat  []byte
	want bool
}

// keys reads heat_keys, indexed by id (8,192 at most).
func (r *reader) keys(ctx context.Context) ([]key, error) {
	keys := make([]key, 1<<13)
	rows, err := r.tx.Query(ctx, `SELECT id, category_code, source FROM heat_keys`)
	if err != nil {
		return nil, fmt.Errorf("read heat_keys: %w", err)
	}
	var id int
	var cat, src string
	_, err = pgx.ForEachRow(rows, []any{&id, &cat, &src}, func() error {
		if id <= 0 || id >= len(keys) {
			return fmt.Errorf("heat_keys id %d", id)
		}
		keys[id] = key{cat: []byte(cat), want: (r.f.Category == "" || cat == r.f.Category) && (r.f.Source == "" || src == r.f.Source)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read heat_keys: %w", err)
	}
	return keys, nil
}

// areas are the heat_day areas (resolution-6 cells) that hold the bbox's
// cells.
func (r *reader) areas() []int64 {
	set := map[int64]bool{}
	for _, c := range r.cells {
		if r.f.Res >= areaRes {
			set[parent(c, areaRes)] = true
			continue
		}
		kids, _ := h3.Cell(c).Children(areaRes)
		for _, k := range kids {
			set[int64(k)] = true
		}
	}
	out := make([]int64, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// raw reads counted problems of w from problems itself.
func (r *reader) raw(ctx context.Context, w Window, fn countFunc) error {
	var q query
	q.sql.WriteString(`SELECT h3_15, category_code, (reported_at AT TIME ZONE 'Asia/Shanghai')::date - DATE '2000-01-03', 1, (rebound_of IS NOT NULL)::int
		FROM problems WHERE reported_at >= ` + q.arg(w.From) + ` AND reported_at < ` + q.arg(w.To) + ` AND status NOT IN ('void', 'merged')`)
	r.envelope(&q)
	r.filters(&q)
	return r.scan(ctx, &q, "problems", fn)
}

// envelope limits a read of problems to the box around the bbox's cells,
// so that the spatial index can serve a small bbox.
func (r *reader) envelope(q *query) {
	if r.f.BBox == nil {
		return
	}
	b := *r.f.BBox
	edge := edgeDegrees(r.f.Res, b)
	q.sql.WriteString(" AND geom && ST_MakeEnvelope(" + q.arg(b.MinLon-edge) + "::float8, " + q.arg(b.MinLat-edge) + "::float8, " +
		q.arg(b.MaxLon+edge) + "::float8, " + q.arg(b.MaxLat+edge) + "::float8, 4326)")
}

// Open calls fn for each open problem reported in the window (status not
// closed, void or merged), telling whether it is overdue at the state's
// clock.
func (r *reader) Open(ctx context.Context, fn openFunc) error {
	var q query
	q.sql.WriteString(`SELECT h3_15, category_code, coalesce(status IN ('dispatched', 'in_progress') AND due_at < ` + q.arg(r.now) + `, false)
		FROM problems WHERE status NOT IN ('closed', 'void', 'merged') AND reported_at >= ` + q.arg(r.f.From) + ` AND reported_at < ` + q.arg(r.f.To))
	r.filters(&q)
	rows, err := r.tx.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return fmt.Errorf("read open problems: %w", err)
	}
	defer rows.Close()
	if err := binaryColumns(rows.FieldDescriptions(), 0, 2); err != nil {
		return err
	}
	for rows.Next() {
		v := rows.RawValues()
		fn(int64(binary.BigEndian.Uint64(v[0])), v[1], len(v[2]) == 1 && v[2][0] == 1)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read open problems: %w", err)
	}
	return nil
}

// scan runs a counted-problems query and decodes its rows without
// allocating: (int8 cell, text category, int4 day, int4 n, int4 rebounds).
func (r *reader) scan(ctx context.Context, q *query, what string, fn countFunc) error {
	rows, err := r.tx.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	if err := binaryColumns(rows.FieldDescriptions(), 0, 2, 3, 4); err != nil {
		return err
	}
	for rows.Next() {
		v := rows.RawValues()
		fn(int64(binary.BigEndian.Uint64(v[0])), v[1], int32(binary.BigEndian.Uint32(v[2])),
			int32(binary.BigEndian.Uint32(v[3])), int32(binary.BigEndian.Uint32(v[4])))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// binaryColumns checks that the numeric columns came in binary format, as
// pgx asks for them, before their bytes are read as such.
func binaryColumns(fds []pgconn.FieldDescription, cols ...int) error {
	for _, i := range cols {
		if fds[i].Format != pgx.BinaryFormatCode {
			return fmt.Errorf("heat: column %s came in text format", fds[i].Name)
		}
	}
	return nil
}
