package problemgen

// Reading the sample city's files: GeoJSON areas and streets (with
// encoding/json: orb/geojson would pull in a BSON dependency) and the
// optional frontages.csv.

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// feature is the part of a GeoJSON Feature the generator reads.
type feature struct {
	Properties struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		Level    string `json:"level"`
		Parent   string `json:"parent"`
		Class    string `json:"class"`
		District string `json:"district"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func parseFeatures(b []byte) ([]feature, error) {
	var fc struct {
		Features []feature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, err
	}
	return fc.Features, nil
}

func (f *feature) polygons() (orb.MultiPolygon, error) {
	switch f.Geometry.Type {
	case "Polygon":
		var p orb.Polygon
		if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
			return nil, err
		}
		return orb.MultiPolygon{p}, nil
	case "MultiPolygon":
		var mp orb.MultiPolygon
		err := json.Unmarshal(f.Geometry.Coordinates, &mp)
		return mp, err
	}
	return nil, fmt.Errorf("geometry %q is not a polygon", f.Geometry.Type)
}

func (f *feature) lines() ([]orb.LineString, error) {
	switch f.Geometry.Type {
	case "LineString":
		var l orb.LineString
		err := json.Unmarshal(f.Geometry.Coordinates, &l)
		return []orb.LineString{l}, err
	case "MultiLineString":
		var ml []orb.LineString
		err := json.Unmarshal(f.Geometry.Coordinates, &ml)
		return ml, err
	}
	return nil, fmt.Errorf("geometry %q is not a line", f.Geometry.Type)
}

func (c *city) loadStreets(fsys fs.FS) error {
	b, err := fs.ReadFile(fsys, streetsFile)
	if err != nil {
		return fmt.Errorf("read %s: %w", streetsFile, err)
	}
	fc, err := parseFeatures(b)
	if err != nil {
		return fmt.Errorf("parse %s: %w", streetsFile, err)
	}
	distIdx := map[string]int{}
	for i, d := range c.districts {
		distIdx[d.code] = i
	}
	base := map[string]float64{}
	for _, f := range fc {
		name := f.Properties.Name
		if name == "" {
			continue
		}
		lines, err := f.lines()
		if err != nil {
			return fmt.Errorf("%s: street %s: %w", streetsFile, f.Properties.Code, err)
		}
		for _, l := range lines {
			if len(l) < 2 {
				continue
			}
			s := street{name: name, class: f.Properties.Class}
			s.district = distIdx[f.Properties.District]
			s.cum = make([]float64, len(l))
			for i, q := range l {
				s.pts = append(s.pts, c.proj.fwd(q))
				if i > 0 {
					s.cum[i] = s.cum[i-1] + math.Hypot(s.pts[i].x-s.pts[i-1].x, s.pts[i].y-s.pts[i-1].y)
				}
			}
			if s.length() < 1 {
				continue
			}
			s.base = base[name]
			base[name] += s.length()
			c.streets = append(c.streets, s)
		}
	}
	if len(c.streets) == 0 {
		return fmt.Errorf("%s: no streets", streetsFile)
	}
	c.pieces = newLineIndex(c.streets, 150)
	return nil
}

// loadFrontages reads frontages.csv (name, …, lon, lat, …) when fsys has it.
func (c *city) loadFrontages(fsys fs.FS) error {
	f, err := fsys.Open(frontagesFile)
	if errors.Is(err, fs.ErrNotExist) {
		c.fronts = newPointIndex(nil, 50)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", frontagesFile, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s: %w", frontagesFile, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	ni, ok1 := col["name"]
	xi, ok2 := col["lon"]
	yi, ok3 := col["lat"]
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("%s: header lacks name, lon or lat", frontagesFile)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", frontagesFile, err)
		}
		lon, err1 := strconv.ParseFloat(rec[xi], 64)
		lat, err2 := strconv.ParseFloat(rec[yi], 64)
		if err1 != nil || err2 != nil || !c.inside(orb.Point{lon, lat}) {
			continue
		}
		c.frontages = append(c.frontages, frontageUnit{name: rec[ni], at: c.proj.fwd(orb.Point{lon, lat})})
	}
	pts := make([]xy, len(c.frontages))
	for i, u := range c.frontages {
		pts[i] = u.at
	}
	c.fronts = newPointIndex(pts, 50)
	return nil
}
