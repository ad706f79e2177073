package open311

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/problem"
)

// Source is the problem source of Open311 requests.
const Source = "open311"

// maxForm bounds a POST body.
const maxForm = 64 << 10

// Created is the answer to POST requests.
type Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
	ServiceNotice    string   `xml:"service_notice" json:"service_notice"`
	AccountID        *string  `xml:"account_id" json:"account_id"`
}

type xmlServiceRequests struct {
	XMLName xml.Name `xml:"service_requests"`
	Items   []any
}

var attrKey = regexp.MustCompile(`^attribute\[([^\]]+)\](\[\])?$`)

// known are the POST parameters the spec defines.
var known = []string{"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
	"email", "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url"}

func (h *Handlers) postRequest(c echo.Context, f format) error {
	ctx := c.Request().Context()
	form, err := readForm(c)
	if err != nil {
		return err
	}
	client, err := h.Clients.Client(ctx, form.Get("api_key"))
	if errors.Is(err, ErrUnknownKey) {
		return forbidden("api_key: missing or invalid api_key (a service client's token); ask the city's administrator for one")
	}
	if err != nil {
		return err
	}
	if err := h.checkJurisdiction(c, form.Get("jurisdiction_id")); err != nil {
		return err
	}
	code := strings.TrimSpace(form.Get("service_code"))
	if code == "" {
		return badRequest("service_code: is required (see services)")
	}
	cat, err := h.service(c, code)
	var fl *Failure
	if errors.As(err, &fl) {
		return badRequest("service_code: " + code + " is not a service here (see services)")
	}
	if err != nil {
		return err
	}
	attrs, err := h.attributes(c, cat.Code)
	if err != nil {
		return err
	}
	var msgs []string
	bad := func(s string) { msgs = append(msgs, s) }
	answers := checkAttributes(form, attrs, bad)
	r := problem.Report{Category: cat.Code, Source: Source, ReportedAt: time.Now(), Actor: "open311:" + client.Name, As: client.As,
		Description: form.Get("description"), Address: strings.TrimSpace(form.Get("address_string"))}
	for _, k := range known {
		if v := form.Get(k); strings.ContainsRune(v, 0) {
			bad(k + ": contains a NUL character")
		}
	}
	limit := func(field string, n int) {
		if utf8.RuneCountInString(form.Get(field)) > n {
			bad(fmt.Sprintf("%s: longer than %d characters", field, n))
		}
	}
	limit("description", problem.MaxDescription)
	limit("address_string", 500)
	limit("email", 200)
	limit("device_id", 200)
	limit("account_id", 200)
	limit("phone", 40)
	limit("first_name", 50)
	limit("last_name", 50)
	if m := strings.TrimSpace(form.Get("media_url")); m != "" {
		u, err := url.Parse(m)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(m) > 500 {
			bad("media_url: want an http(s) URL of up to 500 characters")
		} else {
			r.Photos = []string{m}
		}
	}
	r.ReporterName = strings.TrimSpace(strings.TrimSpace(form.Get("last_name")) + strings.TrimSpace(form.Get("first_name")))
	r.ReporterPhone = strings.TrimSpace(form.Get("phone"))
	if len(msgs) == 0 {
		if err := h.locate(ctx, form, &r, bad); err != nil {
			return err
		}
	}
	if len(msgs) > 0 {
		return badRequest(msgs...)
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	answersJSON, _ := json.Marshal(answers)
	var p problem.Problem
	err = db.InTx(ctx, h.Pool, func(tx pgx.Tx) error {
		var err error
		p, _, err = problem.Intake(ctx, tx, h.Settings, r)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO open311_requests (problem_id, token, client, attributes, email, device_id, account_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, token, client.Name, answersJSON,
			nullable(form.Get("email")), nullable(form.Get("device_id")), nullable(form.Get("account_id")))
		if err != nil {
			return fmt.Errorf("store the Open311 request: %w", err)
		}
		return nil
	})
	var in *problem.InputError
	if errors.As(err, &in) {
		return badRequest(in.Field + ": " + in.Reason)
	}
	if err != nil {
		return err
	}
	out := Created{ServiceRequestID: strconv.FormatInt(p.ID, 10), Token: token, ServiceNotice: notice(p),
		AccountID: nullable(form.Get("account_id"))}
	c.Response().Header().Set(echo.HeaderLocation, "/open311/v2/requests/"+out.ServiceRequestID+"."+string(f))
	if f == formatJSON {
		return writeJSON(c, http.StatusCreated, []Created{out})
	}
	return writeXML(c, http.StatusCreated, xmlServiceRequests{Items: []any{out}})
}

// readForm reads a form-encoded body, as the spec asks for POST requests.
func readForm(c echo.Context) (url.Values, error) {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || (mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data") {
		return nil, badRequest("Content-Type: send the request form-encoded (application/x-www-form-urlencoded)")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxForm)
	if mt == "multipart/form-data" {
		if err := req.ParseMultipartForm(maxForm); err != nil {
			return nil, badRequest("body: cannot read the form: " + err.Error())
		}
		return req.PostForm, nil
	}
	if err := req.ParseForm(); err != nil {
		return nil, badRequest("body: cannot read the form: " + err.Error())
	}
	return req.PostForm, nil
}

// checkAttributes validates attribute[code] answers against the service
// definition: each must be defined, each required one given, each value of
// its datatype (list values among the keys).
func checkAttributes(form url.Values, defs []Attribute, bad func(string)) map[string]any {
	given := map[string][]string{}
	for k, vs := range form {
		m := attrKey.FindStringSubmatch(k)
		if m == nil {
			if strings.HasPrefix(k, "attribute") {
				bad(k + ": write an attribute as attribute[CODE]")
			}
			continue
		}
		given[m[1]] = append(given[m[1]], vs...)
	}
	out := map[string]any{}
	byCode := map[string]Attribute{}
	for _, a := range defs {
		byCode[a.Code] = a
	}
	for code, vs := range given {
		a, ok := byCode[code]
		if !ok {
			bad("attribute[" + code + "]: the service does not define this attribute (see its service definition)")
			continue
		}
		if !a.Variable {
			continue
		}
		keys := make([]string, 0, len(a.Values))
		for _, v := range a.Values {
			keys = append(keys, v.Key)
		}
		field := "attribute[" + code + "]"
		switch a.Datatype {
		case "multivaluelist":
			for _, v := range vs {
				if !slices.Contains(keys, v) {
					bad(fmt.Sprintf("%s: %q is not one of %s", field, v, strings.Join(keys, ", ")))
				}
			}
			out[code] = vs
			continue
		}
		if len(vs) > 1 {
			bad(field + ": give one value")
			continue
		}
		v := strings.TrimSpace(vs[0])
		switch a.Datatype {
		case "number":
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				bad(field + ": want a number")
			}
		case "datetime":
			if _, reason := httpx.ParseTime(v); reason != "" {
				bad(field + ": " + reason)
			}
		case "singlevaluelist":
			if !slices.Contains(keys, v) {
				bad(fmt.Sprintf("%s: %q is not one of %s", field, v, strings.Join(keys, ", ")))
			}
		}
		if utf8.RuneCountInString(v) > 500 {
			bad(field + ": longer than 500 characters")
		}
		out[code] = v
	}
	for _, a := range defs {
		if _, ok := given[a.Code]; a.Required && a.Variable && !ok {
			bad("attribute[" + a.Code + "]: is required by this service (" + a.Description + ")")
		}
	}
	return out
}

