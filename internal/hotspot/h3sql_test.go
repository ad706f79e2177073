package hotspot_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// sampleCells returns resolution-15 cells as problems store them: 2,000
// random points in and around Dezhou (116.2-116.6 E, 37.3-37.6 N), points
// far away (both hemispheres, the poles, the antimeridian, other base
// cells), the 12 res-15 pentagons and the cells around them.
func sampleCells(t *testing.T) []h3.Cell {
	t.Helper()
	r := rand.New(rand.NewPCG(8, 15))
	var cells []h3.Cell
	add := func(lat, lng float64) {
		c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lng}, 15)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, c)
	}
	for range 2000 {
		add(37.3+0.3*r.Float64(), 116.2+0.4*r.Float64())
	}
	for _, p := range [][2]float64{
		{0, 0}, {-33.8688, 151.2093}, {64.1466, -21.9426}, {40.7128, -74.0060}, {-54.8019, -68.3030},
		{89.9999, 0}, {-89.9999, 123.4}, {0.0001, 179.9999}, {-0.0001, -179.9999}, {51.4779, -0.0015},
		{22.3193, 114.1694}, {39.9042, 116.4074}, {-16.5, -68.15}, {71.2906, -156.7886},
	} {
		add(p[0], p[1])
	}
	pents, err := h3.Pentagons(15)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pents {
		ring, err := p.GridDisk(1)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, ring...)
	}
	return cells
}

func TestH3SQLFunctionsMatchH3Go(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	cells := sampleCells(t)
	ids := make([]int64, len(cells))
	for i, c := range cells {
		ids[i] = int64(c)
	}

	// h3_parent at every resolution 0-15 (5-12 are the ones the hot spot
	// maps use) and out of range, h3_to_string of the parent, and the
	// round trip through h3_from_string.
	rows, err := d.Pool.Query(ctx, `
		SELECT c, r, h3_parent(c, r), h3_to_string(h3_parent(c, r)),
		       h3_from_string(h3_to_string(h3_parent(c, r))), h3_resolution(c)
		FROM unnest($1::bigint[]) AS c, generate_series(-1, 16) AS r`, ids)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var checked, failures int
	for rows.Next() {
		var c int64
		var r, res int
		var parent, back *int64
		var str *string
		if err := rows.Scan(&c, &r, &parent, &str, &back, &res); err != nil {
			t.Fatal(err)
		}
		cell := h3.Cell(c)
		fail := func(format string, args ...any) {
			failures++
			if failures <= 20 {
				t.Errorf("%s (%d) at res %d: "+format, append([]any{cell, c, r}, args...)...)
			}
		}
		if res != 15 {
			fail("h3_resolution = %d", res)
		}
		if r < 0 || r > 15 {
			if parent != nil {
				fail("h3_parent = %d, want NULL", *parent)
			}
			continue
		}
		want, err := cell.Parent(r)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case parent == nil:
			fail("h3_parent is NULL, want %s", want)
		case h3.Cell(*parent) != want:
			fail("h3_parent = %s, want %s", h3.Cell(*parent), want)
		case str == nil || *str != want.String():
			fail("h3_to_string = %v, want %s", str, want.String())
		case back == nil || *back != int64(want):
			fail("h3_from_string(h3_to_string) = %v", back)
		}
		checked++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := len(cells) * 16; checked != want {
		t.Errorf("checked %d parents, want %d", checked, want)
	}

	// A coarser cell: its own parents, itself at its resolution, NULL
	// below it; NULL for NULL arguments.
	c9, _ := cells[0].Parent(9)
	c5, _ := cells[0].Parent(5)
	var same, up, down, nullCell, nullRes *int64
	var upper int64
	if err := d.Pool.QueryRow(ctx, `SELECT h3_parent($1, 9), h3_parent($1, 5), h3_parent($1, 10),
			h3_parent(NULL, 5), h3_parent($1, NULL), h3_from_string(upper($2))`,
		int64(c9), c9.String()).Scan(&same, &up, &down, &nullCell, &nullRes, &upper); err != nil {
		t.Fatal(err)
	}
	if same == nil || *same != int64(c9) || up == nil || *up != int64(c5) || down != nil || nullCell != nil || nullRes != nil || upper != int64(c9) {
		t.Errorf("res-9 cell %s: h3_parent 9 → %v, 5 → %v (want %s), 10 → %v; NULL args → %v, %v; upper-case string → %x",
			c9, same, up, c5, down, nullCell, nullRes, upper)
	}
}

// h3_res15_first/last bound exactly the res-15 descendants of a cell: a
// cell's res-15 descendants fall inside its range, those of its neighbours
// outside, and the first bound is its centre child.
func TestH3Res15RangeHoldsExactlyTheDescendants(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	cells := sampleCells(t)
	var ids []int64
	for i, c := range cells {
		if i%10 == 0 || i >= 2000 { // 200 around Dezhou, every far and pentagon cell
			ids = append(ids, int64(c))
		}
	}
	rows, err := d.Pool.Query(ctx, `
		SELECT c, r, h3_res15_first(h3_parent(c, r)), h3_res15_last(h3_parent(c, r))
		FROM unnest($1::bigint[]) AS c, generate_series(0, 15) AS r`, ids)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var failures int
	for rows.Next() {
		var c, first, last int64
		var r int
		if err := rows.Scan(&c, &r, &first, &last); err != nil {
			t.Fatal(err)
		}
		cell := h3.Cell(c)
		p, _ := cell.Parent(r)
		centre, _ := p.CenterChild(15)
		if c < first || c > last || h3.Cell(first) != centre {
			failures++
			t.Errorf("%s at res %d: range [%x, %x], centre child %x", cell, r, first, last, int64(centre))
		}
		ring, _ := p.GridDisk(1)
		for _, n := range ring {
			if n == p || n == 0 {
				continue
			}
			// A res-15 cell inside n (its centre child) falls outside p's
			// range.
			nc, _ := n.CenterChild(15)
			if int64(nc) >= first && int64(nc) <= last {
				failures++
				t.Errorf("%s at res %d: neighbour %s's centre child inside the range", cell, r, n)
			}
		}
		if failures > 20 {
			t.Fatal("too many failures")
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// The functions are inlined into the calling query (h3_parent is not
// STRICT for that reason: a STRICT SQL function with a CASE body is
// called, 20 times slower), and the res-15 range probes problems' B-tree
// index on h3_15.
func TestH3FunctionsInlineAndUseTheIndex(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	plan := func(sql string, args ...any) string {
		t.Helper()
		rows, err := d.Pool.Query(ctx, "EXPLAIN (VERBOSE, COSTS OFF) "+sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			b.WriteString(line + "\n")
		}
		return b.String()
	}
	p := plan(`SELECT h3_parent(h3_15, 9), h3_to_string(h3_15), h3_resolution(h3_15),
		h3_res15_first(h3_15), h3_res15_last(h3_15) FROM problems`)
	for _, fn := range []string{"h3_parent(", "h3_to_string(", "h3_resolution(", "h3_res15_first(", "h3_res15_last("} {
		if strings.Contains(p, fn) {
			t.Errorf("%s is not inlined:\n%s", fn, p)
		}
	}
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN (COSTS OFF) SELECT id FROM problems
		WHERE h3_15 BETWEEN h3_res15_first($1) AND h3_res15_last($1)`, int64(0x89319d2b38fffff))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		var line string
		rows.Scan(&line)
		b.WriteString(line + "\n")
	}
	rows.Close()
	if !strings.Contains(b.String(), "problems_h3") {
		t.Errorf("the range does not use problems_h3:\n%s", b.String())
	}
}
