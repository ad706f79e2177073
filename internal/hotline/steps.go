package hotline

// The steps of an import that work on the rows as a whole: which tickets
// are stored already, ids, and the stored problems rows may recur on (the
// locks replica mode takes are in locks.go).

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// count is the number of rows still to import.
func (im *importer) count() int {
	n := 0
	for i := range im.rows {
		if im.rows[i].pending() {
			n++
		}
	}
	return n
}

// storedTickets finds which of the file's tickets are stored already
// (importing a file again adds nothing).
func storedTickets(ctx context.Context, tx querier, rows []row) (map[string]bool, error) {
	tickets := make([]string, 0, len(rows))
	lo, hi := "", ""
	for i := range rows {
		if t := rows[i].ticket; !rows[i].skip {
			tickets = append(tickets, t)
			if lo == "" || t < lo {
				lo = t
			}
			hi = max(hi, t)
		}
	}
	stored := map[string]bool{}
	if len(tickets) == 0 {
		return stored, nil
	}
	var overlap bool
	if err := tx.QueryRow(ctx, overlapSQL, lo, hi).Scan(&overlap); err != nil || !overlap {
		return stored, err
	}
	res, err := tx.Query(ctx, existingSQL, tickets)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() {
		var t string
		if err := res.Scan(&t); err != nil {
			return nil, err
		}
		stored[t] = true
	}
	return stored, res.Err()
}

// assignIDs takes the pending rows' ids from the problems sequence, in
// their order (reporting order).
func assignIDs(ctx context.Context, q querier, rows []row) error {
	n := 0
	for i := range rows {
		if rows[i].pending() {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	res, err := q.Query(ctx, idsSQL, n)
	if err != nil {
		return err
	}
	defer res.Close()
	i := 0
	for res.Next() {
		for i < len(rows) && !rows[i].pending() {
			i++
		}
		if err := res.Scan(&rows[i].id); err != nil {
			return err
		}
		i++
	}
	return res.Err()
}

// recurIndex indexes, per category, the stored closed problems of the
// file's categories and time span the rows can recur on (see recur.go);
// the file's own closed rows inside a grid join it as they are written.
func (im *importer) recurIndex(ctx context.Context, tx pgx.Tx) (map[string]*recurIndex, error) {
	maxLat := 0.0
	var first, last time.Time
	maxDays := 0
	idx := map[string]*recurIndex{}
	for i := range im.rows {
		r := &im.rows[i]
		if !r.pending() {
			continue
		}
		maxLat = max(maxLat, math.Abs(r.lat))
		if first.IsZero() || r.reportedAt.Before(first) {
			first = r.reportedAt
		}
		if r.reportedAt.After(last) {
			last = r.reportedAt
		}
		maxDays = max(maxDays, im.cats[r.category].recurDays)
		if idx[r.category] == nil {
			idx[r.category] = nil // placeholder: the radius needs maxLat
		}
	}
	cats := make([]string, 0, len(idx))
	for c := range idx {
		idx[c] = newRecurIndex(im.cats[c], maxLat)
		cats = append(cats, c)
	}
	rows, err := tx.Query(ctx, candidatesSQL, cats, first.AddDate(0, 0, -maxDays), last)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c candidate
		var cat string
		if err := rows.Scan(&c.id, &cat, &c.closedAt, &c.lon, &c.lat); err != nil {
			rows.Close()
			return nil, err
		}
		idx[cat].add(c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range idx {
		x.sort()
	}
	return idx, nil
}
