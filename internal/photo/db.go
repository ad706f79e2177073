package photo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/db"
)

// Kinds of photo.
var Kinds = []string{"report", "before", "after", "recheck"}

// Photo is a stored photo as the API shows it. GPS, the original and the
// uploader are for staff only (see Public).
type Photo struct {
	ID          int64     `json:"id"`
	ProblemID   int64     `json:"problem_id"`
	Kind        string    `json:"kind"`
	RecheckID   *int64    `json:"recheck_id"`
	MediaType   string    `json:"media_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Bytes       int       `json:"bytes"`
	Note        string    `json:"note"`
	UploadedAt  time.Time `json:"uploaded_at"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url"`
	OriginalURL string    `json:"original_url,omitempty"`
	GPS         *LonLat   `json:"gps,omitempty"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`

	originalSHA, publicSHA, thumbSHA string
}

// Public is the photo as anyone may see it: no GPS, no original, no name.
func (p Photo) Public() Photo {
	p.OriginalURL, p.GPS, p.UploadedBy = "", nil, ""
	return p
}

// URLFor is the public address of photo id (the one Open311 media_url gives).
func URLFor(id int64) string { return "/api/v1/photos/" + strconv.FormatInt(id, 10) }

func (p *Photo) fill() {
	p.URL = URLFor(p.ID)
	p.ThumbURL = p.URL + "/thumb"
	p.OriginalURL = p.URL + "/original"
}

const photoCols = `id, problem_id, kind, recheck_id, media_type, width, height, bytes, note, uploaded_at,
	gps_lon, gps_lat, uploaded_by, original_sha, public_sha, thumb_sha`

func scanPhoto(row pgx.Row) (Photo, error) {
	var p Photo
	var lon, lat *float64
	err := row.Scan(&p.ID, &p.ProblemID, &p.Kind, &p.RecheckID, &p.MediaType, &p.Width, &p.Height, &p.Bytes, &p.Note,
		&p.UploadedAt, &lon, &lat, &p.UploadedBy, &p.originalSHA, &p.publicSHA, &p.thumbSHA)
	if err != nil {
		return p, err
	}
	if lon != nil && lat != nil {
		p.GPS = &LonLat{Lon: *lon, Lat: *lat}
	}
	p.fill()
	return p, nil
}

// ErrNotFound: no such photo.
var ErrNotFound = errors.New("photo not found")

// Get reads one photo.
func Get(ctx context.Context, d db.DB, id int64) (Photo, error) {
	p, err := scanPhoto(d.QueryRow(ctx, `SELECT `+photoCols+` FROM photos WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read photo %d: %w", id, err)
	}
	return p, nil
}

// List returns a problem's photos, oldest first.
func List(ctx context.Context, d db.DB, problemID int64) ([]Photo, error) {
	rows, err := d.Query(ctx, `SELECT `+photoCols+` FROM photos WHERE problem_id = $1 ORDER BY id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("list photos of problem %d: %w", problemID, err)
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		p, err := scanPhoto(rows)
		if err != nil {
			return nil, fmt.Errorf("scan photo: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FirstPublicURLs gives, for each problem id, the public URL of its first
// report photo (or its first photo of any kind), for Open311's media_url.
func FirstPublicURLs(ctx context.Context, d db.DB, problemIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(problemIDs) == 0 {
		return out, nil
	}
	rows, err := d.Query(ctx, `SELECT DISTINCT ON (problem_id) problem_id, id FROM photos
		WHERE problem_id = ANY($1) ORDER BY problem_id, (kind = 'report') DESC, id`, problemIDs)
	if err != nil {
		return nil, fmt.Errorf("first photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid, id int64
		if err := rows.Scan(&pid, &id); err != nil {
			return nil, err
		}
		out[pid] = URLFor(id)
	}
	return out, rows.Err()
}
