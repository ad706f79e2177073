package stats

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Terms are a row's score terms, each in [0, 1]; null when undefined for
// the row (and then left out of its score).
type Terms struct {
	OnTimeClosure    *float64 `json:"on_time_closure"`
	NoRebound        *float64 `json:"no_rebound"`
	NoRework         *float64 `json:"no_rework"`
	PatrolShare      *float64 `json:"patrol_share"`
	LowPublicDensity *float64 `json:"low_public_density"`
}

// RankRow is one row of a ranking.
type RankRow struct {
	Rank          *int     `json:"rank"` // null: no problems this month
	Code          string   `json:"code"`
	Name          *string  `json:"name"`
	Parent        *string  `json:"parent,omitempty"`
	Roles         []string `json:"roles,omitempty"` // level person: the duty roles they were dispatched in
	Score         *float64 `json:"score"`
	PreviousRank  *int     `json:"previous_rank"`
	PreviousScore *float64 `json:"previous_score"`
	RankChange    *int     `json:"rank_change"` // previous_rank − rank: positive means climbed
	ScoreChange   *float64 `json:"score_change"`
	Terms         Terms    `json:"score_terms"`
	Measures
}

// scored is one key's figures in one period, before ranking.
type scored struct {
	row
	rates rates
	terms Terms
	score *float64 // rounded to 2 decimals
	rank  int      // 0: unranked
}

func one(v float64) *float64 { return &v }

func complement(v *float64) *float64 {
	if v == nil {
		return nil
	}
	return one(1 - *v)
}

// density is the public-report density the score normalises: per km² for
// areas, per km for streets, none for people.
func density(level string, r rates) *float64 {
	switch {
	case isArea(level):
		return r.publicPerKm2
	case level == "street":
		return r.publicPerKm
	}
	return nil
}

// rank scores and ranks one period's rows in place (rows with problems
// only; the others stay unranked).
func rank(level string, w Weights, rows []*scored) {
	maxD := 0.0
	for _, s := range rows {
		if s.Problems == 0 {
			continue
		}
		if d := density(level, s.rates); d != nil {
			maxD = math.Max(maxD, *d)
		}
	}
	var ranked []*scored
	for _, s := range rows {
		if s.Problems == 0 {
			continue
		}
		t := Terms{
			OnTimeClosure: s.rates.onTime,
			NoRebound:     complement(s.rates.rebound),
			NoRework:      complement(s.rates.rework),
			PatrolShare:   s.rates.patrol,
		}
		if d := density(level, s.rates); d != nil {
			if maxD == 0 {
				t.LowPublicDensity = one(1)
			} else {
				t.LowPublicDensity = one(1 - *d/maxD)
			}
		}
		var sum, weight float64
		for _, tw := range []struct {
			t *float64
			w float64
		}{{t.OnTimeClosure, w.OnTimeClosure}, {t.NoRebound, w.NoRebound}, {t.NoRework, w.NoRework},
			{t.PatrolShare, w.PatrolShare}, {t.LowPublicDensity, w.LowPublicDensity}} {
			if tw.t != nil && tw.w > 0 {
				sum += tw.w * *tw.t
				weight += tw.w
			}
		}
		s.terms = Terms{round(t.OnTimeClosure, 4), round(t.NoRebound, 4), round(t.NoRework, 4), round(t.PatrolShare, 4), round(t.LowPublicDensity, 4)}
		if weight > 0 {
			s.score = round(one(100*sum/weight), 2)
			ranked = append(ranked, s)
		}
	}
	slices.SortFunc(ranked, func(a, b *scored) int {
		if c := cmp.Compare(*b.score, *a.score); c != 0 {
			return c
		}
		return compareCodes(level, a.Key, b.Key)
	})
	for i, s := range ranked {
		s.rank = i + 1
	}
}

// compareCodes orders codes; people's codes are their numeric ids.
func compareCodes(level, a, b string) int {
	if level == "person" {
		x, errX := strconv.ParseInt(a, 10, 64)
		y, errY := strconv.ParseInt(b, 10, 64)
		if errX == nil && errY == nil {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(a, b)
}

// ranking turns the statement's rows for the month (period 0) and the
// previous month (period 1) into ranked rows: ranked first by rank, then
// the unranked by code. Keys with problems only in the previous month are
// not listed.
func ranking(level string, w Weights, rows []row) []RankRow {
	cur := map[string]*scored{}
	prev := map[string]*scored{}
	var curList, prevList []*scored
	for _, r := range rows {
		s := &scored{row: r, rates: r.Counts.rates(r.AreaKm2, r.StreetKm)}
		if r.Period == 0 {
			cur[r.Key] = s
			curList = append(curList, s)
		} else {
			prev[r.Key] = s
			prevList = append(prevList, s)
		}
	}
	rank(level, w, curList)
	rank(level, w, prevList)
	out := make([]RankRow, 0, len(curList))
	for _, s := range curList {
		rr := RankRow{Code: s.Key, Name: s.Name, Parent: s.Parent, Score: s.score, Terms: s.terms,
			Measures: s.Counts.measures(s.AreaKm2, s.StreetKm)}
		if level == "person" {
			rr.Roles = s.Roles
		}
		if s.rank > 0 {
			r := s.rank
			rr.Rank = &r
			if p := prev[s.Key]; p != nil && p.rank > 0 {
				pr, change := p.rank, p.rank-s.rank
				rr.PreviousRank, rr.PreviousScore, rr.RankChange = &pr, p.score, &change
				rr.ScoreChange = round(one(*s.score-*p.score), 2)
			}
		}
		out = append(out, rr)
	}
	slices.SortStableFunc(out, func(a, b RankRow) int {
		switch {
		case a.Rank != nil && b.Rank != nil:
			return cmp.Compare(*a.Rank, *b.Rank)
		case a.Rank != nil:
			return -1
		case b.Rank != nil:
			return 1
		}
		return compareCodes(level, a.Code, b.Code)
	})
	return out
}
