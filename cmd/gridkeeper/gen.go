package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/citygen"
	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/problemgen"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

func init() {
	register("gen", "generate sample data: gen city|frontages", runGen)
}

const genUsage = "gridkeeper gen city|frontages [-seed N] [-out DIR]"

// runGen dispatches on what to generate.
func runGen(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, genUsage)
	}
	switch args[0] {
	case "city":
		return runGenCity(ctx, args[1:])
	case "frontages":
		return runGenFrontages(args[1:])
	case "problems":
		return runGenProblems(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(os.Stderr, "usage: "+genUsage)
		return nil
	}
	return fmt.Errorf("%w: unknown generator %q; %s", errUsage, args[0], genUsage)
}

func runGenCity(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flags("gen city", &cfg)
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same files")
	out := fs.String("out", "geodata", "directory to write "+citygen.AreasFile+" and "+citygen.StreetsFile+" into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected arguments %q; %s", errUsage, fs.Args(), genUsage)
	}
	setupLog(&cfg)
	t, err := db.Resolve(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer t.Close(context.Background())
	pool, err := db.Open(ctx, t.URL, db.PoolOptions{Bulk: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := citygen.Generate(ctx, pool, citygen.Options{Seed: *seed, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if err := res.WriteDir(*out); err != nil {
		return err
	}
	s := res.Stats
	fmt.Printf("wrote %s/%s (%d bytes) and %s/%s (%d bytes)\n", *out, citygen.AreasFile, len(res.Areas),
		*out, citygen.StreetsFile, len(res.Streets))
	fmt.Printf("%d districts, %d subdistricts, %d communities, %d grids, %d street segments\n",
		s.Districts, s.Subdistricts, s.Communities, s.Grids, s.Streets)
	for _, d := range s.PerDistrict {
		fmt.Printf("  %s %s: %d subdistricts, %d communities, %d grids, %d street segments\n",
			d.Code, d.Name, d.Subdistricts, d.Communities, d.Grids, d.Streets)
	}
	return nil
}

// runGenFrontages writes the sample frontage units along the streets of
// -streets (default: the embedded sample streets); it needs no database.
func runGenFrontages(args []string) error {
	var cfg config.Config
	fs := flags("gen frontages", &cfg)
	seed := fs.Uint64("seed", 1, "random seed: the same seed and streets give the same file")
	out := fs.String("out", "geodata", "directory to write "+citygen.FrontagesFile+" into")
	streetsFile := fs.String("streets", "", "streets GeoJSON to place the units along (default: the embedded "+citygen.StreetsFile+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected arguments %q; %s", errUsage, fs.Args(), genUsage)
	}
	setupLog(&cfg)
	var streets io.Reader
	if *streetsFile == "" {
		f, err := geodata.FS.Open(citygen.StreetsFile)
		if err != nil {
			return err
		}
		defer f.Close()
		streets = f
	} else {
		f, err := os.Open(*streetsFile)
		if err != nil {
			return err
		}
		defer f.Close()
		streets = f
	}
	b, s, err := citygen.GenerateFrontages(streets, citygen.FrontageOptions{Seed: *seed})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(*out, citygen.FrontagesFile)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes): %d units along %d street segments, %d without a contact\n",
		path, len(b), s.Units, s.Streets, s.WithoutContact)
	return nil
}

const genProblemsUsage = "gridkeeper gen problems [-count N] [-months M] [-seed S] [-until YYYY-MM-DD] [-out FILE]"

// runGenProblems writes hotline tickets for the sample city as CSV, to
// standard output or -out; it needs no database.
func runGenProblems(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gridkeeper gen problems", flag.ContinueOnError)
	count := fs.Int("count", 10000, "number of tickets")
	months := fs.Int("months", 12, "months covered, up to -until")
	seed := fs.Uint64("seed", 1, "random seed: the same seed, count, months and -until give the same bytes")
	out := fs.String("out", "", "file to write (default: standard output)")
	until := fs.String("until", "", "the day taken as today, YYYY-MM-DD (default: today); tickets end before it begins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected arguments %q; %s", errUsage, fs.Args(), genProblemsUsage)
	}
	if *count < 0 || *months < 1 || *months > 120 {
		return fmt.Errorf("%w: -count must be ≥ 0 and -months 1–120; %s", errUsage, genProblemsUsage)
	}
	opt := problemgen.Options{Count: *count, Months: *months, Seed: *seed}
	if *until != "" {
		t, err := time.Parse(time.DateOnly, *until)
		if err != nil {
			return fmt.Errorf("%w: -until %q is not YYYY-MM-DD; %s", errUsage, *until, genProblemsUsage)
		}
		opt.Until = t
	}
	if *out == "" {
		w := bufio.NewWriterSize(os.Stdout, 1<<20)
		st, err := problemgen.Generate(ctx, w, opt)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d tickets (%d from %d hot places), %s – %s\n", st.Rows, st.HotRows, st.HotPlaces,
			st.From.Format(time.DateOnly), st.To.Add(-time.Second).Format(time.DateOnly))
		return nil
	}
	// write beside the target and rename, so a failed run leaves no half file
	f, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	opt.Progress = progress.New(os.Stderr, "gen problems", int64(*count))
	st, err := problemgen.Generate(ctx, w, opt)
	opt.Progress.Done()
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), *out)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d tickets (%d from %d hot places), %s – %s\n", *out, st.Rows, st.HotRows,
		st.HotPlaces, st.From.Format(time.DateOnly), st.To.Add(-time.Second).Format(time.DateOnly))
	return nil
}
