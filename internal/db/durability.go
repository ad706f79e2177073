package db

import (
	"context"
	"fmt"
)

// durabilitySettings are the server settings behind "a 2xx is on disk",
// with the value that breaks the promise.
var durabilitySettings = []struct{ name, bad, why string }{
	{"fsync", "off", "WAL is never forced to disk: an OS crash or power loss can lose or corrupt committed data"},
	{"synchronous_commit", "off", "a commit returns before its WAL is flushed: a crash loses writes already acknowledged"},
	{"full_page_writes", "off", "a crash during a page write can leave torn pages that recovery cannot repair"},
}

// CheckDurability reads fsync, synchronous_commit and full_page_writes as
// the connections of d see them and describes each one that breaks the
// durability promise; none is all is well.
func CheckDurability(ctx context.Context, d DB) ([]string, error) {
	var problems []string
	for _, s := range durabilitySettings {
		var v string
		if err := d.QueryRow(ctx, "SELECT current_setting($1)", s.name).Scan(&v); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.name, err)
		}
		if v == s.bad {
			problems = append(problems, fmt.Sprintf("%s = %s: %s", s.name, v, s.why))
		}
	}
	return problems, nil
}
