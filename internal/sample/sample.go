// Package sample loads the sample city carried in geodata/ (areas and
// street segments of a synthetic Dezhou) through the same importers that
// load real data, so the sample obeys every rule real data does.
package sample

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/geoimport"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// step is one file of the sample and the importer that loads it.
type step struct {
	file string
	load func(context.Context, *pgxpool.Pool, io.Reader, geoimport.Options) (geoimport.Result, error)
}

var steps = []step{
	{"areas.geojson", geoimport.ImportAreas},
	{"streets.geojson", geoimport.ImportStreets},
	{"frontages.csv", loadFrontages},
}

// loadFrontages loads the frontage units (门前五包) and their owners.
func loadFrontages(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opt geoimport.Options) (geoimport.Result, error) {
	res, err := frontage.ImportCSV(ctx, pool, r, frontage.Options{Progress: opt.Progress, Actor: "sample"})
	return geoimport.Result{Read: res.Read, Inserted: res.Inserted, Updated: res.Updated, Unchanged: res.Unchanged}, err
}

// Load imports the whole sample city; progress goes to w (nil: none).
func Load(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	for _, s := range steps {
		f, err := geodata.FS.Open(s.file)
		if err != nil {
			return fmt.Errorf("sample %s: %w", s.file, err)
		}
		var rep *progress.Reporter
		if w != nil {
			rep = progress.New(w, "sample "+s.file, 0)
		}
		res, err := s.load(ctx, pool, f, geoimport.Options{Progress: rep})
		rep.Done()
		f.Close()
		if err != nil {
			return fmt.Errorf("sample %s: %w", s.file, err)
		}
		if w != nil {
			fmt.Fprintf(w, "sample %s: %d read, %d inserted, %d updated\n", s.file, res.Read, res.Inserted, res.Updated)
		}
	}
	people, duties, err := staff(ctx, pool)
	if err != nil {
		return fmt.Errorf("sample staff: %w", err)
	}
	if w != nil {
		fmt.Fprintf(w, "sample staff: %d people, %d duties\n", people, duties)
	}
	return nil
}

// LoadIfEmpty loads the sample when the database has no areas yet and
// reports whether it did.
func LoadIfEmpty(ctx context.Context, pool *pgxpool.Pool, w io.Writer) (bool, error) {
	var any bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM areas)`).Scan(&any); err != nil {
		return false, fmt.Errorf("look for areas: %w", err)
	}
	if any {
		return false, nil
	}
	return true, Load(ctx, pool, w)
}
