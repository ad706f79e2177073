package hotline

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/placemap"
)

// mapChunk is how many rows a mapping worker takes at a time.
const mapChunk = 4096

// mapper maps the rows on every core in chunks taken in reporting order,
// so that COPY writes the first rows while later ones are being mapped.
type mapper struct {
	done []chan struct{} // closed when its chunk is mapped
	wg   sync.WaitGroup
}

// startMapping maps every row not rejected after reading: its grid (and
// deepest area), street, frontage unit and, inside a grid, its deadline.
func (im *importer) startMapping(rows []row, snap *placemap.Snapshot) *mapper {
	n := (len(rows) + mapChunk - 1) / mapChunk
	m := &mapper{done: make([]chan struct{}, n)}
	for c := range m.done {
		m.done[c] = make(chan struct{})
	}
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		m.wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= n {
					return
				}
				for i := c * mapChunk; i < min((c+1)*mapChunk, len(rows)); i++ {
					im.mapRow(&rows[i], snap)
				}
				close(m.done[c])
			}
		})
	}
	return m
}

// wait returns once row i is mapped.
func (m *mapper) wait(i int) { <-m.done[i/mapChunk] }

// waitAll returns once every row is mapped.
func (m *mapper) waitAll() { m.wg.Wait() }

func (im *importer) mapRow(r *row, snap *placemap.Snapshot) {
	if r.skip {
		return
	}
	m := snap.Map(r.lon, r.lat, im.opt.StreetRadiusM)
	r.grid, r.hit, r.hitLevel, r.frontage = m.Grid, m.Hit, m.HitLevel, m.Frontage
	if m.Street != "" {
		r.street, r.streetM = m.Street, round1(m.StreetM)
	}
	if r.grid != "" {
		if due, err := im.cal.Add(r.reportedAt, im.cats[r.category].limitHours*60); err == nil {
			r.due = &due
		}
	}
}

// pending: not rejected and not imported before.
func (r *row) pending() bool { return !r.skip && !r.stored }

// querier is what the lookups need of a transaction or a connection.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
