package problem

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Limits on what a report may carry.
const (
	MaxDescription = 2000 // characters
	MaxPhotos      = 10
	clockSkew      = 5 * time.Minute
)

// Handlers serve problems and re-checks.
type Handlers struct {
	Pool     *pgxpool.Pool
	Settings Settings
}

// Register mounts the routes on g (the /api/v1 group).
func (h *Handlers) Register(g *echo.Group, guard *auth.Guard) {
	g.POST("/problems", h.report, guard.Require("supervisor", "dispatcher", "officer"))
	g.GET("/problems", h.list, guard.Optional())
	g.GET("/problems/:id", h.get, guard.Optional())
	// Every role may try; Act checks role, scope, version, then transition.
	g.POST("/problems/:id/actions", h.act, guard.Require(auth.Roles...))
	g.GET("/rechecks", h.rechecks, guard.Optional())
	g.POST("/rechecks/:id", h.recordRecheck, guard.Require("supervisor", "dispatcher", "officer"))
}

type reportBody struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Address     string   `json:"address"`
	Source      string   `json:"source"`
	SourceRef   string   `json:"source_ref"`
	ReportedAt  *string  `json:"reported_at"`
	Lon         *float64 `json:"lon"`
	Lat         *float64 `json:"lat"`
	Location    *struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"location"`
	Reporter *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"reporter"`
	Photos []string `json:"photos"`
}

// validate turns a body into a Report, collecting every mistake.
func (b reportBody) validate(now time.Time) (Report, []httpx.FieldError) {
	var errs []httpx.FieldError
	bad := func(f, r string) { errs = append(errs, httpx.FieldError{Field: f, Reason: r}) }
	r := Report{Category: strings.TrimSpace(b.Category), Description: b.Description, Address: b.Address,
		Source: b.Source, SourceRef: strings.TrimSpace(b.SourceRef), Photos: b.Photos, ReportedAt: now}
	if r.Category == "" {
		bad("category", "is required (a category code, see /api/v1/categories)")
	}
	if !slices.Contains(Sources, r.Source) {
		bad("source", "want one of "+strings.Join(Sources, ", "))
	}
	if n := utf8.RuneCountInString(r.Description); n > MaxDescription {
		bad("description", fmt.Sprintf("%d characters; the limit is %d", n, MaxDescription))
	}
	if utf8.RuneCountInString(r.Address) > 500 {
		bad("address", "longer than 500 characters")
	}
	if len(r.SourceRef) > 100 {
		bad("source_ref", "longer than 100 characters")
	}
	switch {
	case b.Location != nil && (b.Lon != nil || b.Lat != nil):
		bad("location", "give either lon/lat or location, not both")
	case b.Location != nil:
		if b.Location.Type != "Point" || len(b.Location.Coordinates) != 2 {
			bad("location", "want a GeoJSON Point with [lon, lat]")
		} else {
			r.Lon, r.Lat = b.Location.Coordinates[0], b.Location.Coordinates[1]
			checkLonLat(r.Lon, r.Lat, "location", bad)
		}
	case b.Lon == nil || b.Lat == nil:
		if b.Lon == nil {
			bad("lon", "is required (or give location as a GeoJSON Point)")
		}
		if b.Lat == nil {
			bad("lat", "is required (or give location as a GeoJSON Point)")
		}
	default:
		r.Lon, r.Lat = *b.Lon, *b.Lat
		checkLonLat(r.Lon, r.Lat, "", bad)
	}
	if b.ReportedAt != nil {
		t, reason := httpx.ParseTime(*b.ReportedAt)
		switch {
		case reason != "":
			bad("reported_at", reason)
		case t.After(now.Add(clockSkew)):
			bad("reported_at", t.Format(time.RFC3339)+" is in the future")
		default:
			r.ReportedAt = t
		}
	}
	if b.Reporter != nil {
		r.ReporterName, r.ReporterPhone = strings.TrimSpace(b.Reporter.Name), strings.TrimSpace(b.Reporter.Phone)
		if len(r.ReporterName) > 100 || len(r.ReporterPhone) > 40 {
			bad("reporter", "name up to 100 and phone up to 40 characters")
		}
	}
	if len(r.Photos) > MaxPhotos {
		bad("photos", fmt.Sprintf("%d photos; the limit is %d", len(r.Photos), MaxPhotos))
	}
	for i, p := range r.Photos {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(p) > 500 {
			bad(fmt.Sprintf("photos[%d]", i), "want an http(s) URL of up to 500 characters")
		}
	}
	return r, errs
}

