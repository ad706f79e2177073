package photo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Store keeps blobs by the hex SHA-256 of their content.
type Store interface {
	// Put stores data and returns its digest; created is false when the
	// blob was already there (content addressing: same bytes, same name).
	Put(ctx context.Context, data []byte) (sha string, created bool, err error)
	// Open returns the blob's content.
	Open(ctx context.Context, sha string) (io.ReadSeekCloser, error)
	// Remove deletes a blob (used to undo a Put whose row did not commit).
	Remove(ctx context.Context, sha string) error
}

// ErrNoBlob is returned by Open for a digest the store does not hold.
var ErrNoBlob = errors.New("no such photo file")

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// DirStore keeps blobs as files under Dir, in directories named by the
// first two hex digits: Dir/ab/abcdef….
type DirStore struct{ Dir string }

// Digest is the name a blob gets in a Store.
func Digest(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func (d DirStore) path(sha string) (string, error) {
	if !shaPattern.MatchString(sha) {
		return "", fmt.Errorf("photo digest %q is not a SHA-256 hex string", sha)
	}
	return filepath.Join(d.Dir, sha[:2], sha), nil
}

// Put writes data to a temporary file, fsyncs it, renames it into place and
// fsyncs the directory, so that a blob that exists is complete and on disk.
func (d DirStore) Put(_ context.Context, data []byte) (string, bool, error) {
	sha := Digest(data)
	p, _ := d.path(sha)
	if _, err := os.Stat(p); err == nil {
		return sha, false, nil
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", false, fmt.Errorf("photo directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", false, fmt.Errorf("photo file: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
		return "", false, fmt.Errorf("write photo %s: %w", sha, err)
	}
	if err := syncDir(dir); err != nil {
		return "", false, err
	}
	return sha, true, nil
}

// Open opens a stored blob.
func (d DirStore) Open(_ context.Context, sha string) (io.ReadSeekCloser, error) {
	p, err := d.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoBlob
	}
	return f, err
}

// Remove deletes a blob; a missing one is not an error.
func (d DirStore) Remove(_ context.Context, sha string) error {
	p, err := d.path(sha)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove photo %s: %w", sha, err)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open photo directory: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync photo directory: %w", err)
	}
	return nil
}
