// Package history gives a new sample city a year of 12345 hotline history
// (generated tickets streamed through the hotline importer). It lives apart
// from package sample because it imports the importer, whose tests load the
// sample city.
package history

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/hotline"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// Seed is the generator's seed for the sample history, so that
// every new sample database gets the same tickets for the same day.
const Seed = 1

// Load gives the sample city a year of history: n generated 12345
// hotline tickets for the twelve months before today, streamed from the
// generator (internal/problemgen) straight into the hotline importer
// (internal/hotline), so they are mapped, resolved, linked and rolled up
// exactly as a real export would be. Progress goes to w (nil: none).
func Load(ctx context.Context, pool *pgxpool.Pool, n int, w io.Writer) (hotline.Result, error) {
	return LoadUntil(ctx, pool, n, time.Now(), w)
}

// LoadUntil is Load for the twelve months before until, imported as of
// until, so that benchmarks get the same tickets and the same open and
// overdue cases whatever day they run.
func LoadUntil(ctx context.Context, pool *pgxpool.Pool, n int, until time.Time, w io.Writer) (hotline.Result, error) {
	var res hotline.Result
	if n <= 0 {
		return res, nil
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gen := make(chan error, 1)
	go func() {
		_, err := problemgen.Generate(ctx, pw, problemgen.Options{Count: n, Months: 12, Seed: Seed, Until: until})
		pw.CloseWithError(err)
		gen <- err
	}()
	var rep *progress.Reporter
	if w != nil {
		rep = progress.New(w, "sample history", int64(n))
	}
	res, err := hotline.Import(ctx, pool, pr, hotline.Options{Actor: "sample", Source: "sample history (gridkeeper gen problems)", Progress: rep,
		Now: func() time.Time { return until }})
	rep.Done()
	pr.CloseWithError(io.ErrClosedPipe) // stops the generator if the import gave up early
	if gerr := <-gen; gerr != nil && err == nil {
		err = gerr
	}
	if err != nil {
		return res, fmt.Errorf("sample history: %w", err)
	}
	if w != nil {
		fmt.Fprintf(w, "sample history: %d tickets imported (%d open, %d closed, %d recurrences, %d rejected)\n",
			res.Imported, res.Dispatched, res.Closed, res.Recurrences, res.Rejected)
	}
	return res, nil
}
