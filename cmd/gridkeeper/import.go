package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/geoimport"
	"github.com/gridkeeper/gridkeeper/internal/hotline"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

func init() {
	register("import", "load areas, streets, frontage units or 12345 hotline tickets: import areas|streets|frontages|problems FILE", runImport)
}

const importUsage = "gridkeeper import [flags] areas|streets|frontages|problems FILE [flags]  (FILE - reads standard input)"

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
	mapping := fs.String("mapping", "", "problems: a JSON file naming the columns of another export layout")
	encoding := fs.String("encoding", "utf-8", "problems: the file's encoding, utf-8 or gbk")
	strict := fs.Bool("strict", false, "problems: reject the whole file when any row is rejected")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\nflags:\n", importUsage)
		fs.PrintDefaults()
	}
	var pos []string // flags may follow the arguments: import problems FILE --strict
	for rest := args; ; rest = fs.Args()[1:] {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
	}
	setupLog(&cfg)
	if len(pos) != 2 {
		return fmt.Errorf("%w: %s", errUsage, importUsage)
	}
	kind, path := pos[0], pos[1]
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
	case "problems":
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
	if kind == "problems" {
		hopt := hotline.Options{Encoding: *encoding, Strict: *strict, Actor: "gridkeeper import", Source: name,
			StreetRadiusM: cfg.StreetRadiusM, Progress: opt.Progress}
		if *mapping != "" {
			f, err := os.Open(*mapping)
			if err != nil {
				return err
			}
			hopt.Mapping, err = hotline.ReadMapping(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", *mapping, err)
			}
		}
		return importProblems(ctx, pool, in, name, hopt, *quiet, stdout, stderr)
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

// importProblems is `gridkeeper import problems`: rows are read with a
// progress line, each later phase is named as it begins, and the summary
// goes to stdout; every rejected row goes to stderr.
func importProblems(ctx context.Context, pool *pgxpool.Pool, in io.Reader, name string, opt hotline.Options, quiet bool, stdout, stderr io.Writer) error {
	rep := opt.Progress
	opt.Phase = func(phase string) {
		if phase == "read" {
			return
		}
		rep.Done()
		if !quiet {
			fmt.Fprintf(stderr, "importing problems: %s\n", phase)
		}
	}
	res, err := hotline.Import(ctx, pool, in, opt)
	rep.Done()
	for _, r := range res.Rejections {
		fmt.Fprintln(stderr, r)
	}
	var rejected *hotline.RejectedError
	if errors.As(err, &rejected) {
		if rejected.File {
			return fmt.Errorf("%s: file rejected, nothing written", name)
		}
		return fmt.Errorf("%s: %d of %d rows rejected and --strict is set, nothing written", name, len(rejected.Rejections), rejected.Read)
	}
	if err != nil {
		return err
	}
	if !quiet {
		for _, p := range res.Phases {
			fmt.Fprintf(stderr, "  %-14s %s\n", p.Name, p.Took.Round(time.Millisecond))
		}
	}
	fmt.Fprintf(stdout, "problems: %d read, %d imported (%d dispatched, %d closed, %d unmapped), %d recurrences linked, %d already imported, %d rejected\n",
		res.Read, res.Imported, res.Dispatched, res.Closed, res.Unmapped, res.Recurrences, res.AlreadyImported, res.Rejected)
	return nil
}
