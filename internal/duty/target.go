package duty

import (
	"fmt"
	"strconv"
	"strings"
)

// Target names what a duty is held on, as "kind:key" (area:371402001001001,
// street:371402-0001, frontage:42, category:E01-10).
type Target struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// TargetKinds are the kinds of target.
var TargetKinds = []string{"area", "street", "frontage", "category"}

// Roles are the duty roles.
var Roles = []string{"grid_officer", "street_chief", "frontage_owner", "leader", "department"}

func (t Target) String() string { return t.Kind + ":" + t.Key }

// ParseTarget reads "kind:key"; the reason says what is wrong.
func ParseTarget(s string) (Target, string) {
	kind, key, ok := strings.Cut(s, ":")
	if !ok || key == "" {
		return Target{}, fmt.Sprintf("%q is not kind:key, e.g. area:371402001001001 or street:371402-0001", s)
	}
	switch kind {
	case "area", "street", "category":
	case "frontage":
		if _, err := strconv.ParseInt(key, 10, 64); err != nil {
			return Target{}, fmt.Sprintf("frontage id %q is not a number", key)
		}
	default:
		return Target{}, fmt.Sprintf("target kind %q is not one of area, street, frontage, category", kind)
	}
	return Target{Kind: kind, Key: key}, ""
}

// roleFits says whether role may be held on target kind and by which kind
// of holder ("person" or "department"), mirroring duties_role_target.
func roleFits(role, kind string) (holder string, reason string) {
	allowed := map[string][]string{
		"grid_officer":   {"area"},
		"street_chief":   {"street"},
		"frontage_owner": {"frontage"},
		"leader":         {"area", "category"},
		"department":     {"category", "area"},
	}
	kinds, ok := allowed[role]
	if !ok {
		return "", fmt.Sprintf("%q is not one of %s", role, strings.Join(Roles, ", "))
	}
	for _, k := range kinds {
		if k == kind {
			if role == "department" {
				return "department", ""
			}
			return "person", ""
		}
	}
	return "", fmt.Sprintf("a %s holds a %s, not a %s", role, strings.Join(kinds, " or "), kind)
}
