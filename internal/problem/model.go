package problem

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// Assignee is who a problem is dispatched to.
type Assignee struct {
	Kind string `json:"kind"` // person or department
	ID   *int64 `json:"id,omitempty"`
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
	Role string `json:"role,omitempty"` // the duty role that made them the handler
}

// Problem is a problem as the API shows it. Reporter contact leaves the
// server only to staff whose scope covers the problem (Reporter).
type Problem struct {
	ID              int64      `json:"id"`
	Number          string     `json:"number"`
	Category        string     `json:"category"`
	CategoryName    string     `json:"category_name"`
	Description     string     `json:"description"`
	Address         string     `json:"address"`
	Source          string     `json:"source"`
	SourceRef       *string    `json:"source_ref"`
	Photos          []string   `json:"photos"`
	Lon             float64    `json:"lon"`
	Lat             float64    `json:"lat"`
	H3              string     `json:"h3"`
	ReportedAt      time.Time  `json:"reported_at"`
	Status          string     `json:"status"`
	Version         int        `json:"version"`
	Unmapped        bool       `json:"unmapped"`
	Grid            *string    `json:"grid"`
	Community       *string    `json:"community"`
	Subdistrict     *string    `json:"subdistrict"`
	District        *string    `json:"district"`
	Street          *string    `json:"street"`
	StreetDistanceM *float64   `json:"street_distance_m"`
	FrontageID      *int64     `json:"frontage_id"`
	Assignee        *Assignee  `json:"assignee"`
	RegisteredAt    *time.Time `json:"registered_at"`
	DispatchedAt    *time.Time `json:"dispatched_at"`
	DueAt           *time.Time `json:"due_at"`
	TimeLimitHours  *float64   `json:"time_limit_hours"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	Light           *string    `json:"light"` // green, yellow, red while with a handler
	Overdue         bool       `json:"overdue"`
	OnTime          *bool      `json:"on_time"` // closed problems: closed by due_at
	DispatchCount   int        `json:"dispatch_count"`
	ReworkCount     int        `json:"rework_count"`
	ExtensionCount  int        `json:"extension_count"`
	RecursOf        *int64     `json:"recurs_of"`
	ReboundOf       *int64     `json:"rebound_of"`
	DuplicateOf     *int64     `json:"duplicate_of"`
	MergedInto      *int64     `json:"merged_into"`
	AllowedActions  []string   `json:"allowed_actions"`
	// Reporter is the reporter's contact, present only for signed-in staff
	// whose scope covers the problem.
	Reporter *Reporter `json:"reporter,omitempty"`
}

// Reporter is who reported a problem and how to reach them.
type Reporter struct {
	Name  *string `json:"name"`
	Phone *string `json:"phone"`
}

// lightSQL is the deadline light of problem p (see the package comment).
const lightSQL = `CASE WHEN p.status IN ('dispatched', 'in_progress') AND p.due_at IS NOT NULL THEN
		CASE WHEN now() > p.due_at THEN 'red'
		     WHEN work_minutes_between(p.dispatched_at, now()) >= 0.8 * p.time_limit_hours * 60 THEN 'yellow'
		     ELSE 'green' END END`

// overdueSQL says whether problem p is past its deadline with its handler.
const overdueSQL = `(p.status IN ('dispatched', 'in_progress') AND p.due_at < now())`

// problemFrom is the FROM clause every problem read shares.
const problemFrom = `FROM problems p JOIN categories c ON c.code = p.category_code
	LEFT JOIN people pe ON pe.id = p.assignee_person_id
	LEFT JOIN departments dep ON dep.code = p.assignee_department`

// problemCols are the columns scanProblem reads, in order.
const problemCols = `p.id, p.number, p.category_code, c.name, p.description, p.address, p.source, p.source_ref, p.photos,
	ST_X(p.geom), ST_Y(p.geom), p.h3_15, p.reported_at, p.status::text, p.version,
	p.grid_code, p.community_code, p.subdistrict_code, p.district_code, p.street_code, p.street_distance_m, p.frontage_id,
	p.assignee_person_id, pe.name, p.assignee_department, dep.name, p.assignee_role,
	p.registered_at, p.dispatched_at, p.due_at, p.time_limit_hours::float8, p.resolved_at, p.closed_at,
	` + lightSQL + `, ` + overdueSQL + `, CASE WHEN p.status = 'closed' AND p.due_at IS NOT NULL THEN p.closed_at <= p.due_at END,
	p.dispatch_count, p.rework_count, p.extension_count, p.recurs_of, p.rebound_of, p.duplicate_of, p.merged_into`

// contactCols are the two reporter columns scanProblem reads after
// problemCols: the contact where scope (a boolean SQL expression over p)
// holds, NULL elsewhere.
func contactCols(scope string) string {
	return `, CASE WHEN ` + scope + ` THEN p.reporter_name END, CASE WHEN ` + scope + ` THEN p.reporter_phone END`
}

// noContact reads no reporter contact.
const noContact = `, NULL::text, NULL::text`

func scanProblem(row pgx.Row) (Problem, error) {
	var p Problem
	var reporterName, reporterPhone *string
	var h3 int64
	var personID *int64
	var personName, depCode, depName, role *string
	err := row.Scan(&p.ID, &p.Number, &p.Category, &p.CategoryName, &p.Description, &p.Address, &p.Source, &p.SourceRef, &p.Photos,
		&p.Lon, &p.Lat, &h3, &p.ReportedAt, &p.Status, &p.Version,
		&p.Grid, &p.Community, &p.Subdistrict, &p.District, &p.Street, &p.StreetDistanceM, &p.FrontageID,
		&personID, &personName, &depCode, &depName, &role,
		&p.RegisteredAt, &p.DispatchedAt, &p.DueAt, &p.TimeLimitHours, &p.ResolvedAt, &p.ClosedAt,
		&p.Light, &p.Overdue, &p.OnTime,
		&p.DispatchCount, &p.ReworkCount, &p.ExtensionCount, &p.RecursOf, &p.ReboundOf, &p.DuplicateOf, &p.MergedInto,
		&reporterName, &reporterPhone)
	if err != nil {
		return p, err
	}
	if reporterName != nil || reporterPhone != nil {
		p.Reporter = &Reporter{Name: reporterName, Phone: reporterPhone}
	}
	p.H3 = cellString(h3)
	p.Unmapped = p.Grid == nil
	switch {
	case personID != nil:
		p.Assignee = &Assignee{Kind: "person", ID: personID, Name: deref(personName), Role: deref(role)}
	case depCode != nil:
		p.Assignee = &Assignee{Kind: "department", Code: *depCode, Name: deref(depName), Role: deref(role)}
	}
	if p.Photos == nil {
		p.Photos = []string{}
	}
	p.AllowedActions = Allowed(p.Status)
	if p.AllowedActions == nil {
		p.AllowedActions = []string{}
	}
	return p, nil
}

// Event is one entry of a problem's log.
type Event struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	From   *string         `json:"from"`
	To     string          `json:"to"`
	Note   string          `json:"note"`
	Data   json.RawMessage `json:"data"`
}

// Brief names a linked problem.
type Brief struct {
	ID         int64      `json:"id"`
	Number     string     `json:"number"`
	Status     string     `json:"status"`
	ReportedAt time.Time  `json:"reported_at"`
	ClosedAt   *time.Time `json:"closed_at"`
}

// Detail is one problem with everything around it.
type Detail struct {
	Problem
	Chain       json.RawMessage `json:"chain"`
	Events      []Event         `json:"events"`
	Rechecks    []Recheck       `json:"rechecks"`
	Recurrences []Brief         `json:"recurrences"` // the place's chain of recurrences, oldest first, this one included
	Merged      []Brief         `json:"merged"`      // duplicates folded into this one
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
