package hotline

// Links of the chain of responsibility in duty.Resolve's default order;
// a row's links present are a bit mask over this order.
var linkOrder = []string{"frontage", "street", "grid", "community", "subdistrict", "district", "department"}

// firstInLine maps a category's first_in_line role to its link (1-based
// in linkOrder).
var firstInLine = map[string]int{"frontage_owner": 1, "street_chief": 2, "grid_officer": 3, "department": 7}

// layouts are the positions of the links for every mask and first-in-line
// role, as columns for the layout table.
type layouts struct {
	mask []int32
	fil  []string
	pos  [7][]int32 // pos[k][i]: position of link k+1 in layout i; 0 when absent
}

// chainLayouts computes where each link stands: the first-in-line link
// first when present, then the others in the default order, numbered
// from 1 over the links present (duty.Resolve's rule).
func chainLayouts() layouts {
	var l layouts
	for mask := range 1 << len(linkOrder) {
		for _, fil := range []string{"frontage_owner", "street_chief", "grid_officer", "department"} {
			p := positions(mask, firstInLine[fil])
			l.mask = append(l.mask, int32(mask))
			l.fil = append(l.fil, fil)
			for k := range p {
				l.pos[k] = append(l.pos[k], int32(p[k]))
			}
		}
	}
	return l
}

// positions numbers the links present in mask, link first going first.
func positions(mask, first int) [7]int {
	var p [7]int
	present := func(k int) bool { return mask&(1<<(k-1)) != 0 }
	n := 0
	if present(first) {
		n++
		p[first-1] = n
	}
	for k := 1; k <= len(linkOrder); k++ {
		if k != first && present(k) {
			n++
			p[k-1] = n
		}
	}
	return p
}
