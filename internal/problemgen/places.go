package problemgen

// Where problems happen and how a citizen names the place: samplers for
// each placeMode, busy zones, the nudge towards the street, and the
// address built from the nearest street.

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// zone is a busy neighbourhood (a market, a shopping street, a dense
// estate): background problems cluster around it and many hot places lie
// in one, so that hot spots are areas, not only single points.
type zone struct {
	centre xy
	sigma  float64 // metres
}

// Zone model parameters.
const (
	zoneCount    = 40
	zoneSigmaMin = 100.0
	zoneSigmaMax = 300.0
)

// sampler draws locations; it is built once from the plan's rng and is
// read-only afterwards.
type sampler struct {
	c         *city
	streetCum []float64 // all street segments: length × class × density
	majorCum  []float64 // arterial and secondary segments
	blockCum  []float64 // communities: area × density
	townCum   []float64 // communities in towns (镇): area
	frontCum  []float64 // frontage units: density
	zones     []zone
	zoneCum   []float64
}

var classWeight = map[string]float64{"arterial": 1.6, "secondary": 1.0, "branch": 0.7}

func cumulative(n int, w func(i int) float64) []float64 {
	cum := make([]float64, n)
	t := 0.0
	for i := range n {
		t += math.Max(w(i), 0)
		cum[i] = t
	}
	return cum
}

// pick draws an index with probability proportional to its weight.
func pick(rng *rand.Rand, cum []float64) int {
	if len(cum) == 0 || cum[len(cum)-1] <= 0 {
		return -1
	}
	u := rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, u)
	for i < len(cum)-1 && cum[i] <= u {
		i++
	}
	return min(i, len(cum)-1)
}

func (c *city) densityOf(p xy) float64 {
	cm := c.communityAt(p)
	if cm < 0 {
		return 0.05
	}
	return c.densityAt(cm, p)
}

func newSampler(c *city, rng *rand.Rand) *sampler {
	s := &sampler{c: c}
	s.streetCum = cumulative(len(c.streets), func(i int) float64 {
		st := &c.streets[i]
		mid, _, _ := st.at(st.length() / 2)
		return st.length() * classWeight[st.class] * c.densityOf(mid)
	})
	s.majorCum = cumulative(len(c.streets), func(i int) float64 {
		st := &c.streets[i]
		if st.class == "branch" {
			return 0
		}
		mid, _, _ := st.at(st.length() / 2)
		return classWeight[st.class] * c.densityOf(mid) // per segment: each has junctions at its ends
	})
	s.blockCum = cumulative(len(c.communities), func(i int) float64 { return c.communities[i].area * c.density[i] })
	s.townCum = cumulative(len(c.communities), func(i int) float64 {
		cm := &c.communities[i]
		if !c.subdistricts[cm.subdistrict].town {
			return 0
		}
		return cm.area
	})
	s.frontCum = cumulative(len(c.frontages), func(i int) float64 { return c.densityOf(c.frontages[i].at) })
	for range zoneCount {
		z := zone{sigma: zoneSigmaMin + rng.Float64()*(zoneSigmaMax-zoneSigmaMin)}
		z.centre = s.onStreet(rng, s.streetCum)
		s.zones = append(s.zones, z)
	}
	zw := make([]float64, len(s.zones))
	for i := range zw {
		zw[i] = math.Exp(0.6 * rng.NormFloat64())
	}
	s.zoneCum = cumulative(len(zw), func(i int) float64 { return zw[i] })
	return s
}

// onStreet is a point beside a street segment drawn from cum: uniformly
// along it, 3–25 m to either side of the centre line (pavement, kerb,
// shop fronts).
func (s *sampler) onStreet(rng *rand.Rand, cum []float64) xy {
	st := &s.c.streets[pick(rng, cum)]
	p, _, dir := st.at(rng.Float64() * st.length())
	return offset(rng, p, dir)
}

