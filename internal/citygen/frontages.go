package citygen

// The sample city's frontage units (门前五包): shops and units along its
// arterial and secondary streets, written in the CSV format that
// frontage.ImportCSV reads. Unlike the city itself this needs no
// database: it is plane geometry in a local metric projection, so one seed
// gives the same bytes everywhere.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// FrontagesFile is the file name of the sample frontage units.
const FrontagesFile = "frontages.csv"

// Placement rules, in metres.
const (
	frontMinOffset = 8  // a unit stands 8–25 m from its street's centre line
	frontMaxOffset = 25 //
	frontMinStep   = 10 // consecutive units 10–30 m apart along the street
	frontMaxStep   = 30 //
	frontEndGap    = 25 // no unit within this distance of a segment's end (the junction)
	frontClearance = 4  // every other street is at least this much farther than the unit's own
	frontSpacing   = 8  // units from different streets keep this far apart
	frontDensity   = 0.36
	frontFloor     = 0.02 // share of a rural street's sides lined with shops
	frontCoreSigma = 3200 // metres: how fast shops thin out away from a district's core
	frontNoContact = 0.10 // share of units without a contact (hence no owner)
)

// FrontageOptions tune GenerateFrontages.
type FrontageOptions struct {
	// Seed drives every random choice: the same seed and streets give the
	// same bytes.
	Seed uint64
}

// FrontageStats counts what GenerateFrontages placed.
type FrontageStats struct {
	Units          int // rows written
	WithoutContact int // units without a contact (no owner)
	Streets        int // street segments with at least one unit
	Candidates     int // positions tried; the rest fell too near a junction, another street or unit
}

// GenerateFrontages places frontage units along the arterial and secondary
// streets of the FeatureCollection read from streets (streets.geojson as
// Generate writes it) and returns them as CSV with the header
// name,licence,contact,phone,lon,lat,width_m.
//
// Shops come in runs along each side of a segment, denser near the
// districts' cores: every unit stands 8–25 m from its street's centre line,
// 10–30 m from its neighbour (its width_m is that spacing, so the zones of
// a run abut), at least 25 m from a segment's end, nearer to its own
// street than to any other by 4 m or more (so that the importer's nearest
// street is the one it was placed along), and 8 m or more from units of
// other streets. Names combine a prefix (老王, 鑫源, 好又多 …) with a trade
// (烧烤, 五金, 超市 …); licences are 18-character unified social credit codes
// of the street's district with valid check characters; about 10 % of the
// units have no contact.
func GenerateFrontages(streets io.Reader, opt FrontageOptions) ([]byte, FrontageStats, error) {
	var stats FrontageStats
	lines, err := readStreetLines(streets)
	if err != nil {
		return nil, stats, err
	}
	g := &frontGen{
		rng:      rand.New(rand.NewPCG(opt.Seed, 0x5eed_f207_7a6e_0001)),
		proj:     newLocalProj(lines),
		streets:  newLineIndex(),
		units:    newPointIndex(),
		names:    map[string]int{},
		licences: map[string]bool{},
	}
	for i := range lines {
		lines[i].xy = g.proj.line(lines[i].lonlat)
		g.streets.add(i, lines[i].xy)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"name", "licence", "contact", "phone", "lon", "lat", "width_m"})
	for i, l := range lines {
		if l.class != "arterial" && l.class != "secondary" {
			continue
		}
		placed := 0
		for _, side := range []float64{1, -1} {
			for _, u := range g.side(lines, i, side) {
				stats.Candidates++
				if !u.ok {
					continue
				}
				lon, lat := g.proj.lonlat(u.at)
				r := g.unitRecord(l, u.width)
				if r.contact == "" {
					stats.WithoutContact++
				}
				w.Write([]string{r.name, r.licence, r.contact, r.phone, coord(lon), coord(lat), strconv.Itoa(u.width)})
				stats.Units++
				placed++
			}
		}
		if placed > 0 {
			stats.Streets++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, stats, fmt.Errorf("write frontages: %w", err)
	}
	return buf.Bytes(), stats, nil
}

func coord(v float64) string { return strconv.FormatFloat(round7(v), 'f', -1, 64) }

// streetLine is one street segment of the input.
type streetLine struct {
	code, name, class string
	lonlat            []pt
	xy                []pt // in the local projection, metres
}

