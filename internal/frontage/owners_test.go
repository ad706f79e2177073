package frontage_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestAContactBecomesTheUnitsOwnerFromTheImportOn(t *testing.T) {
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	start := time.Now()
	res := mustImportCSV(t, d, "name,contact,phone,lon,lat,licence\n"+
		"老王烧烤,王建国,13812345678,116.010,"+lat+",L-1\n"+
		"老王烧烤二店,王建国,13812345678,116.011,"+lat+",L-2\n"+ // the same person: one person, two duties
		"王建国修车,王建国,18600001111,116.012,"+lat+",L-3\n"+ // another 王建国
		"空置门面,,,116.013,"+lat+",L-4\n") // no contact: no owner
	if res.OwnersCreated != 3 || res.PeopleCreated != 2 || res.OwnersEnded != 0 {
		t.Fatalf("result %+v, want 3 owners, 2 people", res)
	}
	rows, err := d.Pool.Query(context.Background(), `
		SELECT f.licence, p.name, p.phone, p.title, d.target_kind, lower(d.valid), upper_inf(d.valid), d.valid @> now()
		FROM duties d JOIN people p ON p.id = d.person_id JOIN frontages f ON f.id = d.frontage_id
		WHERE d.role = 'frontage_owner' ORDER BY f.licence`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var licence, name, phone, title, kind string
		var from time.Time
		var open, current bool
		if err := rows.Scan(&licence, &name, &phone, &title, &kind, &from, &open, &current); err != nil {
			t.Fatal(err)
		}
		if title != "门前五包责任人" || kind != "frontage" || !open || !current || from.Before(start.Add(-time.Minute)) {
			t.Errorf("%s: title %q, kind %s, from %v, open-ended %v, current %v", licence, title, kind, from, open, current)
		}
		got = append(got, licence+" "+name+" "+phone)
	}
	want := []string{"L-1 王建国 13812345678", "L-2 王建国 13812345678", "L-3 王建国 18600001111"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("owners %v, want %v", got, want)
	}
}

func TestAnOwnerIsFoundAmongExistingPeopleByNameAndPhone(t *testing.T) {
	d := db(t)
	var id int64
	if err := d.Pool.QueryRow(context.Background(), `INSERT INTO people (name, phone, title) VALUES ('刘洋', '13900001111', '网格员') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	res := mustImportCSV(t, d, fmt.Sprintf("name,contact,phone,lon,lat\n刘记包子铺,刘洋,13900001111,116.01,%.9f\n", north(15)))
	var holder int64
	if err := d.Pool.QueryRow(context.Background(), `SELECT person_id FROM duties`).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	if res.PeopleCreated != 0 || holder != id {
		t.Errorf("people created %d, owner %d; want the existing person %d", res.PeopleCreated, holder, id)
	}
}

func TestANewContactEndsTheCurrentOwnerAndKeepsTheHistory(t *testing.T) {
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	mustImportCSV(t, d, "name,contact,phone,lon,lat,licence\n老王烧烤,王建国,13812345678,116.01,"+lat+",L-1\n")
	// The same person, the phone left out: nothing changes.
	res := mustImportCSV(t, d, "name,contact,lon,lat,licence\n老王烧烤,王建国,116.01,"+lat+",L-1\n")
	if res.OwnersCreated != 0 || res.OwnersEnded != 0 {
		t.Fatalf("same owner without a phone: %+v, want no owner change", res)
	}
	res = mustImportCSV(t, d, "name,contact,phone,lon,lat,licence\n老王烧烤,王小明,13812340000,116.01,"+lat+",L-1\n")
	if res.Updated != 1 || res.OwnersCreated != 1 || res.OwnersEnded != 1 || res.PeopleCreated != 1 {
		t.Fatalf("new contact: %+v, want 1 updated, 1 owner ended, 1 begun", res)
	}
	rows, err := d.Pool.Query(context.Background(), `
		SELECT p.name, d.valid @> now(), upper(d.valid) IS NOT NULL
		FROM duties d JOIN people p ON p.id = d.person_id ORDER BY lower(d.valid)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		var current, ended bool
		if err := rows.Scan(&name, &current, &ended); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s current=%v ended=%v", name, current, ended))
	}
	want := []string{"王建国 current=false ended=true", "王小明 current=true ended=false"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("duties %v, want %v", got, want)
	}
}

func TestAUnitWhoseContactIsRemovedKeepsItsOwner(t *testing.T) {
	d := db(t)
	lat := fmt.Sprintf("%.9f", north(15))
	mustImportCSV(t, d, "name,contact,lon,lat,licence\n老王烧烤,王建国,116.01,"+lat+",L-1\n")
	res := mustImportCSV(t, d, "name,contact,lon,lat,licence\n老王烧烤,,116.01,"+lat+",L-1\n")
	var current int
	if err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM duties WHERE valid @> now()`).Scan(&current); err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.OwnersEnded != 0 || current != 1 {
		t.Errorf("result %+v, %d current duties; want the contact cleared and the owner kept", res, current)
	}
}
