package hotline

// What an import reports: its result, its rejections, its phases.

import (
	"fmt"
	"time"
)

// Result is what an import did.
type Result struct {
	Read            int `json:"read"`             // data rows in the file
	Imported        int `json:"imported"`         // problems created
	Dispatched      int `json:"dispatched"`       // of which open, with their handler
	Closed          int `json:"closed"`           // of which closed
	Unmapped        int `json:"unmapped"`         // of which outside every grid: reported, no handler
	Recurrences     int `json:"recurrences"`      // imported problems linked to the one they recur on
	AlreadyImported int `json:"already_imported"` // tickets already in the database, skipped
	Rejected        int `json:"rejected"`         // rows rejected (listed in Rejections)
	// Rejections lists every rejected row in file order.
	Rejections []Rejection `json:"rejections,omitempty"`
	// Phases is where the time went.
	Phases []Phase `json:"phases"`
}

// Rejection is a row (or the whole file) that was not imported.
type Rejection struct {
	Line   int    `json:"line"` // 1-based line the row starts on; 0: the file as a whole
	Ticket string `json:"ticket,omitempty"`
	Reason string `json:"reason"`
}

func (r Rejection) String() string {
	where := "file"
	if r.Line > 0 {
		where = fmt.Sprintf("line %d", r.Line)
	}
	if r.Ticket != "" {
		where += " (" + r.Ticket + ")"
	}
	return where + ": " + r.Reason
}

// Phase is one step of an import and how long it took.
type Phase struct {
	Name string        `json:"name"`
	Took time.Duration `json:"took"`
}

// RejectedError is returned when the file as a whole was rejected:
// nothing was written.
type RejectedError struct {
	// File: the file could not be read (encoding, quoting, header); its
	// one rejection says why. Otherwise Strict was set and rows were
	// rejected.
	File       bool
	Read       int // rows read before the verdict
	Rejections []Rejection
}

func (e *RejectedError) Error() string {
	if e.File {
		return "hotline file rejected, nothing written: " + e.Rejections[0].String()
	}
	return fmt.Sprintf("hotline file rejected (strict), nothing written: %d of %d rows rejected, the first: %s",
		len(e.Rejections), e.Read, e.Rejections[0])
}
