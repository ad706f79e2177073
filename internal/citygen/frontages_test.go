package citygen_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/citygen"
)

func generateFrontages(t *testing.T, seed uint64) ([]byte, citygen.FrontageStats) {
	t.Helper()
	_, streets := committed(t)
	b, stats, err := citygen.GenerateFrontages(bytes.NewReader(streets), citygen.FrontageOptions{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return b, stats
}

func TestSeedOneRegeneratesTheCommittedFrontagesByteForByte(t *testing.T) {
	got, _ := generateFrontages(t, 1)
	want, err := geodata.FS.ReadFile(citygen.FrontagesFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("seed 1 differs from geodata/%s at %s\nregenerate with: go run ./cmd/gridkeeper gen frontages --seed 1 --out geodata",
			citygen.FrontagesFile, firstDiff(got, want))
	}
}

// creditCharset and weights of GB 32100-2015.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func validCreditCode(s string) bool {
	if len(s) != 18 || strings.Trim(s, creditCharset) != "" {
		return false
	}
	sum, w := 0, 1
	for _, c := range s[:17] {
		sum += strings.IndexRune(creditCharset, c) * w
		w = w * 3 % 31
	}
	return creditCharset[(31-sum%31)%31] == s[17]
}

func TestGeneratedFrontagesAreAFewThousandPlausibleUnitsInTheImportFormat(t *testing.T) {
	for _, seed := range []uint64{1, 7} {
		b, stats := generateFrontages(t, seed)
		if len(b) >= 1<<20 {
			t.Errorf("seed %d: %d bytes, want under 1 MB", seed, len(b))
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "name,licence,contact,phone,lon,lat,width_m" {
			t.Fatalf("header %v", rows[0])
		}
		units := rows[1:]
		if len(units) != stats.Units || len(units) < 3000 || len(units) > 5000 {
			t.Errorf("seed %d: %d units (stats %d), want 3,000–5,000", seed, len(units), stats.Units)
		}
		phone := regexp.MustCompile(`^1[358][0-9]{9}$`)
		names, licences := map[string]bool{}, map[string]bool{}
		noContact := 0
		for i, u := range units {
			name, licence, contact, tel, lon, lat, width := u[0], u[1], u[2], u[3], u[4], u[5], u[6]
			x, errX := strconv.ParseFloat(lon, 64)
			y, errY := strconv.ParseFloat(lat, 64)
			w, errW := strconv.Atoi(width)
			switch {
			case name == "" || names[name]:
				t.Errorf("seed %d line %d: name %q empty or repeated", seed, i+2, name)
			case licences[licence] || !validCreditCode(licence) || !strings.HasPrefix(licence[2:], "3714"):
				t.Errorf("seed %d line %d: licence %q repeated or not a Dezhou credit code", seed, i+2, licence)
			case contact == "" && tel != "", contact != "" && !phone.MatchString(tel):
				t.Errorf("seed %d line %d: contact %q, phone %q", seed, i+2, contact, tel)
			case errX != nil || errY != nil || x < 116.2 || x > 116.6 || y < 37.3 || y > 37.6:
				t.Errorf("seed %d line %d: position %s, %s outside the sample city", seed, i+2, lon, lat)
			case errW != nil || w < 10 || w > 30:
				t.Errorf("seed %d line %d: width_m %s", seed, i+2, width)
			}
			names[name], licences[licence] = true, true
			if contact == "" {
				noContact++
			}
		}
		if share := float64(noContact) / float64(len(units)); share < 0.08 || share > 0.12 || noContact != stats.WithoutContact {
			t.Errorf("seed %d: %d units without a contact (%.1f %%), want about 10 %%", seed, noContact, share*100)
		}
	}
}
