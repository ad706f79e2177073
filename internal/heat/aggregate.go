package heat

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
)

// weekSet is a set of weeks counted from the window's first: one word
// inline, more in the aggregator's arena for windows over 64 weeks.
type weekSet struct {
	w  uint64
	at int32 // offset of the words in aggregator.bits; -1 when inline
}

// cellAgg is one cell of a heatmap while rows are added.
type cellAgg struct {
	cell                           int64
	count, rebounds, open, overdue int32
	weeks                          weekSet
	cats                           []catAgg // few: searched in order
}

// catAgg is one category in one cell.
type catAgg struct {
	cat   int16
	n     int32
	weeks weekSet
}

// aggregator folds counted and open problems into the cells of one
// resolution: counts, rebounds, open and overdue problems, the set of ISO
// weeks with a problem per cell and per cell and category.
type aggregator struct {
	res      int
	week0    int32 // the window's first ISO week
	words    int32 // uint64 words in a week set
	index    map[int64]int32
	cells    []cellAgg
	last     int64 // the cell of the last row and its position:
	lastI    int32 // rows come sorted by cell
	bits     []uint64
	catID    map[string]int16
	catCodes []string
}

func newAggregator(res int, w Window) *aggregator {
	w0, w1 := week(dayNum(w.From)), week(dayNum(w.To.Add(-1)))
	return &aggregator{
		res:   res,
		week0: w0,
		words: (w1 - w0 + 64) / 64,
		index: make(map[int64]int32, 4096),
		catID: make(map[string]int16, 64),
		last:  -1,
	}
}

func (a *aggregator) newSet() weekSet {
	if a.words == 1 {
		return weekSet{at: -1}
	}
	at := int32(len(a.bits))
	a.bits = append(a.bits, make([]uint64, a.words)...)
	return weekSet{at: at}
}

func (a *aggregator) setBit(s *weekSet, wk int32) {
	if s.at < 0 {
		s.w |= 1 << wk
		return
	}
	a.bits[s.at+wk/64] |= 1 << (wk % 64)
}

func (a *aggregator) popcount(s weekSet) int {
	if s.at < 0 {
		return bits.OnesCount64(s.w)
	}
	n := 0
	for _, w := range a.bits[s.at : s.at+a.words] {
		n += bits.OnesCount64(w)
	}
	return n
}

func (a *aggregator) cellOf(cell int64) *cellAgg {
	p := parent(cell, a.res)
	if p == a.last {
		return &a.cells[a.lastI]
	}
	i, ok := a.index[p]
	if !ok {
		i = int32(len(a.cells))
		a.index[p] = i
		a.cells = append(a.cells, cellAgg{cell: p, weeks: a.newSet()})
	}
	a.last, a.lastI = p, i
	return &a.cells[i]
}

func (a *aggregator) category(cat []byte) int16 {
	id, ok := a.catID[string(cat)]
	if !ok {
		id = int16(len(a.catCodes))
		s := string(cat)
		a.catID[s] = id
		a.catCodes = append(a.catCodes, s)
	}
	return id
}

// Add is a countFunc.
func (a *aggregator) Add(cell int64, cat []byte, day, n, rebounds int32) {
	c := a.cellOf(cell)
	c.count += n
	c.rebounds += rebounds
	wk := week(day) - a.week0
	a.setBit(&c.weeks, wk)
	id := a.category(cat)
	for k := range c.cats {
		if c.cats[k].cat == id {
			c.cats[k].n += n
			a.setBit(&c.cats[k].weeks, wk)
			return
		}
	}
	ca := catAgg{cat: id, n: n, weeks: a.newSet()}
	a.setBit(&ca.weeks, wk)
	c.cats = append(c.cats, ca)
}

// AddOpen is an openFunc. Open problems are counted problems too, so their
// cell exists unless the two reads disagree (a write in between cannot
// happen: both run in one snapshot).
func (a *aggregator) AddOpen(cell int64, _ []byte, overdue bool) {
	c := a.cellOf(cell)
	c.open++
	if overdue {
		c.overdue++
	}
}

// TopCategory is one of a cell's most frequent categories.
type TopCategory struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int32  `json:"count"`
}

