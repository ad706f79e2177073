package httpx

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/labstack/echo/v4"
)

// spoolMemory is how much of a response a Spool keeps in memory before it
// moves the rest to a temporary file.
const spoolMemory = 1 << 20

var errSpoolDone = errors.New("spool: the response was sent or the request ended")

// Spool collects a response body while its rows are read, so that the
// database connection goes back to the pool at the end of the rows and is
// never held while the client's socket is slow or never read. The first
// MiB stays in memory and the rest goes to an unlinked temporary file, so
// memory stays flat whatever the size of the page. Nothing reaches the
// client until Send; a handler that fails before it answers with a proper
// problem, and the spool is discarded when the request ends.
type Spool struct {
	mu   sync.Mutex // discard runs when the request ends, on its own goroutine
	mem  bytes.Buffer
	file *os.File
	fw   *bufio.Writer
	n    int64
	err  error
}

// NewSpool starts a spool that lives as long as c's request.
func NewSpool(c echo.Context) *Spool {
	s := &Spool{}
	context.AfterFunc(c.Request().Context(), s.discard)
	return s
}

// Write appends p to the body.
func (s *Spool) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	s.n += int64(len(p))
	if s.file == nil && s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "gridkeeper-spool-*")
		if err != nil {
			s.err = fmt.Errorf("spool: %w", err)
			return 0, s.err
		}
		os.Remove(f.Name()) // the open descriptor keeps it until Close
		s.file, s.fw = f, bufio.NewWriterSize(f, 64<<10)
	}
	n, err := s.fw.Write(p)
	if err != nil {
		s.err = fmt.Errorf("spool: %w", err)
	}
	return n, s.err
}

// Len is the number of bytes spooled.
func (s *Spool) Len() int64 { return s.n }

// Send writes the status, contentType and the spooled body to c's
// response, then frees the spool. Only this step waits on the client.
func (s *Spool) Send(c echo.Context, status int, contentType string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.free()
	if s.err != nil {
		return s.err
	}
	var rest io.Reader
	if s.file != nil {
		if err := s.fw.Flush(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		rest = s.file
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, contentType)
	res.WriteHeader(status)
	if _, err := res.Write(s.mem.Bytes()); err != nil {
		return err
	}
	if rest != nil {
		if _, err := io.CopyBuffer(res, rest, make([]byte, 32<<10)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Spool) discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free()
}

func (s *Spool) free() {
	if s.err == nil {
		s.err = errSpoolDone
	}
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.mem = bytes.Buffer{}
}
