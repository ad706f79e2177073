package hotline

// Locks in replica mode: what the foreign-key triggers would have locked,
// taken set-wise once the rows are written.

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// refs are the distinct rows the written problems reference, per table in
// lockRefsSQL's order.
type refs struct {
	categories, departments, areas, streets []string
	people, frontages, problems             []int64
}

// referenced collects refs from the written rows. Problems written by this
// import (recurrences inside the file) are not locked: they are its own.
func (im *importer) referenced() refs {
	var out refs
	texts := [4]map[string]bool{{}, {}, {}, {}}
	ids := [3]map[int64]bool{{}, {}, {}}
	mine := make(map[int64]bool, len(im.rows))
	for i := range im.rows {
		if im.rows[i].written {
			mine[im.rows[i].id] = true
		}
	}
	addText := func(k int, v string, list *[]string) {
		if v != "" && !texts[k][v] {
			texts[k][v] = true
			*list = append(*list, v)
		}
	}
	addID := func(k int, v int64, list *[]int64) {
		if v != 0 && !ids[k][v] {
			ids[k][v] = true
			*list = append(*list, v)
		}
	}
	for i := range im.rows {
		r := &im.rows[i]
		if !r.written {
			continue
		}
		addText(0, r.category, &out.categories)
		if r.res.department != nil {
			addText(1, *r.res.department, &out.departments)
		}
		addText(2, r.grid, &out.areas)
		addText(3, r.street, &out.streets)
		if r.res.person != nil {
			addID(0, *r.res.person, &out.people)
		}
		addID(1, r.frontage, &out.frontages)
		if !mine[r.recursOf] {
			addID(2, r.recursOf, &out.problems)
		}
	}
	return out
}

// lockReferenced locks the rows the written problems reference, as the
// foreign-key triggers would (replica mode), and checks they are all still
// there. It runs after the COPYs, so the locks are held only from there to
// commit, and only on those rows: intake, duty and people edits go on
// while a large file is read, mapped and written. Should a referenced row
// have been deleted (or its key changed) since the import read it, the
// import fails and writes nothing.
func (im *importer) lockReferenced(ctx context.Context, tx pgx.Tx) error {
	rf := im.referenced()
	want := []int{len(rf.categories), len(rf.departments), len(rf.people), len(rf.areas), len(rf.streets), len(rf.frontages), len(rf.problems)}
	var got [7]int
	if err := tx.QueryRow(ctx, lockRefsSQL, rf.categories, rf.departments, rf.people, rf.areas, rf.streets, rf.frontages, rf.problems).
		Scan(&got[0], &got[1], &got[2], &got[3], &got[4], &got[5], &got[6]); err != nil {
		return fmt.Errorf("lock referenced rows: %w", err)
	}
	var gone []string
	for i, table := range []string{"categories", "departments", "people", "areas", "streets", "frontages", "problems"} {
		if got[i] != want[i] {
			gone = append(gone, fmt.Sprintf("%d %s", want[i]-got[i], table))
		}
	}
	if len(gone) > 0 {
		return fmt.Errorf("lock referenced rows: rows the import references were deleted or changed meanwhile (%s); run the import again", strings.Join(gone, ", "))
	}
	return nil
}
