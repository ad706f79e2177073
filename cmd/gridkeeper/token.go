package main

import (
	"context"
	"fmt"
	"os/user"
	"strconv"
	"strings"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/config"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

func init() {
	register("token", "API tokens: create --person ID|--client NAME --role R [--ttl 90d] [--area CODE] | list | revoke ID", runToken)
}

const tokenUsage = "gridkeeper token create (--person ID | --client NAME | --name NAME) --role ROLE [--name NAME] [--ttl 90d] [--area CODE] [--sources hotline]"

func runToken(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: gridkeeper token create|list|revoke", errUsage)
	}
	var cfg config.Config
	fs := flags("token "+args[0], &cfg)
	name := fs.String("name", "", "the token's unique name (create; default from the person or client)")
	role := fs.String("role", "", "one of "+strings.Join(auth.Roles, ", ")+" (create)")
	person := fs.Int64("person", 0, "the person the token belongs to; its scope is their duties (create)")
	client := fs.String("client", "", "or the service client it belongs to: hotline, an Open311 client, an integration (create)")
	area := fs.String("area", "", "an explicit area scope for a supervisor or dispatcher token (create)")
	ttl := fs.String("ttl", "", "lifetime, such as 90d or 12h; default none (create)")
	sources := fs.String("sources", "", "external report sources the token may write, comma-separated: hotline (create)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	setupLog(&cfg)
	spec := auth.Spec{Name: *name, Role: *role, Client: *client, Area: *area}
	switch args[0] {
	case "create":
		if *person != 0 {
			spec.PersonID = person
		}
		if spec.Name == "" {
			switch {
			case spec.PersonID != nil:
				spec.Name = fmt.Sprintf("person %d %s", *person, *role)
			case spec.Client != "":
				spec.Name = "client " + spec.Client
			}
		}
		if spec.Name == "" || !auth.ValidRole(*role) {
			return fmt.Errorf("%w: %s", errUsage, tokenUsage)
		}
		if *ttl != "" {
			d, err := auth.ParseTTL(*ttl)
			if err != nil {
				return fmt.Errorf("%w: --ttl %s: %v", errUsage, *ttl, err)
			}
			spec.TTL = d
		}
		if *sources != "" {
			spec.Sources = strings.Split(*sources, ",")
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
	ctx = audit.WithActor(ctx, cliActor())

	switch args[0] {
	case "create":
		secret, id, err := auth.CreateToken(ctx, pool, spec)
		if err != nil {
			return err
		}
		fmt.Printf("token %d (%s, %s); keep it, it is not shown again:\n%s\n", id, spec.Name, spec.Role, secret)
	case "list":
		tokens, err := auth.List(ctx, pool)
		if err != nil {
			return err
		}
		fmt.Printf("%-5s %-11s %-30s %-16s %-16s %-20s %s\n", "ID", "ROLE", "NAME", "HOLDER", "AREA", "CREATED", "STATE")
		for _, tk := range tokens {
			state := "active"
			switch {
			case tk.RevokedAt != nil:
				state = "revoked " + tk.RevokedAt.Format("2006-01-02 15:04")
			case tk.ExpiresAt != nil:
				state = "expires " + tk.ExpiresAt.Format("2006-01-02 15:04")
			}
			holder := "-"
			switch {
			case tk.PersonID != nil:
				holder = "person:" + strconv.FormatInt(*tk.PersonID, 10)
			case tk.Client != nil:
				holder = "client:" + *tk.Client
			}
			area := "-"
			if tk.Area != nil {
				area = *tk.Area
			}
			fmt.Printf("%-5d %-11s %-30s %-16s %-16s %-20s %s\n", tk.ID, tk.Role, tk.Name, holder, area, tk.CreatedAt.Format("2006-01-02 15:04"), state)
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

// cliActor names the operator running a command in the audit log.
func cliActor() audit.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = "cli:" + u.Username
	}
	return audit.Actor{Name: name}
}