func readStreetLines(r io.Reader) ([]streetLine, error) {
	var doc struct {
		Features []struct {
			Properties struct {
				Code  string `json:"code"`
				Name  string `json:"name"`
				Class string `json:"class"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read streets: %w", err)
	}
	var out []streetLine
	for _, f := range doc.Features {
		var parts [][]pt
		switch f.Geometry.Type {
		case "LineString":
			var l []pt
			if err := json.Unmarshal(f.Geometry.Coordinates, &l); err != nil {
				return nil, fmt.Errorf("street %s: %w", f.Properties.Code, err)
			}
			parts = [][]pt{l}
		case "MultiLineString":
			if err := json.Unmarshal(f.Geometry.Coordinates, &parts); err != nil {
				return nil, fmt.Errorf("street %s: %w", f.Properties.Code, err)
			}
		default:
			return nil, fmt.Errorf("street %s: geometry %s is not a line", f.Properties.Code, f.Geometry.Type)
		}
		for _, p := range parts {
			if len(p) >= 2 {
				out = append(out, streetLine{code: f.Properties.Code, name: f.Properties.Name, class: f.Properties.Class, lonlat: p})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read streets: no street segments")
	}
	return out, nil
}

// localProj is an equirectangular projection about the streets' centre,
// with the ellipsoid's metres per degree there: over the 0.3° of the
// sample city its distances are off by less than 0.5 %.
type localProj struct {
	lon0, lat0, mx, my float64
}

func newLocalProj(lines []streetLine) localProj {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, l := range lines {
		for _, p := range l.lonlat {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
	}
	lat0 := (minY + maxY) / 2
	phi := lat0 * math.Pi / 180
	return localProj{
		lon0: (minX + maxX) / 2, lat0: lat0,
		mx: 111412.84*math.Cos(phi) - 93.5*math.Cos(3*phi),
		my: 111132.954 - 559.822*math.Cos(2*phi) + 1.175*math.Cos(4*phi),
	}
}

func (p localProj) xy(q pt) pt { return pt{(q[0] - p.lon0) * p.mx, (q[1] - p.lat0) * p.my} }

func (p localProj) lonlat(q pt) (float64, float64) { return p.lon0 + q[0]/p.mx, p.lat0 + q[1]/p.my }

func (p localProj) line(l []pt) []pt {
	out := make([]pt, len(l))
	for i, q := range l {
		out[i] = p.xy(q)
	}
	return out
}

// placement is one candidate unit.
type placement struct {
	at    pt
	width int
	ok    bool
}

// frontGen is one generation run.
type frontGen struct {
	rng      *rand.Rand
	proj     localProj
	streets  *lineIndex
	units    *pointIndex
	names    map[string]int // name → times used
	licences map[string]bool
}

func (g *frontGen) uniform(a, b float64) float64 { return a + g.rng.Float64()*(b-a) }

// side places the runs of units along one side (+1 left, -1 right of the
// drawing direction) of street i.
func (g *frontGen) side(lines []streetLine, i int, side float64) []placement {
	l := lines[i].xy
	length := polyLength(l)
	if length < 2*frontEndGap+frontMinStep {
		return nil
	}
	c := math.Min(0.9, frontDensity*g.urbanity(lines[i]))
	var out []placement
	s := frontEndGap + g.uniform(0, 1)*g.gap(c)
	for s < length-frontEndGap {
		runEnd := math.Min(s+g.uniform(60, 240), length-frontEndGap)
		offset := g.uniform(frontMinOffset+1, frontMaxOffset-4)
		var run []placement
		var at []float64 // distance along the street of the run's units that fit
		for s <= runEnd {
			o := math.Max(frontMinOffset, math.Min(frontMaxOffset, offset+g.uniform(-1.5, 1.5)))
			p := placement{at: pointBeside(l, s, side*o)}
			if p.ok = g.fits(i, p.at); p.ok {
				g.units.add(p.at)
				at = append(at, s)
			}
			run = append(run, p)
			s += g.uniform(frontMinStep, frontMaxStep)
		}
		// A unit answers for the street up to its nearer neighbour, so the
		// zones of a run (centred on their units) never overlap.
		k := 0
		for j := range run {
			if !run[j].ok {
				continue
			}
			w := math.Inf(1)
			if k > 0 {
				w = at[k] - at[k-1]
			}
			if k+1 < len(at) {
				w = math.Min(w, at[k+1]-at[k])
			}
			if math.IsInf(w, 1) {
				w = g.uniform(frontMinStep, frontMaxStep)
			}
			run[j].width = int(math.Max(frontMinStep, math.Min(frontMaxStep, math.Floor(w))))
			k++
		}
		out = append(out, run...)
		s += g.gap(c)
	}
	return out
}

// gap is the length of a stretch without shops between two runs, so that
// runs cover about a share c of the side.
func (g *frontGen) gap(c float64) float64 {
	run := g.uniform(60, 240)
	return run * (1 - c) / c * g.uniform(0.5, 1.5)
}

// urbanity is 1 at the core of 德城区 (the city centre), falling off with
// the distance to the nearest district core, never below frontFloor.
func (g *frontGen) urbanity(l streetLine) float64 {
	mid := l.xy[len(l.xy)/2]
	u := frontFloor
	for i, d := range districts {
		weight := 0.6
		if i == 0 {
			weight = 1
		}
		dist := math.Hypot(mid[0]-g.proj.xy(d.core)[0], mid[1]-g.proj.xy(d.core)[1])
		u = math.Max(u, weight*math.Exp(-dist*dist/(frontCoreSigma*frontCoreSigma)))
	}
	return u
}

// fits reports whether a unit at p belongs to street i: its own street
// within the offset range, every other one clearly farther, no unit of
// another street too close.
func (g *frontGen) fits(i int, p pt) bool {
	own := math.Inf(1)
	other := math.Inf(1)
	g.streets.near(p, frontMaxOffset+frontClearance+1, func(j int, d float64) {
		if j == i {
			own = math.Min(own, d)
		} else {
			other = math.Min(other, d)
		}
	})
	if own < frontMinOffset-0.01 || own > frontMaxOffset+0.01 || other < own+frontClearance {
		return false
	}
	return !g.units.any(p, frontSpacing)
}

// pointBeside is the point at distance s along l, moved off perpendicular
// by offset (positive: to the left).
func pointBeside(l []pt, s, offset float64) pt {
	for k := 1; k < len(l); k++ {
		a, b := l[k-1], l[k]
		seg := math.Hypot(b[0]-a[0], b[1]-a[1])
		if s <= seg || k == len(l)-1 {
			t := math.Min(1, s/seg)
			nx, ny := -(b[1]-a[1])/seg, (b[0]-a[0])/seg
			return pt{a[0] + t*(b[0]-a[0]) + offset*nx, a[1] + t*(b[1]-a[1]) + offset*ny}
		}
		s -= seg
	}
	return l[len(l)-1]
}

func polyLength(l []pt) float64 {
	var n float64
	for k := 1; k < len(l); k++ {
		n += math.Hypot(l[k][0]-l[k-1][0], l[k][1]-l[k-1][1])
	}
	return n
}

// segDist is the distance from p to the segment ab.
func segDist(p, a, b pt) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}

// gridCell is the cell size of the spatial indexes, metres.
const gridCell = 50

type cell struct{ x, y int }

func cellOf(p pt) cell {
	return cell{int(math.Floor(p[0] / gridCell)), int(math.Floor(p[1] / gridCell))}
}

// lineIndex finds the street pieces near a point.
type lineIndex struct {
	cells map[cell][]linePiece
}

type linePiece struct {
	line int
	a, b pt
}

func newLineIndex() *lineIndex { return &lineIndex{cells: map[cell][]linePiece{}} }

func (x *lineIndex) add(line int, l []pt) {
	for k := 1; k < len(l); k++ {
		a, b := l[k-1], l[k]
		lo, hi := cellOf(pt{math.Min(a[0], b[0]), math.Min(a[1], b[1])}), cellOf(pt{math.Max(a[0], b[0]), math.Max(a[1], b[1])})
		for cx := lo.x; cx <= hi.x; cx++ {
			for cy := lo.y; cy <= hi.y; cy++ {
				c := cell{cx, cy}
				x.cells[c] = append(x.cells[c], linePiece{line, a, b})
			}
		}
	}
}

// near calls fn with the distance from p to every piece within r (and
// perhaps some farther).
func (x *lineIndex) near(p pt, r float64, fn func(line int, d float64)) {
	lo, hi := cellOf(pt{p[0] - r, p[1] - r}), cellOf(pt{p[0] + r, p[1] + r})
	for cx := lo.x; cx <= hi.x; cx++ {
		for cy := lo.y; cy <= hi.y; cy++ {
			for _, s := range x.cells[cell{cx, cy}] {
				fn(s.line, segDist(p, s.a, s.b))
			}
		}
	}
}

// pointIndex finds placed units near a point.
type pointIndex struct{ cells map[cell][]pt }

func newPointIndex() *pointIndex { return &pointIndex{cells: map[cell][]pt{}} }

func (x *pointIndex) add(p pt) { c := cellOf(p); x.cells[c] = append(x.cells[c], p) }

func (x *pointIndex) any(p pt, r float64) bool {
	lo, hi := cellOf(pt{p[0] - r, p[1] - r}), cellOf(pt{p[0] + r, p[1] + r})
	for cx := lo.x; cx <= hi.x; cx++ {
		for cy := lo.y; cy <= hi.y; cy++ {
			for _, q := range x.cells[cell{cx, cy}] {
				if math.Hypot(p[0]-q[0], p[1]-q[1]) < r {
					return true
				}
			}
		}
	}
	return false
}

// unitRow is the text of one unit.
type unitRow struct{ name, licence, contact, phone string }

// unitRecord draws a unit's name, licence, contact and phone.
func (g *frontGen) unitRecord(l streetLine, width int) unitRow {
	var r unitRow
	var surname string
	if g.rng.Float64() >= frontNoContact {
		surname = draw(g.rng, surnames)
		r.contact = surname + draw(g.rng, givenNames)
		if g.rng.IntN(3) > 0 {
			r.contact += draw(g.rng, givenNames)
		}
		r.phone = phoneNumber(g.rng)
	}
	district := strings.SplitN(l.code, "-", 2)[0]
	kind := "92" // 个体工商户
	var name string
	switch x := g.rng.Float64(); {
	case x < 0.05: // an institution or a branch along the street
		name, kind = g.institution(l)
	default:
		t := trades[g.rng.IntN(len(trades))]
		if t.company {
			kind = "91"
		}
		name = g.shopPrefix(surname, l) + t.name
	}
	r.name = g.unique(name, l)
	for {
		r.licence = creditCode(g.rng, kind, district)
		if !g.licences[r.licence] {
			g.licences[r.licence] = true
			break
		}
	}
	return r
}

// shopPrefix: an owner's nickname (老王, 王记), a shop word (鑫源, 好又多) or
// the street's stem (东风).
func (g *frontGen) shopPrefix(surname string, l streetLine) string {
	if surname == "" {
		surname = draw(g.rng, surnames[:20])
	}
	switch x := g.rng.Float64(); {
	case x < 0.14:
		return "老" + surname
	case x < 0.22:
		return surname + "记"
	case x < 0.27:
		return "小" + surname
	case x < 0.33:
		if stem := strings.TrimSuffix(strings.TrimSuffix(l.name, "路"), "大道"); stem != l.name && len([]rune(stem)) <= 3 {
			return stem
		}
	}
	return draw(g.rng, shopWords)
}

// institution names a non-shop unit after its street.
func (g *frontGen) institution(l streetLine) (name, kind string) {
	inst := institutions[g.rng.IntN(len(institutions))]
	return strings.ReplaceAll(inst.pattern, "%s", l.name), inst.kind
}

// unique makes a name unique: a chain's second shop is named after its
// street (华联超市（东风路店）), further ones are numbered.
func (g *frontGen) unique(name string, l streetLine) string {
	g.names[name]++
	if g.names[name] == 1 {
		return name
	}
	branch := name + "（" + l.name + "店）"
	g.names[branch]++
	if g.names[branch] == 1 {
		return branch
	}
	return fmt.Sprintf("%s（%s%d店）", name, l.name, g.names[branch])
}

func draw(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// phoneNumber is an 11-digit mobile number of a 13x, 15x or 18x block.
func phoneNumber(rng *rand.Rand) string {
	prefixes := []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
		"150", "151", "152", "153", "155", "156", "157", "158", "159",
		"180", "181", "182", "183", "185", "186", "187", "188", "189"}
	return fmt.Sprintf("%s%08d", draw(rng, prefixes), rng.IntN(100_000_000))
}

// creditCharset is the alphabet of unified social credit codes (GB
// 32100-2015): digits and the capitals but I, O, S, V and Z.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode is an 18-character unified social credit code: registration
// kind (91 enterprise, 92 individual business, 12 public institution), the
// 6-digit administrative code, a 9-character organisation code (its last
// character the GB 11714 check) and the GB 32100 check character.
func creditCode(rng *rand.Rand, kind, district string) string {
	var org strings.Builder
	if kind == "12" {
		org.WriteString(fmt.Sprintf("4%07d", rng.IntN(10_000_000)))
	} else {
		org.WriteString("MA3")
		for range 5 {
			org.WriteByte(creditCharset[rng.IntN(len(creditCharset))])
		}
	}
	body := kind + district + org.String()
	body += orgCheck(org.String())
	return body + creditCheck(body)
}

// orgCheck is the GB 11714 check character of an 8-character organisation
// code body.
func orgCheck(s string) string {
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range s[:8] {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return "X"
	case 11:
		return "0"
	default:
		return strconv.Itoa(c)
	}
}

// creditCheck is the GB 32100 check character of a 17-character code body.
func creditCheck(s string) string {
	sum, w := 0, 1
	for _, c := range s[:17] {
		sum += strings.IndexRune(creditCharset, c) * w
		w = w * 3 % 31
	}
	return string(creditCharset[(31-sum%31)%31])
}
