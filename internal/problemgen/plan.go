package problemgen

// The plan: the time window, the hot places and how many tickets each day
// gets. It is small (a few numbers per day and per hot place, whatever the
// count) and is made once, before any row is written.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"
)

// Model parameters (see the package documentation).
const (
	hotShare        = 0.25 // share of tickets that come from hot places
	hotRowsPerPlace = 60   // expected tickets per hot place, which sets their number …
	hotPlacesMin    = 8    // … within these bounds
	hotPlacesMax    = 300
	hotRadiusMin    = 10.0 // metres
	hotRadiusMax    = 40.0
	hotRateSigma    = 0.7  // log-normal spread of hot places' rates
	hotWeekSigma    = 0.3  // log-normal week-to-week wobble of a hot place
	dayNoiseSigma   = 0.08 // log-normal day-to-day wobble of the total
	codeShare       = 0.12 // tickets that carry the local code instead of the name
	stuckShare      = 0.14 // tickets that stay open however old (挂账, disputes)
	growthPerPeriod = 0.10 // the volume grows by this much over the window
)

// beijing is China Standard Time; a fixed zone, so no tzdata is needed.
var beijing = time.FixedZone("CST", 8*3600)

// pattern is how a hot place evolves over the window, after the emerging
// hot spot classes an analyst will look for.
type pattern uint8

const (
	persistent   pattern = iota // every week, steady
	emerging                    // starts in the second half and stays (new / consecutive)
	intensifying                // faint at first, stronger and stronger
	diminishing                 // strong at first, fading (a campaign is working)
	sporadic                    // on in about a quarter of the weeks
	oscillating                 // on and off in blocks of 3–6 weeks
	historical                  // only in the first quarter to half of the window
)

var patternNames = [...]string{"persistent", "emerging", "intensifying", "diminishing", "sporadic", "oscillating", "historical"}

func (p pattern) String() string { return patternNames[p] }

// patternMix is the share of hot places with each pattern.
var patternMix = []float64{0.35, 0.12, 0.12, 0.12, 0.12, 0.09, 0.08}

// hotPlace is a spot where one category comes back week after week.
type hotPlace struct {
	cat     int
	centre  xy
	radius  float64
	pattern pattern
	rate    float64
	t0      float64   // emerging: start; diminishing: where it would reach zero; historical: end
	week    []float64 // per week of the window: wobble, 0 in the weeks it is off
}

// trend is the hot place's relative rate at fraction t of the window in
// week w.
func (h *hotPlace) trend(t float64, w int) float64 {
	f := h.week[min(w, len(h.week)-1)]
	switch h.pattern {
	case emerging:
		if t < h.t0 {
			return 0
		}
	case intensifying:
		f *= 0.08 + 1.4*t*t
	case diminishing:
		f *= 1.3 * math.Max(0.03, 1-t/h.t0)
	case historical:
		if t >= h.t0 {
			return 0
		}
	}
	return f
}

type plan struct {
	seed       uint64
	start, end time.Time // midnights, Beijing time
	days       int
	city       *city
	places     *sampler
	hot        []hotPlace
	hotCum     []float64 // hot place categories
	bgScale    float64   // tickets per unit of background weight
	hotScale   float64   // tickets per unit of hot place weight
	rows       []int     // tickets per day
	hourCum    [][2][]float64
}

// window is [until's midnight − months, until's midnight) in Beijing time.
func window(until time.Time, months int) (time.Time, time.Time, int) {
	y, m, d := until.In(beijing).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, beijing)
	start := end.AddDate(0, -months, 0)
	return start, end, int(math.Round(end.Sub(start).Hours() / 24))
}

func newPlan(c *city, opt Options) (*plan, error) {
	p := &plan{seed: opt.Seed, city: c}
	p.start, p.end, p.days = window(opt.Until, opt.Months)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x70_6c_61_6e)) // "plan"
	p.places = newSampler(c, rng)
	p.hotCum = cumulative(len(categories), func(i int) float64 { return categories[i].hot })
	p.hourCum = make([][2][]float64, len(categories))
	for i, cat := range categories {
		var weekend [24]float64
		for h, v := range cat.hours {
			weekend[h] = v
			switch h {
			case 6, 7, 8: // weekends start later
				weekend[h] *= 0.6
			case 10, 11:
				weekend[h] *= 1.15
			}
		}
		p.hourCum[i][0] = cumulative(24, func(h int) float64 { return cat.hours[h] })
		p.hourCum[i][1] = cumulative(24, func(h int) float64 { return weekend[h] })
	}
	if opt.Count > 0 {
		n := int(math.Round(hotShare * float64(opt.Count) / hotRowsPerPlace))
		n = min(max(n, hotPlacesMin), hotPlacesMax)
		if err := p.placeHot(rng, n); err != nil {
			return nil, err
		}
	}
	p.allocate(rng, opt.Count)
	return p, nil
}

