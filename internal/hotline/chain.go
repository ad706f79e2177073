package hotline

import (
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Links of the chain of responsibility in duty.Resolve's default order.
var linkOrder = []string{"frontage", "street", "grid", "community", "subdistrict", "district", "department"}

// firstInLine maps a category's first_in_line role to its link (1-based
// in linkOrder).
var firstInLine = map[string]int{"frontage_owner": 1, "street_chief": 2, "grid_officer": 3, "department": 7}

// handlerRoles is the role of whoever holds each link.
var handlerRoles = [7]string{"frontage_owner", "street_chief", "grid_officer", "leader", "leader", "leader", "department"}

// positions numbers the links present in mask (bit k-1 for link k), the
// link first going first, then the others in the default order, from 1
// over the links present (duty.Resolve's rule); 0 for a link absent.
func positions(mask, first int) [7]int {
	var p [7]int
	present := func(k int) bool { return mask&(1<<(k-1)) != 0 }
	n := 0
	if present(first) {
		n++
		p[first-1] = n
	}
	for k := 1; k <= len(linkOrder); k++ {
		if k != first && present(k) {
			n++
			p[k-1] = n
		}
	}
	return p
}

// resolved is what the chain gives a row.
type resolved struct {
	chain       []pgtype.UUID // link ids in chain order
	community   string        // area codes of the links present
	subdistrict string
	district    string
	handler     int // link (1-based) whose holder gets the problem; 0: none (unmapped)
	person      *int64
	department  *string
}

// resolve finds the row's links at its reported time (the spans of its
// frontage unit, street, areas and category) and its handler: the
// first-in-line link when a person holds it, else the first link a
// person holds in the default order, else the category's department —
// for rows inside a grid; the others get no handler.
func resolve(r *row, cat *category, ss spans) resolved {
	var keys [7]string
	if r.frontage != 0 {
		keys[0] = strconv.FormatInt(r.frontage, 10)
	}
	keys[1] = r.street
	switch r.hitLevel {
	case "grid":
		keys[2] = r.hit
		fallthrough
	case "community":
		keys[3] = r.hit[:12]
		fallthrough
	case "subdistrict":
		keys[4] = r.hit[:9]
		fallthrough
	case "district":
		keys[5] = r.hit[:6]
	}
	keys[6] = r.category
	var links [7]*span
	mask := 0
	for k, key := range keys {
		if key == "" {
			continue
		}
		if s := ss.at(linkOrder[k], key, r.reportedAt); s != nil {
			links[k] = s
			mask |= 1 << k
		}
	}
	var out resolved
	pos := positions(mask, cat.firstInLine)
	out.chain = make([]pgtype.UUID, 0, 7)
	for n := 1; n <= 7; n++ {
		for k, p := range pos {
			if p == n {
				out.chain = append(out.chain, links[k].id)
			}
		}
	}
	if links[3] != nil {
		out.community = keys[3]
	}
	if links[4] != nil {
		out.subdistrict = keys[4]
	}
	if links[5] != nil {
		out.district = keys[5]
	}
	if r.grid == "" {
		return out
	}
	held := func(k int) bool { return links[k-1] != nil && links[k-1].person != nil }
	switch f := cat.firstInLine; {
	case f == 7:
		out.handler = 7
	case held(f):
		out.handler = f
	default:
		out.handler = 7
		for k := 1; k <= 6; k++ {
			if held(k) {
				out.handler = k
				break
			}
		}
	}
	if out.handler == 7 {
		if links[6] != nil {
			out.department = links[6].department
		}
	} else {
		out.person = links[out.handler-1].person
	}
	return out
}

// number is the problem's human-readable number, as the problems_number
// trigger makes it: the reporting day in Beijing time and the id.
func number(reported time.Time, id int64) string {
	return reported.In(shanghai).Format("20060102") + "-" + pad7(id)
}

func pad7(id int64) string {
	s := strconv.FormatInt(id, 10)
	for len(s) < 7 {
		s = "0" + s
	}
	return s
}

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// round1 rounds a distance to 0.1 m as PostgreSQL's round(d::numeric, 1)
// does: the double converted with 15 significant digits, then half away
// from zero.
func round1(d float64) float64 {
	x, ok := new(big.Rat).SetString(strconv.FormatFloat(d, 'g', 15, 64))
	if !ok {
		return math.Round(d*10) / 10
	}
	x.Mul(x, big.NewRat(10, 1))
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	n := new(big.Int).Quo(x.Num(), x.Denom()) // floor of a non-negative rational
	v, _ := strconv.ParseFloat(n.String()+"e-1", 64)
	if neg {
		v = -v
	}
	return v
}
