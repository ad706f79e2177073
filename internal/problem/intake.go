package problem

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/category"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/duty"
	"github.com/gridkeeper/gridkeeper/internal/places"
)

// Sources of reports.
var Sources = []string{"hotline", "patrol", "supervision", "citizen", "inspection", "api"}

// ListSources are the sources a list may filter by: Sources, and open311,
// which only the Open311 endpoint (internal/open311) writes.
var ListSources = append(slices.Clone(Sources), "open311")

// staffSources are registered and dispatched at intake.
var staffSources = []string{"patrol", "supervision", "inspection", "api"}

// Report is a problem as it arrives.
type Report struct {
	Category       string
	Description    string
	Address        string
	Source         string
	SourceRef      string // the source's own ticket number
	IdempotencyKey string
	ReporterName   string
	ReporterPhone  string
	Photos         []string
	Lon, Lat       float64
	ReportedAt     time.Time
	Actor          string // who submitted it (token name)
	ReboundOf      *int64 // set by a rebounded re-check
	// As is the submitting token's holder (zero for the server's own
	// reports, such as a rebound). An external source (auth.ExternalSources)
	// needs a token allowed to write it.
	As auth.Principal
	// IdempotencyScope is whose key IdempotencyKey is (IdempotencyScope());
	// IdempotencyHash the request's content, to tell a retry from a reuse.
	IdempotencyScope string
	IdempotencyHash  []byte
	// quiet: the caller's own audit row covers this intake (a rebound).
	quiet bool
}

// IdempotencyError: the key was used before, by the same client or person,
// for a different request.
type IdempotencyError struct {
	Key      string
	Original int64
}

func (e *IdempotencyError) Error() string {
	return fmt.Sprintf("Idempotency-Key %q was used for another request, which created problem %d; use a new key for a new report", e.Key, e.Original)
}

// IdempotencyScope is whose idempotency keys a token sends: its service
// client's, its person's, or (a token of neither) its own. Keys of one
// scope never meet those of another.
func IdempotencyScope(p auth.Principal) string {
	switch {
	case p.Client != "":
		return "client:" + p.Client
	case p.PersonID != nil:
		return fmt.Sprintf("person:%d", *p.PersonID)
	}
	return fmt.Sprintf("token:%d", p.TokenID)
}

// Settings tune intake.
type Settings struct {
	StreetRadiusM float64
	// MaxExtensionDays: how many working days ahead an extension may set
	// the deadline (0: DefaultMaxExtensionDays).
	MaxExtensionDays int
}

