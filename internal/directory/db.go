package directory

import (
	"errors"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// DB is what the functions of this package run on (see db.DB).
type DB = db.DB

// ErrNotFound is returned when no person or department has the given key.
var ErrNotFound = errors.New("not found")
