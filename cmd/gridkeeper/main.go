// Command gridkeeper serves city grids, streets and the problems reported
// in them as GeoJSON and on a map. Subcommands:
//
//	gridkeeper serve             start the HTTP server (migrates first)
//	gridkeeper migrate           apply database migrations
//	gridkeeper import KIND FILE  load areas or streets from GeoJSON
//	gridkeeper token create      create an API token
//	gridkeeper db start|stop|url manage the private PostgreSQL cluster
//	gridkeeper gen city          regenerate the sample city in geodata/
//
// Every subcommand finds its database the same way: DATABASE_URL, or the
// private cluster under GRIDKEEPER_DATA_DIR (started when not running).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/gridkeeper/gridkeeper/internal/config"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// errUsage marks a usage mistake: printed without a stack of context.
var errUsage = errors.New("usage")

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gridkeeper: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "gridkeeper %s: %v\n", os.Args[1], err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gridkeeper COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'gridkeeper COMMAND -h' for a command's flags.")
}

// flags builds a subcommand's flag set with the shared settings on it.
func flags(name string, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("gridkeeper "+name, flag.ContinueOnError)
	cfg.Register(fs)
	return fs
}

// setupLog configures slog to stderr at the configured level, as text or
// (-log-format json) one JSON object a line.
func setupLog(cfg *config.Config) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel))); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if strings.EqualFold(cfg.LogFormat, "json") {
		slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, opts)))
		return
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, opts)))
}
