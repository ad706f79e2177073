package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

const importTestCity = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"320100","name":"示例市","level":"city","parent":null},"geometry":{"type":"Polygon","coordinates":[[[118,32],[119,32],[119,33],[118,33],[118,32]]]}},
{"type":"Feature","properties":{"code":"320102","name":"玄武区","level":"district","parent":"320100"},"geometry":{"type":"Polygon","coordinates":[[[118,32],[118.5,32],[118.5,32.5],[118,32.5],[118,32]]]}}
]}`

func TestImportCommandPrintsASummaryOrEveryRejection(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "city.geojson")
	if err := os.WriteFile(good, []byte(importTestCity), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		args = append([]string{"-database-url", d.URL, "-quiet"}, args...)
		err := importCommand(ctx, args, strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}

	out, _, err := run("", "areas", good)
	if err != nil || out != "areas: 2 read, 2 inserted, 0 updated, 0 unchanged\n" {
		t.Fatalf("first import: %q, %v", out, err)
	}
	out, _, err = run("", "areas", good)
	if err != nil || out != "areas: 2 read, 0 inserted, 0 updated, 2 unchanged\n" {
		t.Fatalf("second import: %q, %v", out, err)
	}

	bad := strings.Replace(importTestCity, `"name":"玄武区",`, "", 1)
	bad = strings.Replace(bad, `[118.5,32.5]`, `[118.5,95]`, 1)
	out, errOut, err := run(bad, "areas", "-")
	if err == nil || !strings.Contains(err.Error(), "standard input: 1 of 2 features rejected, nothing written") {
		t.Errorf("rejected import returned %v", err)
	}
	want := "feature 1 (code 320102): missing name\n" +
		"feature 1 (code 320102): coordinates out of range: coordinates[0][2] latitude 95 is outside [-90, 90]\n"
	if out != "" || errOut != want {
		t.Errorf("rejected import printed stdout %q, stderr:\n%s\nwant stderr:\n%s", out, errOut, want)
	}

	if _, _, err := run("", "parks", good); !errors.Is(err, errUsage) {
		t.Errorf("unknown kind: %v, want a usage error", err)
	}
}