func offset(rng *rand.Rand, p, dir xy) xy {
	off := math.Min(3+math.Abs(rng.NormFloat64())*7, 25)
	if rng.IntN(2) == 0 {
		off = -off
	}
	return xy{p.x - dir.y*off, p.y + dir.x*off}
}

// atJunction is a point near one end of a major street segment, where it
// meets the next street.
func (s *sampler) atJunction(rng *rand.Rand) xy {
	cum := s.majorCum
	if cum[len(cum)-1] == 0 { // a city of branch streets only
		cum = s.streetCum
	}
	st := &s.c.streets[pick(rng, cum)]
	d := rng.Float64() * math.Min(30, st.length()/2)
	if rng.IntN(2) == 0 {
		d = st.length() - d
	}
	p, _, dir := st.at(d)
	return offset(rng, p, dir)
}

// inBlock is a point inside a community drawn from cum.
func (s *sampler) inBlock(rng *rand.Rand, cum []float64) xy {
	k := pick(rng, cum)
	cm := &s.c.communities[k]
	for range 30 {
		q := orb.Point{
			cm.bound.Min[0] + rng.Float64()*(cm.bound.Max[0]-cm.bound.Min[0]),
			cm.bound.Min[1] + rng.Float64()*(cm.bound.Max[1]-cm.bound.Min[1]),
		}
		p := s.c.proj.fwd(q)
		if s.c.communityAt(p) == k {
			return p
		}
	}
	return cm.centre
}

func (s *sampler) inZone(rng *rand.Rand) xy {
	z := s.zones[pick(rng, s.zoneCum)]
	return xy{z.centre.x + rng.NormFloat64()*z.sigma, z.centre.y + rng.NormFloat64()*z.sigma}
}

func (s *sampler) atFrontage(rng *rand.Rand) xy {
	u := s.c.frontages[pick(rng, s.frontCum)].at
	a := rng.Float64() * 2 * math.Pi
	r := 4 * math.Sqrt(rng.Float64())
	return xy{u.x + r*math.Cos(a), u.y + r*math.Sin(a)}
}

// nudge moves p towards its nearest street until it is at most lo–hi
// metres from it: most problems are reported on or beside a street.
func (s *sampler) nudge(rng *rand.Rand, p xy, lo, hi float64) xy {
	h, ok := s.c.pieces.nearest(p, 3000)
	off := lo + rng.Float64()*(hi-lo)
	if !ok || h.dist <= off {
		return p
	}
	k := off / h.dist
	return xy{h.foot.x + (p.x-h.foot.x)*k, h.foot.y + (p.y-h.foot.y)*k}
}

// background draws the location of a background problem of mode m.
func (s *sampler) background(rng *rand.Rand, m placeMode) xy {
	u := rng.Float64()
	hasFront := len(s.c.frontages) > 0
	switch m {
	case placeFrontage:
		if hasFront && u < 0.6 {
			return s.atFrontage(rng)
		}
	case placeJunction:
		if u < 0.8 {
			return s.atJunction(rng)
		}
	case placeBlock:
		if u < 0.7 {
			p := s.inBlock(rng, s.blockCum)
			if rng.Float64() < 0.5 {
				p = s.nudge(rng, p, 5, 40)
			}
			return p
		}
	case placeRural:
		if u < 0.85 && s.townCum[len(s.townCum)-1] > 0 {
			return s.nudge(rng, s.inBlock(rng, s.townCum), 3, 60)
		}
	}
	// the common mixture: along streets, in front of shops, in busy
	// zones, and anywhere in a block nudged towards its street
	u = rng.Float64()
	switch {
	case u < 0.15:
		if hasFront {
			return s.atFrontage(rng)
		}
	case u < 0.30:
		return s.nudge(rng, s.inZone(rng), 3, 20)
	case u < 0.48:
		p := s.inBlock(rng, s.blockCum)
		if rng.Float64() < 0.7 {
			p = s.nudge(rng, p, 3, 30)
		}
		return p
	}
	return s.onStreet(rng, s.streetCum)
}

