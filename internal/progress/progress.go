// Package progress reports how far a long job (an import, a generator) has
// got, on stderr: a single self-overwriting line on a terminal, otherwise a
// plain line every couple of seconds and a final one, so logs stay short.
//
// A nil *Reporter is valid and reports nothing, so a job can take one as an
// optional setting and call it unconditionally.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Reporter counts items done out of an optional total.
type Reporter struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	total    int64 // 0: unknown
	done     int64
	tty      bool
	every    time.Duration
	start    time.Time
	last     time.Time // last line written
	finished bool
	now      func() time.Time
}

// New reports on w under label ("importing areas"). total is the number of
// items expected, or 0 when unknown (the line then shows no percentage).
// When w is a terminal the line is redrawn at most ten times a second;
// otherwise a line is written every 2 s.
func New(w io.Writer, label string, total int64) *Reporter {
	tty := IsTerminal(w)
	every := 2 * time.Second
	if tty {
		every = 100 * time.Millisecond
	}
	return newReporter(w, label, total, tty, every, time.Now)
}

func newReporter(w io.Writer, label string, total int64, tty bool, every time.Duration, now func() time.Time) *Reporter {
	t := now()
	return &Reporter{w: w, label: label, total: total, tty: tty, every: every, start: t, last: t, now: now}
}

// IsTerminal reports whether w is a character device such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// SetTotal changes the expected number of items (0: unknown).
func (r *Reporter) SetTotal(total int64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.total = total
	r.mu.Unlock()
}

// Add records n more items done and redraws the line when it is due.
func (r *Reporter) Add(n int64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done += n
	if r.finished {
		return
	}
	if t := r.now(); t.Sub(r.last) >= r.every {
		r.last = t
		r.write(t, false)
	}
}

// Done writes the final line; later calls do nothing.
func (r *Reporter) Done() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	r.finished = true
	r.write(r.now(), true)
}

// write draws the line: "importing areas  1234/5000  24%  812/s".
func (r *Reporter) write(t time.Time, final bool) {
	elapsed := t.Sub(r.start)
	var b strings.Builder
	if r.tty {
		b.WriteString("\r")
	}
	b.WriteString(r.label)
	if r.total > 0 {
		fmt.Fprintf(&b, "  %d/%d  %d%%", r.done, r.total, r.done*100/r.total)
	} else {
		fmt.Fprintf(&b, "  %d", r.done)
	}
	if s := elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, "  %.0f/s", float64(r.done)/s)
	}
	if final {
		fmt.Fprintf(&b, "  %s", elapsed.Round(time.Millisecond))
	}
	if r.tty {
		b.WriteString("\x1b[K") // clear what a longer previous line left
		if final {
			b.WriteString("\n")
		}
	} else {
		b.WriteString("\n")
	}
	io.WriteString(r.w, b.String())
}
