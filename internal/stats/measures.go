package stats

import "math"

// Counts are what the statement aggregates for one key and period.
type Counts struct {
	Problems, Closed, ClosedOnTime, OpenOverdue int64
	Handled, Reworked, CameBack                 int64
	Patrol, Public, Other                       int64
	MeanHours, P90Hours                         *float64 // working hours, closed cases
}

// Measures are the published figures of one row (see the package comment
// for each definition). Rates are fractions in [0, 1], rounded to 4
// decimals; null when their denominator is 0.
type Measures struct {
	Problems          int64    `json:"problems"`
	Closed            int64    `json:"closed"`
	ClosedOnTime      int64    `json:"closed_on_time"`
	OpenOverdue       int64    `json:"open_overdue"`
	OnTimeClosureRate *float64 `json:"on_time_closure_rate"`
	MeanHoursToClose  *float64 `json:"mean_hours_to_close"`
	P90HoursToClose   *float64 `json:"p90_hours_to_close"`
	Handled           int64    `json:"handled"`
	Reworked          int64    `json:"reworked"`
	ReworkRate        *float64 `json:"rework_rate"`
	CameBack          int64    `json:"came_back"`
	ReboundRate       *float64 `json:"rebound_rate"`
	FoundByPatrol     int64    `json:"found_by_patrol"`
	ReportedByPublic  int64    `json:"reported_by_public"`
	OtherSource       int64    `json:"other_source"`
	PatrolShare       *float64 `json:"patrol_share"`
	PublicShare       *float64 `json:"public_share"`
	AreaKm2           *float64 `json:"area_km2"`
	StreetKm          *float64 `json:"street_km"`
	ProblemsPerKm2    *float64 `json:"problems_per_km2"`
	ProblemsPerKm     *float64 `json:"problems_per_km_street"`
	PublicPerKm2      *float64 `json:"public_per_km2"`
	PublicPerKm       *float64 `json:"public_per_km_street"`
}

// rates are the unrounded fractions the score is computed from.
type rates struct {
	onTime, rework, rebound, patrol, public  *float64
	perKm2, perKm, publicPerKm2, publicPerKm *float64
}

func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

func per(n int64, d *float64) *float64 {
	if d == nil || *d <= 0 {
		return nil
	}
	v := float64(n) / *d
	return &v
}

func (c Counts) rates(areaKm2, streetKm *float64) rates {
	return rates{
		onTime:       ratio(c.ClosedOnTime, c.Closed+c.OpenOverdue),
		rework:       ratio(c.Reworked, c.Handled),
		rebound:      ratio(c.CameBack, c.Closed),
		patrol:       ratio(c.Patrol, c.Problems),
		public:       ratio(c.Public, c.Problems),
		perKm2:       per(c.Problems, areaKm2),
		perKm:        per(c.Problems, streetKm),
		publicPerKm2: per(c.Public, areaKm2),
		publicPerKm:  per(c.Public, streetKm),
	}
}

// measures rounds for publication.
func (c Counts) measures(areaKm2, streetKm *float64) Measures {
	r := c.rates(areaKm2, streetKm)
	return Measures{
		Problems: c.Problems, Closed: c.Closed, ClosedOnTime: c.ClosedOnTime, OpenOverdue: c.OpenOverdue,
		OnTimeClosureRate: round(r.onTime, 4),
		MeanHoursToClose:  round(c.MeanHours, 2), P90HoursToClose: round(c.P90Hours, 2),
		Handled: c.Handled, Reworked: c.Reworked, ReworkRate: round(r.rework, 4),
		CameBack: c.CameBack, ReboundRate: round(r.rebound, 4),
		FoundByPatrol: c.Patrol, ReportedByPublic: c.Public, OtherSource: c.Other,
		PatrolShare: round(r.patrol, 4), PublicShare: round(r.public, 4),
		AreaKm2: round(areaKm2, 3), StreetKm: round(streetKm, 3),
		ProblemsPerKm2: round(r.perKm2, 3), ProblemsPerKm: round(r.perKm, 3),
		PublicPerKm2: round(r.publicPerKm2, 3), PublicPerKm: round(r.publicPerKm, 3),
	}
}

func round(v *float64, places int) *float64 {
	if v == nil {
		return nil
	}
	p := math.Pow(10, float64(places))
	r := math.Round(*v*p) / p
	return &r
}
