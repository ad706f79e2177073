package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// clock is a hand-advanced time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPlainOutputWritesALineEveryIntervalAndAFinalLine(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(1000, 0)}
	r := newReporter(&buf, "importing areas", 5000, false, 2*time.Second, c.now)
	for i := 0; i < 10; i++ { // 10 s at 500 items/s: a line at 2, 4, 6, 8, 10 s
		c.t = c.t.Add(time.Second)
		r.Add(500)
	}
	r.Done()
	r.Done()
	r.Add(1) // after Done: counted, not drawn
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("want 5 progress lines and a final one, got %d:\n%s", len(lines), buf.String())
	}
	if want := "importing areas  1000/5000  20%  500/s"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if want := "importing areas  5000/5000  100%  500/s  10s"; lines[5] != want {
		t.Errorf("final line %q, want %q", lines[5], want)
	}
	if strings.ContainsAny(buf.String(), "\r\x1b") {
		t.Errorf("plain output carries terminal control characters: %q", buf.String())
	}
}

func TestTerminalOutputOverwritesOneLine(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(1000, 0)}
	r := newReporter(&buf, "importing streets", 0, true, 100*time.Millisecond, c.now)
	for i := 0; i < 3; i++ {
		c.t = c.t.Add(time.Second)
		r.Add(10)
	}
	r.Done()
	out := buf.String()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("want a single line ended once by Done, got %q", out)
	}
	if strings.Count(out, "\r") != 4 {
		t.Errorf("want 4 redraws, got %q", out)
	}
	if !strings.Contains(out, "\rimporting streets  30  10/s  3s\x1b[K\n") {
		t.Errorf("final redraw with unknown total missing: %q", out)
	}
}

func TestNilReporterIsANoOp(t *testing.T) {
	var r *Reporter
	r.SetTotal(3)
	r.Add(1)
	r.Done()
}

func TestABufferIsNotATerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a bytes.Buffer reported as a terminal")
	}
}