func (p *plan) placeHot(rng *rand.Rand, n int) error {
	weeks := (p.days + 6) / 7
	mix := cumulative(len(patternMix), func(i int) float64 { return patternMix[i] })
	for range n {
		h := hotPlace{cat: pick(rng, p.hotCum), pattern: pattern(pick(rng, mix))}
		h.radius = hotRadiusMin + rng.Float64()*(hotRadiusMax-hotRadiusMin)
		h.rate = math.Exp(hotRateSigma * rng.NormFloat64())
		ok := false
		for range 100 {
			h.centre = p.places.hotCentre(rng, categories[h.cat].mode)
			if _, in := p.lonLat(h.centre); in {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("no hot place centre inside the city after 100 tries")
		}
		switch h.pattern {
		case emerging:
			h.t0 = 0.5 + 0.35*rng.Float64()
		case diminishing:
			h.t0 = 0.85 + 0.3*rng.Float64()
		case historical:
			h.t0 = 0.25 + 0.25*rng.Float64()
		}
		period, phase := 3+rng.IntN(4), rng.IntN(8)
		h.week = make([]float64, weeks)
		for w := range h.week {
			h.week[w] = math.Exp(hotWeekSigma * rng.NormFloat64())
			switch {
			case h.pattern == sporadic && rng.Float64() >= 0.25:
				h.week[w] = 0
			case h.pattern == oscillating && ((w+phase)/period)%2 == 1:
				h.week[w] = 0
			}
		}
		p.hot = append(p.hot, h)
	}
	return nil
}

// lonLat is q in WGS84 rounded to the 6 decimals written, and whether that
// rounded point lies in the city.
func (p *plan) lonLat(q xy) (orb.Point, bool) {
	ll := p.city.proj.inv(q)
	ll = orb.Point{math.Round(ll[0]*1e6) / 1e6, math.Round(ll[1]*1e6) / 1e6}
	return ll, p.city.inside(ll)
}

// dayInfo is what the rates of one day depend on.
type dayInfo struct {
	start   time.Time
	t       float64 // middle of the day as a fraction of the window
	week    int     // week of the window
	weekday time.Weekday
	month   float64 // fractional month index: 0 = mid-January
	common  float64 // holidays and growth, for every category
}

func (p *plan) day(d int) dayInfo {
	s := p.start.AddDate(0, 0, d)
	di := dayInfo{start: s, t: (float64(d) + 0.5) / float64(p.days), week: d / 7, weekday: s.Weekday()}
	yd := float64(s.YearDay() - 1)
	di.month = (yd+0.5)/365.25*12 - 0.5
	di.common = holiday(s) * (1 - growthPerPeriod/2 + growthPerPeriod*di.t)
	return di
}

// factor is category c's rhythm on that day: weekday, season, holidays.
func (di *dayInfo) factor(c *category) float64 {
	m := di.month
	if m < 0 {
		m += 12
	}
	i := int(m)
	f := m - float64(i)
	season := c.season[i%12]*(1-f) + c.season[(i+1)%12]*f
	return c.week[di.weekday] * season * di.common
}

// rates fills the day's cumulative category and hot place weights and
// returns their totals.
func (p *plan) rates(di *dayInfo, catCum, hotCum []float64) (bg, hot float64) {
	for i := range categories {
		bg += categories[i].weight * di.factor(&categories[i])
		catCum[i] = bg
	}
	for i := range p.hot {
		h := &p.hot[i]
		hot += h.rate * h.trend(di.t, di.week) * di.factor(&categories[h.cat])
		hotCum[i] = hot
	}
	return bg, hot
}

// allocate shares count tickets among the days in proportion to their
// expected totals (with a little day-to-day wobble) by systematic
// sampling: day d gets ⌊C(d)+u⌋ − ⌊C(d−1)+u⌋ rows, C the cumulative
// expectation and u one uniform offset, so the file has exactly count
// rows and even a tiny count spreads over the whole window.
func (p *plan) allocate(rng *rand.Rand, count int) {
	catCum := make([]float64, len(categories))
	hotCum := make([]float64, len(p.hot))
	bgs := make([]float64, p.days)
	hots := make([]float64, p.days)
	var bgSum, hotSum float64
	for d := range p.days {
		di := p.day(d)
		bgs[d], hots[d] = p.rates(&di, catCum, hotCum)
		bgSum += bgs[d]
		hotSum += hots[d]
	}
	share := hotShare
	if hotSum == 0 {
		share = 0
	}
	if bgSum > 0 {
		p.bgScale = (1 - share) * float64(count) / bgSum
	}
	if hotSum > 0 {
		p.hotScale = share * float64(count) / hotSum
	}
	exp := make([]float64, p.days)
	total := 0.0
	for d := range p.days {
		exp[d] = (p.bgScale*bgs[d] + p.hotScale*hots[d]) * math.Exp(dayNoiseSigma*rng.NormFloat64())
		total += exp[d]
	}
	p.rows = make([]int, p.days)
	if total == 0 || count == 0 {
		return
	}
	u := rng.Float64()
	cum, prev := 0.0, 0
	for d := range p.days {
		cum += exp[d] / total * float64(count)
		next := int(math.Floor(cum + u))
		if d == p.days-1 {
			next = count // rounding: the last day takes what is left
		}
		next = min(next, count)
		p.rows[d] = max(next-prev, 0)
		prev = max(prev, next)
	}
}

// springFestival holds the dates of 春节 (Chinese New Year's Day).
var springFestival = map[int]time.Time{}

func init() {
	for _, s := range []string{"2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10",
		"2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03",
		"2031-01-23", "2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08"} {
		t, err := time.ParseInLocation(time.DateOnly, s, beijing)
		if err != nil {
			panic(err)
		}
		springFestival[t.Year()] = t
	}
}

// holiday damps the week around the Spring Festival (people go home) and
// the National Day golden week.
func holiday(day time.Time) float64 {
	if sf, ok := springFestival[day.Year()]; ok {
		if d := day.Sub(sf).Hours() / 24; d >= -2 && d <= 6 {
			return 0.55
		}
	}
	if day.Month() == time.October && day.Day() <= 7 {
		return 0.85
	}
	return 1
}
