package citygen

// What the sample frontage units are called and who runs them: names,
// contacts, phone numbers and unified social credit codes (the licences).

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// unitRow is the text of one unit.
type unitRow struct{ name, licence, contact, phone string }

// unitRecord draws a unit's name, licence, contact and phone.
func (g *frontGen) unitRecord(l streetLine, width int) unitRow {
	var r unitRow
	var surname string
	if g.rng.Float64() >= frontNoContact {
		surname = draw(g.rng, surnames)
		r.contact = surname + draw(g.rng, givenNames)
		if g.rng.IntN(3) > 0 {
			r.contact += draw(g.rng, givenNames)
		}
		r.phone = phoneNumber(g.rng)
	}
	district := strings.SplitN(l.code, "-", 2)[0]
	kind := "92" // 个体工商户
	var name string
	switch x := g.rng.Float64(); {
	case x < 0.05: // an institution or a branch along the street
		name, kind = g.institution(l)
	default:
		t := trades[g.rng.IntN(len(trades))]
		if t.company {
			kind = "91"
		}
		name = g.shopPrefix(surname, l) + t.name
	}
	r.name = g.unique(name, l)
	for {
		r.licence = creditCode(g.rng, kind, district)
		if !g.licences[r.licence] {
			g.licences[r.licence] = true
			break
		}
	}
	return r
}

// shopPrefix: an owner's nickname (老王, 王记), a shop word (鑫源, 好又多) or
// the street's stem (东风).
func (g *frontGen) shopPrefix(surname string, l streetLine) string {
	if surname == "" {
		surname = draw(g.rng, surnames[:20])
	}
	switch x := g.rng.Float64(); {
	case x < 0.14:
		return "老" + surname
	case x < 0.22:
		return surname + "记"
	case x < 0.27:
		return "小" + surname
	case x < 0.33:
		if stem := strings.TrimSuffix(strings.TrimSuffix(l.name, "路"), "大道"); stem != l.name && len([]rune(stem)) <= 3 {
			return stem
		}
	}
	return draw(g.rng, shopWords)
}

// institution names a non-shop unit after its street.
func (g *frontGen) institution(l streetLine) (name, kind string) {
	inst := institutions[g.rng.IntN(len(institutions))]
	return strings.ReplaceAll(inst.pattern, "%s", l.name), inst.kind
}

// unique makes a name unique: a chain's second shop is named after its
// street (华联超市（东风路店）), further ones are numbered.
func (g *frontGen) unique(name string, l streetLine) string {
	g.names[name]++
	if g.names[name] == 1 {
		return name
	}
	branch := name + "（" + l.name + "店）"
	g.names[branch]++
	if g.names[branch] == 1 {
		return branch
	}
	return fmt.Sprintf("%s（%s%d店）", name, l.name, g.names[branch])
}

func draw(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// phoneNumber is an 11-digit mobile number of a 13x, 15x or 18x block.
func phoneNumber(rng *rand.Rand) string {
	prefixes := []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
		"150", "151", "152", "153", "155", "156", "157", "158", "159",
		"180", "181", "182", "183", "185", "186", "187", "188", "189"}
	return fmt.Sprintf("%s%08d", draw(rng, prefixes), rng.IntN(100_000_000))
}

// creditCharset is the alphabet of unified social credit codes (GB
// 32100-2015): digits and the capitals but I, O, S, V and Z.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode is an 18-character unified social credit code: registration
// kind (91 enterprise, 92 individual business, 12 public institution), the
// 6-digit administrative code, a 9-character organisation code (its last
// character the GB 11714 check) and the GB 32100 check character.
func creditCode(rng *rand.Rand, kind, district string) string {
	var org strings.Builder
	if kind == "12" {
		org.WriteString(fmt.Sprintf("4%07d", rng.IntN(10_000_000)))
	} else {
		org.WriteString("MA3")
		for range 5 {
			org.WriteByte(creditCharset[rng.IntN(len(creditCharset))])
		}
	}
	body := kind + district + org.String()
	body += orgCheck(org.String())
	return body + creditCheck(body)
}

// orgCheck is the GB 11714 check character of an 8-character organisation
// code body.
func orgCheck(s string) string {
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range s[:8] {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return "X"
	case 11:
		return "0"
	default:
		return strconv.Itoa(c)
	}
}

// creditCheck is the GB 32100 check character of a 17-character code body.
func creditCheck(s string) string {
	sum, w := 0, 1
	for _, c := range s[:17] {
		sum += strings.IndexRune(creditCharset, c) * w
		w = w * 3 % 31
	}
	return string(creditCharset[(31-sum%31)%31])
}
