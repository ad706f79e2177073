package problemgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/progress"
)

// Header is the CSV header row, the columns the hotline import reads.
const Header = "ticket_no,reported_at,category,lon,lat,address,content,status,closed_at"

// Status values of the hotline.
const (
	StatusClosed = "已办结"
	StatusOpen   = "处理中"
)

// TimeLayout is how reported_at and closed_at are written.
const TimeLayout = "2006-01-02 15:04:05-07:00"

// Options tune Generate.
type Options struct {
	Count  int    // rows to write
	Months int    // length of the window, in months
	Seed   uint64 // the same seed, count, months and Until give the same bytes
	// Until is the day taken as today: the window ends at its midnight,
	// Beijing time, so no row is in the future and any time on the same
	// day gives the same file. Zero: time.Now().
	Until time.Time
	// City holds areas.geojson, streets.geojson and optionally
	// frontages.csv; nil: the embedded sample city (geodata.FS).
	City fs.FS
	// Progress, when not nil, is told of every row written.
	Progress *progress.Reporter
	// Workers generating days in parallel; 0: GOMAXPROCS. The output does
	// not depend on it.
	Workers int
}

// Stats describes what Generate wrote.
type Stats struct {
	Rows      int
	HotRows   int // rows drawn from hot places
	HotPlaces int
	Open      int       // rows with status 处理中
	From, To  time.Time // the window: [From, To)
}

