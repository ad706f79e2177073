package db

import (
	"context"
	"log/slog"
)

// Target is the database a command works on: the server DATABASE_URL
// names, or the private cluster under the data directory.
type Target struct {
	URL     string
	Cluster *Cluster // nil when DATABASE_URL named the server
}

// Resolve finds the database every subcommand uses: databaseURL when it is
// set (nothing is started), otherwise the private cluster under dataDir,
// started if it is not running. A cluster started here is stopped by Close.
func Resolve(ctx context.Context, databaseURL, dataDir string) (*Target, error) {
	if databaseURL != "" {
		return &Target{URL: databaseURL}, nil
	}
	c, err := Ensure(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	return &Target{URL: c.URL(), Cluster: c}, nil
}

// Close stops the private cluster if this process started it.
func (t *Target) Close(ctx context.Context) {
	if t.Cluster == nil || !t.Cluster.Started {
		return
	}
	slog.Info("stopping private PostgreSQL", "dir", t.Cluster.PGData)
	if err := t.Cluster.Stop(ctx); err != nil {
		slog.Error("stop private PostgreSQL", "err", err)
	}
}