func checkLonLat(lon, lat float64, field string, bad func(string, string)) {
	lonField, latField := "lon", "lat"
	if field != "" {
		lonField, latField = field, field
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		bad(lonField, fmt.Sprintf("longitude %g is outside [-180, 180]", lon))
	}
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		reason := fmt.Sprintf("latitude %g is outside [-90, 90]", lat)
		if lat >= -180 && lat <= 180 && lon >= -90 && lon <= 90 {
			reason += "; are lon and lat swapped?"
		}
		bad(latField, reason)
	}
}

func (h *Handlers) report(c echo.Context) error {
	var b reportBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	r, errs := b.validate(time.Now())
	key := c.Request().Header.Get("Idempotency-Key")
	if len(key) > 200 {
		errs = append(errs, httpx.FieldError{Field: "Idempotency-Key", Reason: "longer than 200 characters"})
	}
	if len(errs) > 0 {
		return httpx.Unprocessable(errs...)
	}
	pr, _ := auth.From(c)
	r.Actor, r.As = pr.Name, pr
	if key != "" {
		r.IdempotencyKey, r.IdempotencyScope, r.IdempotencyHash = key, IdempotencyScope(pr), requestHash(b)
	}
	var p Problem
	var created bool
	// One statement: a deadlock or serialization failure is retried.
	err := db.Retry(c.Request().Context(), func() (err error) {
		p, created, err = Intake(c.Request().Context(), h.Pool, h.Settings, r)
		return err
	})
	if err != nil {
		return problem(err)
	}
	setETag(c, p)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/problems/"+strconv.FormatInt(p.ID, 10))
	}
	return c.JSON(status, p)
}

func (h *Handlers) get(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pr, _ := auth.From(c)
	d, err := GetDetail(c.Request().Context(), h.Pool, id, pr)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no problem " + c.Param("id"))
	}
	if err != nil {
		return err
	}
	setETag(c, d.Problem)
	return c.JSON(http.StatusOK, d)
}

type actionBody struct {
	Action    string  `json:"action"`
	Note      string  `json:"note"`
	Assignee  string  `json:"assignee"`
	DueAt     *string `json:"due_at"`
	MergeInto *int64  `json:"merge_into"`
}

func (h *Handlers) act(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var b actionBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(b.Note); n > MaxNote {
		return httpx.Unprocessable(httpx.FieldError{Field: "note", Reason: fmt.Sprintf("%d characters; the limit is %d", n, MaxNote)})
	}
	pr, _ := auth.From(c)
	a := Action{Name: b.Action, Note: b.Note, Assignee: b.Assignee, MergeInto: b.MergeInto, Version: version, Actor: pr.Name, Role: pr.Role, As: pr}
	if b.DueAt != nil {
		t, reason := httpx.ParseTime(*b.DueAt)
		if reason != "" {
			return httpx.Unprocessable(httpx.FieldError{Field: "due_at", Reason: reason})
		}
		a.DueAt = &t
		// The limit depends on the calendar alone, so checking it before
		// Act tells the client nothing about the problem.
		if b.Action == "extend" {
			if err := checkExtension(c.Request().Context(), h.Pool, t, h.Settings.MaxExtensionDays); err != nil {
				return problem(err)
			}
		}
	}
	p, err := Act(c.Request().Context(), h.Pool, id, a)
	if errors.Is(err, ErrNotFound) {
		return httpx.NotFound("no problem " + c.Param("id"))
	}
	if err != nil {
		return problem(err)
	}
	setETag(c, p)
	return c.JSON(http.StatusOK, p)
}