// Generate writes the header and opt.Count hotline tickets to w as CSV,
// sorted by reported_at. Days are generated in parallel, each from its own
// random stream, and written in order, so memory stays flat whatever the
// count.
func Generate(ctx context.Context, w io.Writer, opt Options) (Stats, error) {
	var st Stats
	if opt.Count < 0 {
		return st, errors.New("count must not be negative")
	}
	if opt.Months < 1 || opt.Months > 120 {
		return st, fmt.Errorf("months must be 1–120, got %d", opt.Months)
	}
	if opt.Until.IsZero() {
		opt.Until = time.Now()
	}
	fsys := opt.City
	if fsys == nil {
		fsys = geodata.FS
	}
	c, err := loadCity(fsys)
	if err != nil {
		return st, err
	}
	p, err := newPlan(c, opt)
	if err != nil {
		return st, err
	}
	st.From, st.To, st.HotPlaces = p.start, p.end, len(p.hot)
	if _, err := io.WriteString(w, Header+"\n"); err != nil {
		return st, fmt.Errorf("write header: %w", err)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// futures carries one channel per day, in day order; at most
	// 2×workers days are in flight.
	futures := make(chan chan dayOut, 2*workers)
	sem := make(chan struct{}, workers)
	go func() {
		defer close(futures)
		for d := range p.days {
			ch := make(chan dayOut, 1)
			select {
			case futures <- ch:
			case <-ctx.Done():
				return
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				ch <- p.genDay(d)
			}()
		}
	}()
	var werr error
	for ch := range futures {
		out := <-ch
		if werr != nil {
			continue // drain
		}
		if err := ctx.Err(); err != nil {
			werr = err
			cancel()
			continue
		}
		if _, err := w.Write(out.buf); err != nil {
			werr = fmt.Errorf("write rows: %w", err)
			cancel()
			continue
		}
		st.Rows += out.rows
		st.HotRows += out.hot
		st.Open += out.open
		opt.Progress.Add(int64(out.rows))
		bufPool.Put(&out.buf)
	}
	if werr == nil {
		werr = ctx.Err() // the caller's context ended before every day was made
	}
	return st, werr
}

type dayOut struct {
	buf             []byte
	rows, hot, open int
}

var bufPool = newPool()

type pool struct{ ch chan *[]byte }

func newPool() *pool { return &pool{ch: make(chan *[]byte, 64)} }

func (p *pool) Get() []byte {
	select {
	case b := <-p.ch:
		return (*b)[:0]
	default:
		return nil
	}
}

func (p *pool) Put(b *[]byte) {
	select {
	case p.ch <- b:
	default:
	}
}

// draft is a ticket before its place is drawn: what, when, from where.
type draft struct {
	sec int32 // seconds after midnight
	ord int32 // draw order, to break ties
	cat int16
	hot int16 // hot place, or -1
}

// genDay writes day d's rows. Everything random comes from the day's own
// stream, so days can be made in any order.
func (p *plan) genDay(d int) dayOut {
	out := dayOut{buf: bufPool.Get()}
	n := p.rows[d]
	if n == 0 {
		return out
	}
	rng := rand.New(rand.NewPCG(p.seed, 0x64_61_79<<32|uint64(d))) // "day"
	di := p.day(d)
	catCum := make([]float64, len(categories))
	hotCum := make([]float64, len(p.hot))
	bg, hot := p.rates(&di, catCum, hotCum)
	pHot := 0.0
	if b, h := p.bgScale*bg, p.hotScale*hot; b+h > 0 {
		pHot = h / (b + h)
	}
	weekend := 0
	if di.weekday == time.Saturday || di.weekday == time.Sunday {
		weekend = 1
	}
	drafts := make([]draft, n)
	for i := range drafts {
		dr := draft{ord: int32(i), hot: -1}
		if pHot > 0 && rng.Float64() < pHot {
			dr.hot = int16(pick(rng, hotCum))
			dr.cat = int16(p.hot[dr.hot].cat)
		} else {
			dr.cat = int16(pick(rng, catCum))
		}
		hour := pick(rng, p.hourCum[dr.cat][weekend])
		dr.sec = int32(hour*3600 + rng.IntN(3600))
		drafts[i] = dr
	}
	slices.SortFunc(drafts, func(a, b draft) int {
		if a.sec != b.sec {
			return int(a.sec - b.sec)
		}
		return int(a.ord - b.ord)
	})
	date := di.start.Format("20060102")
	seq := rng.IntN(20)
	scratch := make([]byte, 0, 512)
	b := out.buf
	for _, dr := range drafts {
		seq += 1 + rng.IntN(3) // the numbers between went to other hotline topics
		cat := &categories[dr.cat]
		at := di.start.Add(time.Duration(dr.sec) * time.Second)
		b = append(b, "12345-"...)
		b = append(b, date...)
		b = append(b, '-')
		b = appendPadded(b, seq, 7)
		b = append(b, ',')
		b = at.AppendFormat(b, TimeLayout)
		b = append(b, ',')
		if rng.Float64() < codeShare {
			b = append(b, cat.code...)
		} else {
			b = appendField(b, cat.name)
		}
		b = append(b, ',')
		q := p.location(rng, dr)
		ll, _ := p.lonLat(q)
		b = strconv.AppendFloat(b, ll[0], 'f', 6, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, ll[1], 'f', 6, 64)
		b = append(b, ',')
		var street string
		scratch = p.places.appendAddress(scratch[:0], rng, q, &street)
		b = appendField(b, string(scratch))
		b = append(b, ',')
		scratch = appendContent(scratch[:0], rng, cat, street, dr.hot >= 0)
		b = appendField(b, string(scratch))
		b = append(b, ',')
		if closed, ok := p.closure(rng, cat, at); ok {
			b = append(b, StatusClosed...)
			b = append(b, ',')
			b = closed.AppendFormat(b, TimeLayout)
		} else {
			b = append(b, StatusOpen...)
			b = append(b, ',')
			out.open++
		}
		b = append(b, '\n')
		if dr.hot >= 0 {
			out.hot++
		}
	}
	out.buf = b
	out.rows = n
	return out
}

// location draws the ticket's place: uniformly within a hot place's
// radius, or from its category's background model; always inside the
// city once rounded to the 6 decimals written.
func (p *plan) location(rng *rand.Rand, dr draft) xy {
	for range 50 {
		var q xy
		if dr.hot >= 0 {
			h := &p.hot[dr.hot]
			a := rng.Float64() * 2 * math.Pi
			r := h.radius * math.Sqrt(rng.Float64())
			q = xy{h.centre.x + r*math.Cos(a), h.centre.y + r*math.Sin(a)}
		} else {
			q = p.places.background(rng, categories[dr.cat].mode)
		}
		if _, in := p.lonLat(q); in {
			return q
		}
	}
	if dr.hot >= 0 {
		return p.hot[dr.hot].centre // checked when placed
	}
	for {
		q := p.places.onStreet(rng, p.places.streetCum)
		if _, in := p.lonLat(q); in {
			return q
		}
	}
}

// closure draws when the ticket was closed. The handling time is
// log-normal around 55 % of the category's time limit (working hours
// turned into calendar time), so about a quarter of the tickets run late;
// closures at night move to the next morning; a share of tickets never
// closes; none closes after the window.
func (p *plan) closure(rng *rand.Rand, cat *category, at time.Time) (time.Time, bool) {
	if rng.Float64() < stuckShare {
		return time.Time{}, false
	}
	limit := cat.limitWH * 1.5 // hours within a working day
	if cat.limitWH >= 8 {
		limit = cat.limitWH / 8 * 24 * 7 / 5 // working days, with weekends
	}
	hours := limit * 0.55 * math.Exp(0.85*rng.NormFloat64())
	hours = math.Min(math.Max(hours, 0.25), 90*24)
	closed := at.Add(time.Duration(hours * float64(time.Hour))).Truncate(time.Second)
	if h := closed.Hour(); h >= 22 || h < 7 {
		y, m, d := closed.Date()
		if h >= 22 {
			d++
		}
		closed = time.Date(y, m, d, 7, 30, 0, 0, beijing).Add(time.Duration(rng.IntN(150*60)) * time.Second)
	}
	if !closed.Before(p.end) {
		return time.Time{}, false
	}
	return closed, true
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendField writes s as one CSV field, quoted as RFC 4180 asks when it
// holds a comma, a quote, a line break or leading space.
func appendField(b []byte, s string) []byte {
	needs := len(s) > 0 && (s[0] == ' ' || s[0] == '\t')
	for i := 0; i < len(s) && !needs; i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			needs = true
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
