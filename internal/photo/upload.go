package photo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Upload is a photo to attach to a problem.
type Upload struct {
	ProblemID int64
	Kind      string
	RecheckID *int64
	Note      string
	Actor     string
	As        auth.Principal // the uploader: the problem must be in their scope
	Data      []byte
}

// Save checks, copies and stores an upload: the row and its files, all or
// nothing. It returns *RejectError for a bad image and ErrProblemNotFound
// or *FieldError-like RejectErrors for a bad problem or re-check.
func Save(ctx context.Context, d db.DB, store Store, lim Limits, u Upload) (Photo, error) {
	if !slices.Contains(Kinds, u.Kind) {
		return Photo{}, &RejectError{http.StatusUnprocessableEntity, "kind", "want one of " + strings.Join(Kinds, ", ")}
	}
	if utf8.RuneCountInString(u.Note) > 500 {
		return Photo{}, &RejectError{http.StatusUnprocessableEntity, "note", "longer than 500 characters"}
	}
	if u.RecheckID != nil && u.Kind != "recheck" {
		return Photo{}, &RejectError{http.StatusUnprocessableEntity, "recheck_id", "only a recheck photo names a re-check"}
	}
	proc, err := Process(u.Data, lim)
	if err != nil {
		return Photo{}, err
	}
	var created []string
	var out Photo
	err = db.InTx(ctx, d, func(tx pgx.Tx) error {
		if err := checkScope(ctx, tx, u.As, u.ProblemID); err != nil {
			return err
		}
		if u.RecheckID != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM rechecks WHERE id = $1 AND problem_id = $2)`, *u.RecheckID, u.ProblemID).Scan(&ok); err != nil {
				return fmt.Errorf("find re-check: %w", err)
			}
			if !ok {
				return &RejectError{http.StatusUnprocessableEntity, "recheck_id", fmt.Sprintf("problem %d has no re-check %d", u.ProblemID, *u.RecheckID)}
			}
		}
		var shas [3]string
		for i, b := range [][]byte{proc.Original, proc.Public, proc.Thumb} {
			sha, fresh, err := store.Put(ctx, b)
			if err != nil {
				return err
			}
			if fresh {
				created = append(created, sha)
			}
			shas[i] = sha
		}
		var lon, lat *float64
		if proc.GPS != nil {
			lon, lat = &proc.GPS.Lon, &proc.GPS.Lat
		}
		row := tx.QueryRow(ctx, `INSERT INTO photos (problem_id, kind, recheck_id, original_sha, public_sha, thumb_sha,
				media_type, width, height, bytes, gps_lon, gps_lat, note, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+photoCols,
			u.ProblemID, u.Kind, u.RecheckID, shas[0], shas[1], shas[2], proc.MediaType, proc.Width, proc.Height,
			len(proc.Original), lon, lat, u.Note, u.Actor)
		var err error
		out, err = scanPhoto(row)
		if err != nil {
			return fmt.Errorf("store photo row: %w", err)
		}
		return audit.Record(audit.OrActor(ctx, u.Actor), tx, "photo.upload", fmt.Sprintf("photo:%d", out.ID), nil, out)
	})
	if err != nil {
		// Undo the files this upload created; blobs that were there before
		// belong to other rows.
		for _, sha := range created {
			if rerr := store.Remove(context.WithoutCancel(ctx), sha); rerr != nil {
				slog.Warn("photo: could not remove an uncommitted file", "sha", sha, "err", rerr)
			}
		}
		return Photo{}, err
	}
	return out, nil
}

// ErrProblemNotFound: the upload names no stored problem.
var ErrProblemNotFound = errors.New("problem not found")

// ErrOutOfScope: the problem lies outside where the token's holder answers.
var ErrOutOfScope = errors.New("the problem is outside the places and cases this token answers for")