// ifMatch reads the version the client acts on: If-Match carries the ETag
// ("3", W/"3" or 3). Without it an action is refused with 428.
func ifMatch(c echo.Context) (int, error) {
	raw := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if raw == "" {
		p := httpx.NewProblem(http.StatusPreconditionRequired, "send If-Match with the problem's ETag (its version) so that concurrent changes are not lost")
		p.Errors = []httpx.FieldError{{Field: "If-Match", Reason: "is required"}}
		return 0, p
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(raw, "W/"), `"`))
	if err != nil {
		p := httpx.NewProblem(http.StatusPreconditionFailed, "If-Match "+raw+" is not a version of this problem")
		p.Errors = []httpx.FieldError{{Field: "If-Match", Reason: "not a version"}}
		return 0, p
	}
	return v, nil
}

func setETag(c echo.Context, p Problem) {
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(p.Version)+`"`)
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.Invalid("id", "an id is a positive number")
	}
	return id, nil
}

// problem turns the package's errors into problem responses.
func problem(err error) error {
	var in *InputError
	var pre *PreconditionError
	var tr *TransitionError
	var fb *ForbiddenError
	var cf *ConflictError
	var sc *ScopeError
	var ie *IdempotencyError
	switch {
	case errors.As(err, &sc):
		p := httpx.NewProblem(http.StatusForbidden, sc.Error())
		p.Type = "https://gridkeeper.dev/problems/out-of-scope"
		p.Errors = []httpx.FieldError{{Field: "Authorization", Reason: "outside the token's scope"}}
		return p
	case errors.As(err, new(*NotDueError)):
		p := httpx.NewProblem(http.StatusConflict, err.Error())
		p.Type = "https://gridkeeper.dev/problems/recheck-not-due"
		p.Errors = []httpx.FieldError{{Field: "result", Reason: "the re-check is not due yet"}}
		return p
	case errors.As(err, &ie):
		p := httpx.NewProblem(http.StatusConflict, ie.Error())
		p.Type = "https://gridkeeper.dev/problems/idempotency-key-reused"
		p.Errors = []httpx.FieldError{{Field: "Idempotency-Key", Reason: "already used for a different request"}}
		p.Extra = map[string]any{"original": "/api/v1/problems/" + strconv.FormatInt(ie.Original, 10), "original_id": ie.Original}
		return p
	case errors.As(err, &fb) && fb.Field != "":
		p := httpx.NewProblem(http.StatusForbidden, fb.Error())
		p.Errors = []httpx.FieldError{{Field: fb.Field, Reason: fb.Error()}}
		return p
	case errors.As(err, &in):
		return httpx.Unprocessable(httpx.FieldError{Field: in.Field, Reason: in.Reason})
	case errors.As(err, &pre):
		p := httpx.NewProblem(http.StatusPreconditionFailed, pre.Error())
		p.Errors = []httpx.FieldError{{Field: "If-Match", Reason: "stale version"}}
		p.Extra = map[string]any{"current_version": pre.Current}
		return p
	case errors.As(err, &tr):
		p := httpx.NewProblem(http.StatusConflict, tr.Error())
		p.Type = "https://gridkeeper.dev/problems/transition-not-allowed"
		p.Errors = []httpx.FieldError{{Field: "action", Reason: "not allowed while " + tr.Status}}
		p.Extra = map[string]any{"status": tr.Status, "allowed_actions": tr.Allowed}
		return p
	case errors.As(err, &cf):
		p := httpx.NewProblem(http.StatusConflict, cf.Error())
		p.Type = "https://gridkeeper.dev/problems/conflict"
		p.Errors = []httpx.FieldError{{Field: cf.Field, Reason: cf.Reason}}
		p.Extra = map[string]any{"conflicting_problem": cf.With}
		return p
	case errors.As(err, &fb):
		p := httpx.NewProblem(http.StatusForbidden, fb.Error())
		p.Errors = []httpx.FieldError{{Field: "Authorization", Reason: "role " + fb.Role + " may not " + fb.Action}}
		return p
	}
	return err
}

// requestHash identifies a report's content for idempotency: the decoded
// body marshalled again, so that spacing and member order do not matter.
func requestHash(b reportBody) []byte {
	j, _ := json.Marshal(b)
	h := sha256.Sum256(j)
	return h[:]
}