// locate sets the report's point from lat/long or, failing those, from
// address_string: the street whose name it contains (the longest such
// name), at the street's middle. Gridkeeper has no address geocoder yet,
// so an address naming no known street is refused.
func (h *Handlers) locate(ctx context.Context, form url.Values, r *problem.Report, bad func(string)) error {
	latS, lonS := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	switch {
	case latS != "" || lonS != "":
		lat, err1 := strconv.ParseFloat(latS, 64)
		lon, err2 := strconv.ParseFloat(lonS, 64)
		if latS == "" || lonS == "" {
			bad("lat, long: give both")
			return nil
		}
		if err1 != nil || math.IsNaN(lat) || lat < -90 || lat > 90 {
			bad("lat: want a latitude in [-90, 90]")
		}
		if err2 != nil || math.IsNaN(lon) || lon < -180 || lon > 180 {
			bad("long: want a longitude in [-180, 180]")
		}
		r.Lat, r.Lon = lat, lon
		return nil
	case r.Address != "":
		err := h.Pool.QueryRow(ctx, `SELECT ST_X(pt), ST_Y(pt) FROM (
				SELECT ST_LineInterpolatePoint(ST_LineMerge(geom), 0.5) AS pt, name FROM streets
				WHERE position(name IN $1) > 0 AND ST_GeometryType(ST_LineMerge(geom)) = 'ST_LineString'
				ORDER BY length(name) DESC, code LIMIT 1) s`, r.Address).Scan(&r.Lon, &r.Lat)
		if errors.Is(err, pgx.ErrNoRows) {
			bad("address_string: no known street in " + strconv.Quote(r.Address) + "; send lat and long")
			return nil
		}
		if err != nil {
			return fmt.Errorf("locate address: %w", err)
		}
		return nil
	case strings.TrimSpace(form.Get("address_id")) != "":
		bad("address_id: this endpoint keeps no address ids; send lat and long or address_string")
		return nil
	}
	bad("lat, long: a location is required (lat and long, or address_string)")
	return nil
}

// notice tells the reporter what happens next.
func notice(p problem.Problem) string {
	switch {
	case p.Unmapped:
		return "已受理，编号 " + p.Number + "。The location is outside the city's grids: a dispatcher will route it."
	case p.DueAt != nil:
		return "已受理并派遣，编号 " + p.Number + "，处理时限至 " + w3c(*p.DueAt) + "。Dispatched; due by expected_datetime."
	}
	return "已受理，编号 " + p.Number + "，待核实后立案。Received; it will be verified on site before it is registered."
}

func newToken() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("request token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func nullable(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}
