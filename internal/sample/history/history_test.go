package history_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
	"github.com/gridkeeper/gridkeeper/internal/sample/history"
)

// TestSampleHistoryIsAYearOfImportedTickets loads the sample city and a
// generated year of hotline tickets through the importer: every ticket
// becomes a problem, mapped and rolled up into the heatmap, over the twelve
// months before today.
func TestSampleHistoryIsAYearOfImportedTickets(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := sample.LoadIfEmpty(ctx, d.Pool, nil); err != nil {
		t.Fatal(err)
	}
	res, err := history.Load(ctx, d.Pool, 3000, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n, mapped, open, closed, heatRows int
	var first, last time.Time
	err = d.Pool.QueryRow(ctx, `SELECT count(*), count(grid_code), count(*) FILTER (WHERE status = 'dispatched'),
		count(*) FILTER (WHERE status = 'closed'), min(reported_at), max(reported_at), (SELECT count(*) FROM heat_day)
		FROM problems WHERE source = 'hotline'`).Scan(&n, &mapped, &open, &closed, &first, &last, &heatRows)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 3000 || n != 3000 || res.Rejected != 0 {
		t.Fatalf("imported %d, stored %d, rejected %d: want every one of 3000", res.Imported, n, res.Rejected)
	}
	if mapped < n*9/10 || open == 0 || closed == 0 || heatRows == 0 {
		t.Errorf("mapped %d, open %d, closed %d of %d, %d heat rows", mapped, open, closed, n, heatRows)
	}
	now := time.Now()
	if last.After(now) || first.Before(now.AddDate(-1, 0, -2)) || last.Sub(first) < 300*24*time.Hour {
		t.Errorf("reported from %v to %v: want the year before %v", first, last, now)
	}
	if none, err := history.Load(ctx, d.Pool, 0, nil); err != nil || none.Imported != 0 {
		t.Errorf("0 tickets: %+v %v, want nothing done", none, err)
	}
}
