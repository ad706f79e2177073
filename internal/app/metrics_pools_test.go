package app_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/db"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

// TestMetricsLabelTheRequestAndControlPoolsApart builds the app as serve
// does, with a control pool of its own, and reads both pools' series.
func TestMetricsLabelTheRequestAndControlPoolsApart(t *testing.T) {
	d := dbtest.New(t)
	control, err := db.Open(context.Background(), d.URL, db.PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer control.Close()
	srv := httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true, Control: control}))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`gridkeeper_db_pool_max_connections{pool="request"}`, `gridkeeper_db_pool_max_connections{pool="control"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