// hotCentre draws the centre of a hot place of mode m: half of the
// street-side ones lie in a busy zone.
func (s *sampler) hotCentre(rng *rand.Rand, m placeMode) xy {
	if (m == placeStreet || m == placeFrontage || m == placeBlock) && rng.Float64() < 0.5 {
		return s.nudge(rng, s.inZone(rng), 3, 15)
	}
	p := s.background(rng, m)
	if m != placeBlock {
		p = s.nudge(rng, p, 3, 15)
	}
	return p
}

// appendAddress writes a Chinese address for p: the district, then the
// nearest street with a house number (odd on its left, even on its right,
// about 20 m apart), sometimes with the subdistrict or community, the
// shop in front of which it is, or the cross street.
func (s *sampler) appendAddress(b []byte, rng *rand.Rand, p xy, street *string) []byte {
	c := s.c
	cm := c.communityAt(p)
	h, ok := c.pieces.nearest(p, 5000)
	var dist, sub, comm string
	if cm >= 0 {
		k := &c.communities[cm]
		comm = k.name
		sd := &c.subdistricts[k.subdistrict]
		sub = sd.name
		dist = c.districts[sd.district].name
	}
	if rng.Float64() < 0.1 {
		b = append(b, "德州市"...)
	}
	if !ok {
		*street = comm
		b = append(b, dist...)
		b = append(b, sub...)
		b = append(b, comm...)
		return append(b, "附近"...)
	}
	pc := &c.pieces.pieces[h.piece]
	st := &c.streets[pc.street]
	*street = st.name
	if dist == "" {
		dist = c.districts[st.district].name
	}
	b = append(b, dist...)
	if h.dist > 120 && comm != "" {
		b = append(b, sub...)
		b = append(b, comm...)
		if strings.HasSuffix(comm, "村") && rng.IntN(2) == 0 {
			return append(b, "内"...)
		}
		return append(b, "附近"...)
	}
	along := st.base + st.cum[pc.index] + h.t*(st.cum[pc.index+1]-st.cum[pc.index])
	num := 2*(int(along/20)+1) - 1
	if !h.left {
		num++
	}
	u := rng.Float64()
	if u < 0.12 {
		if k, ok := c.pieces.nearestOther(p, c.streets, st.name, 60); ok {
			b = append(b, st.name...)
			b = append(b, "与"...)
			b = append(b, c.streets[c.pieces.pieces[k].street].name...)
			b = append(b, "交叉口"...)
			if rng.IntN(2) == 0 {
				b = append(b, "附近"...)
			}
			return b
		}
	}
	if u < 0.25 {
		if f, ok := c.fronts.nearest(p, 25); ok {
			b = append(b, st.name...)
			b = strconv.AppendInt(b, int64(num), 10)
			b = append(b, "号"...)
			b = append(b, c.frontages[f].name...)
			return append(b, "门前"...)
		}
	}
	switch {
	case u < 0.40 && sub != "":
		b = append(b, sub...)
	case u < 0.50 && comm != "":
		b = append(b, comm...)
	}
	b = append(b, st.name...)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, "号"...)
	if u >= 0.40 && u < 0.50 {
		return b
	}
	return append(b, "附近"...)
}

// appendContent writes the complaint: one of the category's templates with
// the street and a place word filled in; tickets of a hot place sometimes
// say that the problem keeps coming back.
func appendContent(b []byte, rng *rand.Rand, cat *category, street string, hot bool) []byte {
	t := cat.texts[rng.IntN(len(cat.texts))]
	if street == "" {
		street = "附近道路"
	}
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 || i+2 >= len(t) || t[i+2] != '}' {
			b = append(b, t...)
			break
		}
		b = append(b, t[:i]...)
		switch t[i+1] {
		case 's':
			b = append(b, street...)
		case 'p':
			b = append(b, placeWords[rng.IntN(len(placeWords))]...)
		}
		t = t[i+3:]
	}
	if hot && rng.Float64() < 0.3 {
		b = append(b, repeatPhrases[rng.IntN(len(repeatPhrases))]...)
	}
	return b
}
