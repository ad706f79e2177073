package frontage

// The checks of one row that need no database: its fields, its position,
// and duplicates within the file.

import (
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Limits of the fields.
const (
	maxWidthM     = 500 // frontages.width_m CHECK
	maxNameLen    = 200 // characters
	maxContactLen = 100 // people.name CHECK
	maxLicenceLen = 64
)

// phonePattern mirrors the CHECK on people.phone.
var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,19}$`)

// streetCodePattern mirrors the CHECK on streets.code.
var streetCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Reasons about a position begin with one of these.
const (
	reasonRange   = "coordinates out of range"
	reasonSwapped = "looks swapped: lon and lat reversed?"
)

// checker checks each row's fields and finds duplicates within the file.
type checker struct {
	word     string         // "line" or "feature", for "line 3 has it too"
	licences map[string]int // licence → index of its first row
	places   map[string]int // name + location of rows without a licence → index
}

func newChecker(lines bool) *checker {
	c := &checker{word: "feature", licences: map[string]int{}, places: map[string]int{}}
	if lines {
		c.word = "line"
	}
	return c
}

// check returns the reasons u (row idx) is rejected for.
func (c *checker) check(idx int, u *unit) []string {
	var reasons []string
	add := func(format string, args ...any) { reasons = append(reasons, fmt.Sprintf(format, args...)) }
	// Text the database cannot store rejects the row; the row is staged
	// with that text dropped so that the set-wise checks still run.
	for _, f := range []struct {
		name string
		v    *string
	}{{"name", &u.name}, {"licence", &u.licence}, {"contact", &u.contact}, {"phone", &u.phone}, {"street", &u.street}} {
		if r := httpx.TextReason(*f.v); r != "" {
			add("%s %s", f.name, r)
			*f.v = httpx.Storable(*f.v)
		}
	}
	if field, r := httpx.UnstorableJSON(u.properties); r != "" {
		add("property %s %s", field, r)
		u.properties = []byte("{}")
	}
	switch {
	case u.name == "":
		add("missing name")
	case utf8.RuneCountInString(u.name) > maxNameLen:
		add("name is longer than %d characters", maxNameLen)
	}
	if utf8.RuneCountInString(u.contact) > maxContactLen {
		add("contact is longer than %d characters", maxContactLen)
	}
	if u.phone != "" && !phonePattern.MatchString(u.phone) {
		add("phone %q is not a phone number (5 to 20 digits, spaces or dashes, an optional leading +)", u.phone)
	}
	if len(u.licence) > maxLicenceLen {
		add("licence is longer than %d characters", maxLicenceLen)
	}
	if u.street != "" && !streetCodePattern.MatchString(u.street) {
		add("street %q is not a street code", u.street)
	}
	if u.width != nil && !(*u.width > 0 && *u.width <= maxWidthM) {
		add("width_m %v is not in (0, %d]", *u.width, maxWidthM)
	}
	switch {
	case u.licence != "":
		if first, dup := c.licences[u.licence]; dup {
			add("duplicate licence %s: %s %d has it too", u.licence, c.word, first)
		} else {
			c.licences[u.licence] = idx
		}
	case u.name != "" && u.wkb != nil:
		key := u.name + "\x00" + hex.EncodeToString(u.wkb)
		if first, dup := c.places[key]; dup {
			add("duplicate unit: %s %d has the same name and location and neither has a licence", c.word, first)
		} else {
			c.places[key] = idx
		}
	}
	return reasons
}

// parseNumber reads a finite number; what names it in the reason.
func parseNumber(what, s string) (float64, string) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("%s %q is not a number", what, s)
	}
	return f, ""
}

// positionReasons checks a longitude and a latitude. When the pair is out
// of range but would be valid the other way round it says so.
func positionReasons(where string, lon, lat float64) []string {
	lonOK, latOK := lon >= -180 && lon <= 180, lat >= -90 && lat <= 90
	if lonOK && latOK {
		return nil
	}
	if lat >= -180 && lat <= 180 && lon >= -90 && lon <= 90 {
		return []string{fmt.Sprintf("%s: %slon %v, lat %v: lat is outside [-90, 90]; %s",
			reasonRange, where, lon, lat, reasonSwapped)}
	}
	var out []string
	if !lonOK {
		out = append(out, fmt.Sprintf("%s: %slon %v is outside [-180, 180]", reasonRange, where, lon))
	}
	if !latOK {
		out = append(out, fmt.Sprintf("%s: %slat %v is outside [-90, 90]", reasonRange, where, lat))
	}
	return out
}

// createStage: the staging table. geom and valid are computed by PostGIS
// as rows arrive, so the ANALYZE after COPY gives the planner true
// statistics; the validation fills street_code and street_m, the write
// target_id (the unit's id) and the owner columns.
const createStage = `
CREATE TEMP TABLE import_frontages (
    idx           int PRIMARY KEY,
    name          text,
    licence       text,
    contact       text,
    phone         text,
    width_m       double precision,
    street_forced text,
    wkb           bytea NOT NULL,
    properties    jsonb NOT NULL,
    geom          geometry GENERATED ALWAYS AS (ST_GeomFromWKB(wkb, 4326)) STORED,
    valid         boolean GENERATED ALWAYS AS (ST_IsValid(ST_GeomFromWKB(wkb, 4326))) STORED,
    street_code   text,
    street_m      double precision,
    target_id     bigint,
    is_new        boolean NOT NULL DEFAULT false,
    current_duty  bigint,
    keeps_owner   boolean NOT NULL DEFAULT false,
    person_id     bigint
) ON COMMIT DROP`

var stageColumns = []string{"idx", "name", "licence", "contact", "phone", "width_m", "street_forced", "wkb", "properties"}

func stageRow(idx int, u *unit) []any {
	var width any
	if u.width != nil {
		width = *u.width
	}
	props := u.properties
	if props == nil {
		props = []byte("{}")
	}
	return []any{idx, null(u.name), null(u.licence), null(u.contact), null(u.phone), width, null(u.street), u.wkb, props}
}

// null is s for COPY, or NULL when empty.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