// InputError is a mistake in a report or an action: the field and why.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// Intake validates, maps, resolves, dispatches and stores a report in one
// transaction with its audit row. Retrying a report (same source and
// source_ref, or the same idempotency key in the same scope with the same
// content) returns the problem already stored, with created false; the
// same key with different content is an IdempotencyError.
func Intake(ctx context.Context, pool db.DB, s Settings, r Report) (Problem, bool, error) {
	if r.As.TokenID != 0 && slices.Contains(auth.ExternalSources, r.Source) && r.As.Role != "admin" && !slices.Contains(r.As.Sources, r.Source) {
		return Problem{}, false, &ForbiddenError{Role: r.As.Role, Action: "report", Field: "source",
			Reason: "source " + r.Source + " carries another system's ticket numbers: only tokens allowed to write it (token create --sources " + r.Source + ") may use it"}
	}
	ctx = audit.OrActor(ctx, r.Actor)
	if r.IdempotencyKey != "" && r.IdempotencyScope == "" {
		r.IdempotencyScope = IdempotencyScope(r.As)
	}
	cat, err := category.Get(ctx, pool, r.Category)
	if errors.Is(err, category.ErrNotFound) {
		return Problem{}, false, &InputError{"category", "no category " + r.Category + " (see /api/v1/categories)"}
	}
	if err != nil {
		return Problem{}, false, err
	}
	if !cat.Active {
		return Problem{}, false, &InputError{"category", "category " + r.Category + " is no longer in use"}
	}
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: r.Lat, Lng: r.Lon}, 15)
	if err != nil {
		return Problem{}, false, &InputError{"lat", fmt.Sprintf("no H3 cell for (%g, %g): %v", r.Lon, r.Lat, err)}
	}
	chain, err := duty.Resolve(ctx, pool, r.Lon, r.Lat, cat.Code, r.ReportedAt, s.StreetRadiusM)
	if err != nil {
		return Problem{}, false, err
	}
	m := mapping(chain)
	auto := m.grid != nil && (slices.Contains(staffSources, r.Source) || cat.AutoRegister)
	events := []string{"report"}
	if auto {
		events = append(events, "register", "dispatch")
	}
	var assignee *duty.Link
	if auto {
		assignee = firstHolder(chain)
	}
	var personID *int64
	var depCode *string
	var role *string
	if assignee != nil {
		role = &assignee.Role
		if assignee.Holder.Kind == "person" {
			personID = assignee.Holder.ID
		} else {
			depCode = &assignee.Holder.Code
		}
	}
	chainJSON, _ := json.Marshal(chain.Links)

	var id int64
	var created bool
	err = db.InTx(ctx, pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, intakeSQL,
			cat.Code, r.Description, r.Address, r.Source, nullable(r.SourceRef), nullable(r.IdempotencyKey),
			nullable(r.ReporterName), nullable(r.ReporterPhone), r.Photos, r.Lon, r.Lat, int64(cell), r.ReportedAt,
			m.grid, m.community, m.subdistrict, m.district, m.street, m.streetDistance, m.frontage, chainJSON,
			personID, depCode, role, auto, cat.TimeLimitHours,
			cat.RecurRadiusM, cat.RecurDays, cat.DuplicateRadiusM, places.RadiusDegrees(max(cat.RecurRadiusM, cat.DuplicateRadiusM), r.Lat),
			events, r.Actor, r.ReboundOf, nullable(r.IdempotencyScope), r.IdempotencyHash, tokenID(r.As), r.As.PersonID,
		).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			id, err = existing(ctx, tx, r)
			return err
		}
		if err != nil {
			return fmt.Errorf("store problem: %w", err)
		}
		created = true
		if r.quiet {
			return nil
		}
		p, err := Get(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "problem.report", fmt.Sprintf("problem:%d", id), nil, p)
	})
	if err != nil {
		return Problem{}, false, err
	}
	p, err := GetAs(ctx, pool, id, r.As)
	return p, created, err
}

// intakeSQL inserts the problem and its first events in one statement.
// Conflicts on (source, source_ref) or the idempotency key insert nothing
// and return no row.
const intakeSQL = `
WITH pt AS (
	SELECT ST_SetSRID(ST_MakePoint($10, $11), 4326) AS g
), ins AS (
	INSERT INTO problems (category_code, description, address, source, source_ref, idempotency_key,
		reporter_name, reporter_phone, photos, geom, h3_15, reported_at,
		grid_code, community_code, subdistrict_code, district_code, street_code, street_distance_m, frontage_id, chain_links,
		assignee_person_id, assignee_department, assignee_role, status,
		registered_at, dispatched_at, dispatch_count, time_limit_hours, due_at,
		recurs_of, duplicate_of, rebound_of, number, idempotency_scope, idempotency_hash)
	SELECT $1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::text[], '{}'), pt.g, $12, $13,
		$14, $15, $16, $17, $18, $19, $20, chain_store($21::jsonb),
		$22, $23, $24, CASE WHEN $25 THEN 'dispatched' ELSE 'reported' END::problem_status,
		CASE WHEN $25 THEN now() END, CASE WHEN $25 THEN now() END, CASE WHEN $25 THEN 1 ELSE 0 END,
		$26::float8, CASE WHEN $25 THEN work_add(now(), $26::float8 * 60) END,
		(SELECT q.id FROM problems q
		 WHERE q.category_code = $1 AND q.status = 'closed'
		   AND q.closed_at <= $13 AND q.closed_at > $13 - make_interval(days => $28)
		   AND ST_DWithin(q.geom, pt.g, $30) AND ST_DWithin(q.geom::geography, pt.g::geography, $27)
		 ORDER BY q.closed_at DESC, q.id DESC LIMIT 1),
		(SELECT q.id FROM problems q
		 WHERE q.category_code = $1 AND q.status IN ('reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'parked')
		   AND ST_DWithin(q.geom, pt.g, $30) AND ST_DWithin(q.geom::geography, pt.g::geography, $29)
		 ORDER BY ST_Distance(q.geom::geography, pt.g::geography), q.id LIMIT 1),
		$33, '', $34, $35
	FROM pt
	ON CONFLICT DO NOTHING
	RETURNING id, assignee_person_id, assignee_department, assignee_role
), ev AS (
	INSERT INTO problem_events (problem_id, actor, action, from_status, to_status, data, token_id, person_id)
	SELECT ins.id, $32, e.action,
		CASE e.action WHEN 'report' THEN NULL WHEN 'register' THEN 'reported' ELSE 'registered' END::problem_status,
		CASE e.action WHEN 'report' THEN 'reported' WHEN 'register' THEN 'registered' ELSE 'dispatched' END::problem_status,
		CASE WHEN e.action = 'dispatch' THEN jsonb_build_object('assignee_person_id', ins.assignee_person_id,
			'assignee_department', ins.assignee_department, 'role', ins.assignee_role, 'auto', true) ELSE '{}' END,
		$36, $37
	FROM ins, unnest($31::text[]) WITH ORDINALITY AS e(action, n)
	ORDER BY e.n
)
SELECT id FROM ins`

