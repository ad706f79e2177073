package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gridkeeper/gridkeeper/internal/citygen"
	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

func init() {
	register("gen", "generate sample data: gen city", runGen)
}

const genUsage = "gridkeeper gen city [-seed N] [-out DIR]"

// runGen dispatches on what to generate.
func runGen(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, genUsage)
	}
	switch args[0] {
	case "city":
		return runGenCity(ctx, args[1:])
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
