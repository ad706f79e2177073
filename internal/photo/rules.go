package photo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gridkeeper/gridkeeper/internal/audit"
	"github.com/gridkeeper/gridkeeper/internal/db"
)

// Rule is which photos a category needs.
type Rule struct {
	Category        *string `json:"category"` // nil: the default rule
	AfterRequired   bool    `json:"after_required"`
	RecheckRequired bool    `json:"recheck_required"`
	Default         bool    `json:"default"` // the category follows the default rule
}

// ruleSQL picks the category's own rule, or the default row.
const ruleSQL = `(SELECT after_required, recheck_required, category_code IS NULL AS is_default FROM photo_rules
	WHERE category_code = %s OR category_code IS NULL ORDER BY category_code NULLS LAST LIMIT 1)`

// RuleFor returns the rule that applies to category.
func RuleFor(ctx context.Context, d db.DB, category string) (Rule, error) {
	r := Rule{Category: &category}
	err := d.QueryRow(ctx, `SELECT after_required, recheck_required, is_default FROM `+fmt.Sprintf(ruleSQL, "$1")+` r`, category).
		Scan(&r.AfterRequired, &r.RecheckRequired, &r.Default)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("photo rule of %s: %w", category, err)
	}
	return r, nil
}

// SetRule gives category its own rule.
func SetRule(ctx context.Context, d db.DB, category string, after, recheck bool) error {
	return db.InTx(ctx, d, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO photo_rules (category_code, after_required, recheck_required) VALUES ($1, $2, $3)
			ON CONFLICT (category_code) DO UPDATE SET after_required = EXCLUDED.after_required, recheck_required = EXCLUDED.recheck_required`,
			category, after, recheck)
		if err != nil {
			return fmt.Errorf("set photo rule of %s: %w", category, err)
		}
		return audit.Record(audit.OrActor(ctx, "system"), tx, "photo_rule.set", "photo_rule:"+category, nil,
			map[string]bool{"after_required": after, "recheck_required": recheck})
	})
}

// MissingForResolve says why problem id may not be resolved yet ("" when
// it may): its category asks for an `after` photo and none was uploaded
// since the problem was last sent for rework.
func MissingForResolve(ctx context.Context, d db.DB, problemID int64) (string, error) {
	var missing bool
	var category string
	err := d.QueryRow(ctx, `SELECT p.category_code, r.after_required AND NOT EXISTS (
			SELECT FROM photos ph WHERE ph.problem_id = p.id AND ph.kind = 'after'
			  AND ph.uploaded_at >= coalesce((SELECT max(e.at) FROM problem_events e
			                                  WHERE e.problem_id = p.id AND e.action = 'rework'), '-infinity'))
		FROM problems p CROSS JOIN LATERAL `+fmt.Sprintf(ruleSQL, "p.category_code")+` r WHERE p.id = $1`, problemID).Scan(&category, &missing)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("photo rule for resolve: %w", err)
	}
	if missing {
		return "category " + category + " requires an after photo before resolve (photo rule after_required): upload one with kind=after to /api/v1/problems/{id}/photos", nil
	}
	return "", nil
}

// MissingForRecheck says why re-check recheckID may not be recorded yet
// ("" when it may): its category asks for a `recheck` photo and none was
// uploaded for this re-check (recheck_id), or without a re-check id since
// the problem was closed or its previous re-check recorded.
func MissingForRecheck(ctx context.Context, d db.DB, recheckID int64) (string, error) {
	var missing bool
	var category string
	err := d.QueryRow(ctx, `SELECT p.category_code, r.recheck_required AND NOT EXISTS (
			SELECT FROM photos ph WHERE ph.problem_id = p.id AND ph.kind = 'recheck'
			  AND (ph.recheck_id = rc.id OR (ph.recheck_id IS NULL AND ph.uploaded_at >= greatest(
			       coalesce(p.closed_at, '-infinity'),
			       coalesce((SELECT max(o.checked_at) FROM rechecks o WHERE o.problem_id = p.id AND o.id <> rc.id), '-infinity')))))
		FROM rechecks rc JOIN problems p ON p.id = rc.problem_id CROSS JOIN LATERAL `+fmt.Sprintf(ruleSQL, "p.category_code")+` r
		WHERE rc.id = $1`, recheckID).Scan(&category, &missing)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("photo rule for re-check: %w", err)
	}
	if missing {
		return "category " + category + " requires a recheck photo for a look-back (photo rule recheck_required): upload one with kind=recheck and recheck_id", nil
	}
	return "", nil
}
