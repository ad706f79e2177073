package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

func init() {
	register("token", "API tokens: create --name N --role R | list | revoke ID", runToken)
}

func runToken(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: gridkeeper token create|list|revoke", errUsage)
	}
	var cfg config.Config
	fs := flags("token "+args[0], &cfg)
	name := fs.String("name", "", "who or what holds the token (create)")
	role := fs.String("role", "", "one of "+strings.Join(auth.Roles, ", ")+" (create)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	setupLog(&cfg)
	switch args[0] {
	case "create":
		if *name == "" || !auth.ValidRole(*role) {
			return fmt.Errorf("%w: gridkeeper token create --name NAME --role %s", errUsage, strings.Join(auth.Roles, "|"))
		}
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: gridkeeper token revoke ID", errUsage)
		}
	case "list":
	default:
		return fmt.Errorf("%w: unknown token command %q (create, list, revoke)", errUsage, args[0])
	}

	t, err := db.Resolve(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer t.Close(context.Background())
	if _, _, err := db.Migrate(ctx, t.URL); err != nil {
		return err
	}
	pool, err := db.Open(ctx, t.URL, db.PoolOptions{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()

	switch args[0] {
	case "create":
		secret, id, err := auth.Create(ctx, pool, *name, *role)
		if err != nil {
			return err
		}
		fmt.Printf("token %d (%s, %s); keep it, it is not shown again:\n%s\n", id, *name, *role, secret)
	case "list":
		tokens, err := auth.List(ctx, pool)
		if err != nil {
			return err
		}
		fmt.Printf("%-5s %-11s %-25s %-20s %s\n", "ID", "ROLE", "NAME", "CREATED", "STATE")
		for _, tk := range tokens {
			state := "active"
			if tk.RevokedAt != nil {
				state = "revoked " + tk.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Printf("%-5d %-11s %-25s %-20s %s\n", tk.ID, tk.Role, tk.Name, tk.CreatedAt.Format("2006-01-02 15:04"), state)
		}
	case "revoke":
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("%w: token id %q is not a number", errUsage, fs.Arg(0))
		}
		ok, err := auth.Revoke(ctx, pool, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no active token with id %d", id)
		}
		fmt.Printf("token %d revoked\n", id)
	}
	return nil
}
