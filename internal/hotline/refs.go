package hotline

// What an import reads from the database before it maps a row: the
// categories and the links of every chain of responsibility, each with
// the periods in which it stood as it did.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// category is what a row needs of its category.
type category struct {
	code        string
	active      bool
	limitHours  float64
	firstInLine int // link (1-based in linkOrder) that leads the chain
	recurM      float64
	recurDays   int
}

// loadCategories reads every category; the index finds them by code or
// name.
func loadCategories(ctx context.Context, tx pgx.Tx) (*catIndex, map[string]*category, error) {
	rows, err := tx.Query(ctx, `SELECT code, name, active, time_limit_hours::float8, first_in_line, recur_radius_m, recur_days
		FROM categories ORDER BY code`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ci := &catIndex{byCode: map[string]catInfo{}, byName: map[string][]catInfo{}}
	cats := map[string]*category{}
	for rows.Next() {
		var c category
		var name, fil string
		if err := rows.Scan(&c.code, &name, &c.active, &c.limitHours, &fil, &c.recurM, &c.recurDays); err != nil {
			return nil, nil, err
		}
		c.firstInLine = firstInLine[fil]
		cats[c.code] = &c
		ci.byCode[c.code] = catInfo{code: c.code, active: c.active}
		name = strings.TrimSpace(name)
		ci.byName[name] = append(ci.byName[name], catInfo{code: c.code, active: c.active})
	}
	return ci, cats, rows.Err()
}

// span is one link of a chain over one period: a duty, or the vacancy
// between duties. Its link is stored once in chain_links under id.
type span struct {
	from, to   time.Time // [from, to); zero: unbounded
	id         pgtype.UUID
	link       string // canonical jsonb text, as stored
	person     *int64 // the holder when a person holds it
	department *string
}

func (s *span) covers(t time.Time) bool {
	return (s.from.IsZero() || !t.Before(s.from)) && (s.to.IsZero() || t.Before(s.to))
}

// spans finds the span of a link target valid at an instant.
type spans map[string][]*span // "link:key" → spans in time order

func (ss spans) at(link, key string, t time.Time) *span {
	list := ss[link+":"+key]
	i := sort.Search(len(list), func(i int) bool { return list[i].to.IsZero() || t.Before(list[i].to) })
	if i < len(list) && list[i].covers(t) {
		return list[i]
	}
	return nil
}

// loadSpans reads every link of every possible chain (spansSQL).
func loadSpans(ctx context.Context, tx pgx.Tx) (spans, int, error) {
	rows, err := tx.Query(ctx, spansSQL)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ss := spans{}
	n := 0
	for rows.Next() {
		var s span
		var link, key string
		var from, to pgtype.Timestamptz
		if err := rows.Scan(&link, &key, &from, &to, &s.person, &s.department, &s.link, &s.id); err != nil {
			return nil, 0, err
		}
		if from.Valid && from.InfinityModifier == pgtype.Finite {
			s.from = from.Time
		}
		if to.Valid && to.InfinityModifier == pgtype.Finite {
			s.to = to.Time
		}
		k := link + ":" + key
		ss[k] = append(ss[k], &s)
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for k, list := range ss {
		sort.Slice(list, func(i, j int) bool {
			return !list[j].from.IsZero() && (list[i].from.IsZero() || list[i].from.Before(list[j].from))
		})
		for i := 1; i < len(list); i++ {
			if list[i-1].to.IsZero() || list[i-1].to.After(list[i].from) {
				return nil, 0, fmt.Errorf("links of %s overlap in time", k)
			}
		}
	}
	return ss, n, nil
}

// storeLinks writes every link a chain can use into chain_links (those
// already there stay), in its own short transaction on db, before the
// import writes its rows. Links are stored by content, so one no problem
// uses is harmless; stored inside the import's transaction they would make
// an intake that stores the same link wait for the import's commit, and
// an import that stores them after its rows would wait for an intake that
// itself waits on a row the import's rows locked (a deadlock).
func storeLinks(ctx context.Context, db execer, ss spans) (int, error) {
	var ids []pgtype.UUID
	var links []string
	for _, list := range ss {
		for _, s := range list {
			ids = append(ids, s.id)
			links = append(links, s.link)
		}
	}
	tag, err := db.Exec(ctx, `INSERT INTO chain_links (id, link)
		SELECT u.id, u.link::jsonb FROM unnest($1::uuid[], $2::text[]) AS u(id, link)
		ORDER BY u.id
		ON CONFLICT (id) DO NOTHING`, ids, links)
	return int(tag.RowsAffected()), err
}

// execer is what storeLinks needs: a pool or a connection.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}
