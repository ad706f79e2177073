package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/qa"
)

func init() {
	register("qa", "coverage and topology QA as GeoJSON: qa [-parent CODE] [-type T,...] [-out FILE]", runQA)
}

func runQA(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flags("qa", &cfg)
	parent := fs.String("parent", "", "limit to this area and its descendants")
	types := fs.String("type", "", "comma-separated finding types (default all)")
	out := fs.String("out", "-", "GeoJSON output file (- is standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLog(&cfg)
	ts, reason := qa.ParseTypes(*types)
	if reason != "" {
		return fmt.Errorf("%w: -type: %s", errUsage, reason)
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

	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	counts := map[string]int{}
	n := 0
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	err = qa.Each(ctx, pool, qa.Scope{Parent: *parent, Types: ts, At: time.Now()}, func(f qa.Finding) error {
		b, err := json.Marshal(map[string]any{"type": "Feature", "geometry": f.Geometry, "properties": f})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		counts[f.Type]++
		bw.Write(b)
		bw.WriteByte('\n')
		return nil
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "qa: %d findings", n)
	for _, typ := range qa.Types {
		if counts[typ] > 0 {
			fmt.Fprintf(os.Stderr, ", %s %d", typ, counts[typ])
		}
	}
	fmt.Fprintln(os.Stderr)
	return nil
}