// checkScope finds problem id and checks it against pr's scope, in SQL.
func checkScope(ctx context.Context, d db.DB, pr auth.Principal, id int64) error {
	a := auth.Args{List: []any{id}}
	scope := pr.ProblemScope("p", &a)
	var exists, inScope bool
	err := d.QueryRow(ctx, `SELECT EXISTS (SELECT FROM problems WHERE id = $1),
		EXISTS (SELECT FROM problems p WHERE p.id = $1 AND `+scope+`)`, a.List...).Scan(&exists, &inScope)
	if err != nil {
		return fmt.Errorf("find problem %d: %w", id, err)
	}
	if !exists {
		return ErrProblemNotFound
	}
	if !inScope {
		return ErrOutOfScope
	}
	return nil
}

// multipartOverhead is what a multipart body may add around the file.
const multipartOverhead = 64 << 10

// readUpload reads the multipart body: `file` (the image), `kind`, and
// optionally `recheck_id` and `note`. The body is cut off past the byte
// limit, so a huge upload is refused without being read whole.
func readUpload(c echo.Context, lim Limits) (Upload, error) {
	var u Upload
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != "multipart/form-data" {
		p := httpx.NewProblem(http.StatusUnsupportedMediaType, "send the photo as multipart/form-data with the image in field file")
		p.Errors = []httpx.FieldError{{Field: "Content-Type", Reason: "want multipart/form-data"}}
		return u, p
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, lim.MaxBytes+multipartOverhead)
	c.Request().Body = body
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return u, httpx.Invalid("body", "not a multipart body: "+err.Error())
	}
	var haveFile bool
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return u, partError(err, lim)
		}
		name := part.FormName()
		switch name {
		case "file":
			if haveFile {
				return u, httpx.Invalid("file", "send one file per request")
			}
			haveFile = true
			u.Data, err = io.ReadAll(io.LimitReader(part, lim.MaxBytes+1))
			if err != nil {
				return u, partError(err, lim)
			}
			if int64(len(u.Data)) > lim.MaxBytes {
				return u, tooLarge(lim)
			}
		case "kind", "note", "recheck_id":
			b, err := io.ReadAll(io.LimitReader(part, 2001))
			if err != nil {
				return u, partError(err, lim)
			}
			v := strings.TrimSpace(string(b))
			switch name {
			case "kind":
				u.Kind = v
			case "note":
				u.Note = v
			case "recheck_id":
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil || id <= 0 {
					return u, httpx.Unprocessable(httpx.FieldError{Field: "recheck_id", Reason: "a re-check id is a positive number"})
				}
				u.RecheckID = &id
			}
		default:
			return u, httpx.Invalid(name, "unknown field; the fields are file, kind, note and recheck_id")
		}
		part.Close()
	}
	if !haveFile {
		return u, httpx.Unprocessable(httpx.FieldError{Field: "file", Reason: "is required: the image (JPEG, PNG or WebP)"})
	}
	if u.Kind == "" {
		return u, httpx.Unprocessable(httpx.FieldError{Field: "kind", Reason: "is required: one of " + strings.Join(Kinds, ", ")})
	}
	return u, nil
}

func partError(err error, lim Limits) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(lim)
	}
	return httpx.Invalid("body", "malformed multipart body: "+err.Error())
}

func tooLarge(lim Limits) error {
	p := httpx.NewProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the photo is larger than %d bytes", lim.MaxBytes))
	p.Errors = []httpx.FieldError{{Field: "file", Reason: fmt.Sprintf("larger than %d bytes", lim.MaxBytes)}}
	return p
}

func rejectProblem(err error) error {
	var re *RejectError
	if errors.As(err, &re) {
		p := httpx.NewProblem(re.Status, re.Field+": "+re.Reason)
		if re.Status == http.StatusUnprocessableEntity {
			p = httpx.Unprocessable(httpx.FieldError{Field: re.Field, Reason: re.Reason})
		}
		p.Errors = []httpx.FieldError{{Field: re.Field, Reason: re.Reason}}
		return p
	}
	return err
}
