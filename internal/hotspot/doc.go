// Package hotspot owns the statistics of recurring problems on H3 cells:
// the Getis-Ord Gi* hot spot statistic over each cell's first ring of
// neighbours, the Benjamini-Hochberg false discovery rate, the confidence
// classes GIS tools draw, the Mann-Kendall trend test, and the emerging hot
// spot classes of a space-time cube of weekly bins. It is pure Go over
// cells and numbers; the SQL that counts problems per cell and bin (with
// h3_parent from migrations/008_h3.sql) and the HTTP endpoints live with
// their callers.
//
// # Cells, neighbours and the study area
//
// A Cell is an H3 index as the database stores it (bigint). The neighbours
// of a cell are its H3 grid disk of radius 1 without the cell itself: six
// cells, five around a pentagon. Weights are binary: w_ij = 1 when j is i
// or one of its neighbours and both are in the study area, else 0. The
// statistic needs the study area S, the set of n cells the mean and the
// standard deviation are taken over; a cell of S without data counts as 0.
// By default (StudyArea) S is every cell with data in the window plus the
// first ring around each, zero-filled: the empty cells next to the data
// are what makes a cluster stand out, and padding by one ring keeps every
// cell with data at its full neighbourhood of 7. Cells further out are left
// out; with them the mean would fall towards 0 and every cell with data
// would look hotter the larger the map. A caller that wants a fixed study
// area (every cell covering a district, say) passes it instead.
//
// # Getis-Ord Gi*
//
// As in Getis & Ord (1995) and ArcGIS's Hot Spot Analysis, for cell i:
//
//	        Σ_j w_ij x_j − x̄ Σ_j w_ij
//	Gi* = ───────────────────────────────────────────
//	       S √( (n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1) )
//
//	x̄ = Σ_j x_j / n,   S = √( Σ_j x_j² / n − x̄² )
//
// with the sums over the n cells of the study area. With binary weights
// Σ_j w_ij = Σ_j w_ij² = W_i, the number of cells of {i} ∪ neighbours(i)
// inside the study area (Result.N), and the denominator is
// S √(W_i (n − W_i) / (n − 1)). Gi* is itself a z-score; its p-value is
// two-sided from the standard normal distribution:
//
//	p = 2 (1 − Φ(|z|)) = erfc(|z| / √2)
//
// When S = 0 (every value equal) or W_i = n (the neighbourhood is the whole
// study area) the statistic is 0/0; Z is reported as 0 and P as 1.
// S is computed as √(Σ_j (x_j − x̄)² / n), which is the same number with
// less rounding.
//
// # Confidence classes and the false discovery rate
//
// Without correction (Classify) a cell's class is the sign of z times 3, 2
// or 1 when p ≤ 0.01, 0.05 or 0.10 (hot or cold spot at 99, 95 or 90 %
// confidence), else 0, as ArcGIS's Gi_Bin field.
//
// BH is the Benjamini-Hochberg (1995) step-up procedure over m p-values:
// sort them ascending, p_(1) ≤ … ≤ p_(m), find the largest k with
// p_(k) ≤ (k/m) q, and reject the hypotheses of p_(1) … p_(k). BHAdjust
// gives the adjusted p-values p̃_(k) = min_{j ≥ k} min(1, m p_(j) / j); a
// hypothesis is rejected at level q exactly when its adjusted p-value is
// at most q.
//
// ClassifyFDR does what ArcGIS's "Apply False Discovery Rate (FDR)
// Correction" does: the procedure above runs three times over all m cells
// of the study area, at q = 0.10, 0.05 and 0.01, and a cell's class is the
// sign of its z times the highest confidence (1 for 90 %, 2 for 95 %, 3 for
// 99 %) at which it is rejected, 0 when at none. (ArcGIS's fdrTransform
// builds the cut-offs (k/m)·{0.10, 0.05, 0.01} for the ranked p-values.)
// Cells with p = 1 never count.
//
// # Mann-Kendall
//
// For a series x_1 … x_n (oldest first):
//
//	S      = Σ_{k<j} sign(x_j − x_k)
//	Var(S) = [ n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5) ] / 18
//	Z      = (S − 1)/√Var(S) if S > 0,  0 if S = 0,  (S + 1)/√Var(S) if S < 0
//	p      = 2 (1 − Φ(|Z|))
//	τ      = S / √( (n₀ − n₁) n₀ ),  n₀ = n(n−1)/2,  n₁ = Σ_g t_g(t_g−1)/2
//
// where t_g is the size of the g-th group of equal values (ties, compared
// exactly), Z carries the continuity correction, and τ is Kendall's τ-b
// between the series and time (time has no ties), equal to S/n₀ without
// ties and to what R's Kendall::MannKendall reports. With Var(S) = 0 (a
// flat series, or fewer than two values) Z = 0 and p = 1.
//
// # Emerging hot spots
//
// A space-time cube (Cube) holds one value per study cell per time bin.
// Its Gi* follows ArcGIS's space-time implementation: the neighbourhood of
// bin (i, t) is the cell's first ring, itself included, in bin t and in the
// TimeStep bins before it (ArcGIS's "Neighborhood Time Step", 1 by default:
// this week and last week), weights binary; x̄, S and n are taken over the
// whole cube (ArcGIS's default global window, "Entire cube"), so a week
// that is busy everywhere shows up hot, and the FDR correction, when asked
// for, runs once over all the bins of the cube. The emerging class of each
// cell then comes from its series of bin classes and a Mann-Kendall test on
// its series of Gi* z-scores. A bin is a significant hot (cold) spot when
// its class is at least Rules.MinLevel (at most −MinLevel): 90 % by
// default. A trend is significant when the Mann-Kendall p ≤
// Rules.TrendAlpha, 0.05 by default. (ArcGIS's definitions say only
// "statistically significant"; these two thresholds are our choice, and
// the Rules say them out loud.) ArcGIS Pro defines the classes so (the
// cold spot classes mirror them, with hot and cold, high and low,
// increasing and decreasing swapped):
//
//   - No Pattern Detected: "Does not fall into any of the hot or cold spot
//     patterns defined below."
//   - New Hot Spot: "A location that is a statistically significant hot spot
//     for the final time step and has never been a statistically significant
//     hot spot before."
//   - Consecutive Hot Spot: "A location with a single uninterrupted run of at
//     least two statistically significant hot spot bins in the final
//     time-step intervals. The location has never been a statistically
//     significant hot spot prior to the final hot spot run and less than 90
//     percent of all bins are statistically significant hot spots."
//   - Intensifying Hot Spot: "A location that has been a statistically
//     significant hot spot for 90 percent of the time-step intervals,
//     including the final time step. In addition, the intensity of clustering
//     of high counts in each time step is increasing overall and that
//     increase is statistically significant."
//   - Persistent Hot Spot: "A location that has been a statistically
//     significant hot spot for 90 percent of the time-step intervals with no
//     discernible trend in the intensity of clustering over time."
//   - Diminishing Hot Spot: "A location that has been a statistically
//     significant hot spot for 90 percent of the time-step intervals,
//     including the final time step. In addition, the intensity of clustering
//     in each time step is decreasing overall and that decrease is
//     statistically significant."
//   - Sporadic Hot Spot: "A statistically significant hot spot for the final
//     time-step interval with a history of also being an on-again and
//     off-again hot spot. Less than 90 percent of the time-step intervals
//     have been statistically significant hot spots and none of the
//     time-step intervals have been statistically significant cold spots."
//   - Oscillating Hot Spot: "A statistically significant hot spot for the
//     final time-step interval that has a history of also being a
//     statistically significant cold spot during a prior time step. Less than
//     90 percent of the time-step intervals have been statistically
//     significant hot spots."
//   - Historical Hot Spot: "The most recent time period is not hot, but at
//     least 90 percent of the time-step intervals have been statistically
//     significant hot spots."
//
// Emerging implements them as this decision, with H, C the numbers of
// significant hot and cold bins among n, "90 percent" read as H ≥ 0.9 n
// (10 H ≥ 9 n, in integers), and the final bin as "now":
//
//	final bin hot:
//	  H ≥ 0.9n:  trend significant and increasing → Intensifying
//	             trend significant and decreasing → Diminishing
//	             otherwise                        → Persistent
//	  H < 0.9n:  C > 0                            → Oscillating
//	             H = 1                            → New
//	             the H hot bins are the final run → Consecutive (run ≥ 2)
//	             otherwise                        → Sporadic
//	final bin cold: the same with hot and cold (and the trend's sign) swapped
//	final bin neither:
//	  H ≥ 0.9n → Historical Hot;  C ≥ 0.9n → Historical Cold;  else No Pattern
//
// The definitions overlap in three places, settled so: a location that was
// a significant cold spot before its hot bins is Oscillating, not New or
// Consecutive (the words "never been a hot spot before" fit both, and
// Oscillating is the one that tells its whole history); Persistent needs
// the final bin hot, since a location hot 90 % of the time that is not hot
// now is Historical by that definition's own words; and a location whose
// final bin is a significant cold spot after 90 % of hot bins is an
// Oscillating Cold Spot rather than a Historical Hot Spot: every class but
// Historical is named for what the final bin is, and the final bin decides
// first. The classes are meant for ten or more bins (ArcGIS asks for ten
// time steps); with fewer, "90 percent" means every bin.
package hotspot