// existing finds the problem a retried report already created: the one
// with its key in its scope (a different content under that key is an
// IdempotencyError), else the one with its source and source_ref (the
// uniqueness the hotline import shares).
func existing(ctx context.Context, q db.DB, r Report) (int64, error) {
	var id int64
	var hash []byte
	var byKey bool
	err := q.QueryRow(ctx, `SELECT id, idempotency_hash, idempotency_key IS NOT DISTINCT FROM $3 AND idempotency_scope IS NOT DISTINCT FROM $4
		FROM problems
		WHERE (source = $1 AND source_ref = $2) OR (idempotency_scope = $4 AND idempotency_key = $3)
		ORDER BY (idempotency_scope = $4 AND idempotency_key = $3) DESC NULLS LAST, id LIMIT 1`,
		r.Source, nullable(r.SourceRef), nullable(r.IdempotencyKey), nullable(r.IdempotencyScope)).Scan(&id, &hash, &byKey)
	if err != nil {
		return 0, fmt.Errorf("find the stored report: %w", err)
	}
	if byKey && r.IdempotencyHash != nil && !bytes.Equal(hash, r.IdempotencyHash) {
		return 0, &IdempotencyError{Key: r.IdempotencyKey, Original: id}
	}
	return id, nil
}

// placeMapping is what the chain says about where the point is.
type placeMapping struct {
	grid, community, subdistrict, district, street *string
	streetDistance                                 *float64
	frontage                                       *int64
}

func mapping(ch duty.Chain) placeMapping {
	var m placeMapping
	for _, l := range ch.Links {
		key := l.Target.Key
		switch {
		case l.Target.Kind == "area" && l.Target.Level == "grid":
			m.grid = &key
		case l.Target.Kind == "area" && l.Target.Level == "community":
			m.community = &key
		case l.Target.Kind == "area" && l.Target.Level == "subdistrict":
			m.subdistrict = &key
		case l.Target.Kind == "area" && l.Target.Level == "district":
			m.district = &key
		case l.Target.Kind == "street":
			m.street, m.streetDistance = &key, l.DistanceM
		case l.Target.Kind == "frontage":
			var id int64
			fmt.Sscan(key, &id)
			m.frontage = &id
		}
	}
	return m
}

// firstHolder is the dispatch rule: the first link of the chain (which
// starts with the category's first-in-line role) that someone holds.
func firstHolder(ch duty.Chain) *duty.Link {
	for i := range ch.Links {
		if ch.Links[i].Holder != nil {
			return &ch.Links[i]
		}
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func cellString(c int64) string { return h3.Cell(c).String() }
