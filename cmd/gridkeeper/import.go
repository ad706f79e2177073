package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/geoimport"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

func init() {
	register("import", "load areas, streets or frontage units: import areas|streets|frontages FILE", runImport)
}

const importUsage = "gridkeeper import [flags] areas|streets|frontages FILE  (FILE - reads standard input)"

func runImport(ctx context.Context, args []string) error {
	return importCommand(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// importCommand is `gridkeeper import`: the summary goes to stdout; the
// progress line and, for a rejected file, every rejection go to stderr.
func importCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("import", &cfg)
	fs.SetOutput(stderr)
	quiet := fs.Bool("quiet", false, "do not report progress on stderr")
	format := fs.String("format", "", "frontages: csv or geojson (default: from FILE's extension, .csv or .geojson/.json)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\nflags:\n", importUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLog(&cfg)
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: %s", errUsage, importUsage)
	}
	kind, path := fs.Arg(0), fs.Arg(1)
	var load func(context.Context, *pgxpool.Pool, io.Reader, geoimport.Options) (geoimport.Result, error)
	switch kind {
	case "areas":
		load = geoimport.ImportAreas
	case "streets":
		load = geoimport.ImportStreets
	case "frontages":
		f, err := frontage.FormatOf(path, *format)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		*format = f
	default:
		return fmt.Errorf("%w: unknown kind %q: %s", errUsage, kind, importUsage)
	}

	in, name := stdin, "standard input"
	if path != "-" {
		name = path
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}

	t, err := db.Resolve(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer t.Close(context.Background())
	if _, _, err := db.Migrate(ctx, t.URL); err != nil {
		return err
	}
	pool, err := db.Open(ctx, t.URL, db.PoolOptions{Bulk: true})
	if err != nil {
		return err
	}
	defer pool.Close()

	var opt geoimport.Options
	if !*quiet {
		opt.Progress = progress.New(stderr, "importing "+kind, 0)
	}
	if kind == "frontages" {
		return importFrontages(ctx, pool, in, name, *format, opt.Progress, stdout, stderr)
	}
	res, err := load(ctx, pool, in, opt)
	opt.Progress.Done()
	var rejected *geoimport.RejectedError
	if errors.As(err, &rejected) {
		features := map[int]bool{}
		for _, r := range rejected.Rejections {
			fmt.Fprintln(stderr, r)
			features[r.Index] = true
		}
		if features[-1] {
			return fmt.Errorf("%s: file rejected, nothing written", name)
		}
		return fmt.Errorf("%s: %d of %d features rejected, nothing written", name, len(features), rejected.Read)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d read, %d inserted, %d updated, %d unchanged\n", kind, res.Read, res.Inserted, res.Updated, res.Unchanged)
	return nil
}

// importFrontages is `gridkeeper import frontages`: like the other kinds,
// a summary on stdout, every rejection on stderr.
func importFrontages(ctx context.Context, pool *pgxpool.Pool, in io.Reader, name, format string, rep *progress.Reporter, stdout, stderr io.Writer) error {
	load := frontage.ImportGeoJSON
	if format == "csv" {
		load = frontage.ImportCSV
	}
	res, err := load(ctx, pool, in, frontage.Options{Progress: rep, Actor: "gridkeeper import"})
	rep.Done()
	var rejected *frontage.RejectedError
	if errors.As(err, &rejected) {
		for _, r := range rejected.Rejections {
			fmt.Fprintln(stderr, r)
		}
		rows, file := rejected.Rows()
		if file {
			return fmt.Errorf("%s: file rejected, nothing written", name)
		}
		return fmt.Errorf("%s: %d of %d rows rejected, nothing written", name, rows, rejected.Read)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "frontages: %d read, %d inserted, %d updated, %d unchanged; %d owners begun, %d ended, %d people created\n",
		res.Read, res.Inserted, res.Updated, res.Unchanged, res.OwnersCreated, res.OwnersEnded, res.PeopleCreated)
	return nil
}
