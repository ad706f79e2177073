package category

import (
	"errors"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// DB is what the functions of this package run on (see db.DB).
type DB = db.DB

// ErrNotFound is returned when no category has the given code.
var ErrNotFound = errors.New("category not found")
