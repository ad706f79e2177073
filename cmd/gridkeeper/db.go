package main

import (
	"context"
	"fmt"

	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

func init() {
	register("db", "manage the private PostgreSQL cluster: start, stop, url", runDB)
	register("migrate", "apply the embedded database migrations", runMigrate)
}

func runDB(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flags("db", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLog(&cfg)
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: gridkeeper db start|stop|url", errUsage)
	}
	switch fs.Arg(0) {
	case "start", "url":
		c, err := db.Ensure(ctx, cfg.DataDir)
		if err != nil {
			return err
		}
		fmt.Println(c.URL())
		return nil
	case "stop":
		c, err := db.Ensure(ctx, cfg.DataDir)
		if err != nil {
			return err
		}
		return c.Stop(ctx)
	}
	return fmt.Errorf("%w: gridkeeper db start|stop|url", errUsage)
}

func runMigrate(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flags("migrate", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLog(&cfg)
	t, err := db.Resolve(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer t.Close(context.Background())
	from, to, err := db.Migrate(ctx, t.URL)
	if err != nil {
		return err
	}
	fmt.Printf("schema version %d -> %d\n", from, to)
	return nil
}
