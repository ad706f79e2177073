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
	"math/rand/v2"
	"strconv"
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