// Cell is one hexagon of a heatmap.
type Cell struct {
	H3       string `json:"h3"`
	Count    int32  `json:"count"`
	Weeks    int    `json:"weeks"` // distinct ISO weeks with a problem
	Rebounds int32  `json:"rebounds"`
	Open     int32  `json:"open"`
	Overdue  int32  `json:"overdue"`
	// RecurringWeeks is the most distinct ISO weeks any one category was
	// reported in; Recurring is RecurringWeeks ≥ k or a rebound.
	RecurringWeeks int           `json:"recurring_weeks"`
	Recurring      bool          `json:"recurring"`
	Top            []TopCategory `json:"top_categories"`
	Value          int32         `json:"value"` // the metric asked for
	cell           int64
}

// Cells returns the cells in index order, with their recurrence judged at
// k weeks and at most three top categories (by count, then code) named
// from names.
func (a *aggregator) Cells(k int, names map[string]string, m metric) []Cell {
	out := make([]Cell, 0, len(a.cells))
	var tops []catAgg
	for i := range a.cells {
		c := &a.cells[i]
		if c.count == 0 {
			continue
		}
		cl := Cell{cell: c.cell, Count: c.count, Weeks: a.popcount(c.weeks), Rebounds: c.rebounds, Open: c.open, Overdue: c.overdue}
		tops = append(tops[:0], c.cats...)
		for _, ca := range tops {
			cl.RecurringWeeks = max(cl.RecurringWeeks, a.popcount(ca.weeks))
		}
		cl.Recurring = cl.RecurringWeeks >= k || cl.Rebounds > 0
		slices.SortFunc(tops, func(x, y catAgg) int {
			if c := cmp.Compare(y.n, x.n); c != 0 {
				return c
			}
			return cmp.Compare(a.catCodes[x.cat], a.catCodes[y.cat])
		})
		cl.Top = make([]TopCategory, 0, min(3, len(tops)))
		for _, t := range tops[:min(3, len(tops))] {
			code := a.catCodes[t.cat]
			cl.Top = append(cl.Top, TopCategory{Code: code, Name: names[code], Count: t.n})
		}
		var keep bool
		switch m {
		case metricCount:
			cl.Value, keep = cl.Count, true
		case metricRecurring:
			cl.Value, keep = int32(cl.RecurringWeeks), cl.Recurring
		case metricRebound:
			cl.Value, keep = cl.Rebounds, cl.Rebounds > 0
		case metricOverdue:
			cl.Value, keep = cl.Overdue, cl.Overdue > 0
		}
		if keep {
			cl.H3 = cellString(cl.cell)
			out = append(out, cl)
		}
	}
	slices.SortFunc(out, func(x, y Cell) int { return cmp.Compare(x.cell, y.cell) })
	return out
}

// appendJSON appends the cell's properties as a JSON object (what
// encoding/json would write for Cell, without reflection: a city-wide
// heatmap has thousands of cells).
func (c *Cell) appendJSON(b []byte) []byte {
	b = append(b, `{"h3":"`...)
	b = append(b, c.H3...)
	b = append(b, `","count":`...)
	b = strconv.AppendInt(b, int64(c.Count), 10)
	b = append(b, `,"weeks":`...)
	b = strconv.AppendInt(b, int64(c.Weeks), 10)
	b = append(b, `,"rebounds":`...)
	b = strconv.AppendInt(b, int64(c.Rebounds), 10)
	b = append(b, `,"open":`...)
	b = strconv.AppendInt(b, int64(c.Open), 10)
	b = append(b, `,"overdue":`...)
	b = strconv.AppendInt(b, int64(c.Overdue), 10)
	b = append(b, `,"recurring_weeks":`...)
	b = strconv.AppendInt(b, int64(c.RecurringWeeks), 10)
	b = append(b, `,"recurring":`...)
	b = strconv.AppendBool(b, c.Recurring)
	b = append(b, `,"top_categories":[`...)
	for i, t := range c.Top {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = appendString(b, t.Code)
		b = append(b, `,"name":`...)
		b = appendString(b, t.Name)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(t.Count), 10)
		b = append(b, '}')
	}
	b = append(b, `],"value":`...)
	b = strconv.AppendInt(b, int64(c.Value), 10)
	return append(b, '}')
}

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, byte('8'+r-'\u2028'))
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
