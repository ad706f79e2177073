package ogc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// The HTML views: small server-rendered pages for people browsing /ogc
// with a web browser. The JSON documents are the same data.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"cell": func(v any) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return v
		}
		b, _ := json.Marshal(v)
		return string(b)
	},
	"esc": url.PathEscape,
}).Parse(`
{{define "head"}}<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{.}} · Gridkeeper OGC API</title>
<link rel="stylesheet" href="/ogc.css"></head>
<body><nav><a href="/ogc?f=html">OGC API</a><a href="/ogc/collections?f=html">collections</a><a href="/ogc/conformance?f=html">conformance</a><a href="/api.html">API docs</a><a href="/">map</a></nav>{{end}}
{{define "links"}}<ul>{{range .}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> <small>({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</small></li>{{end}}</ul>{{end}}
{{define "landing"}}{{template "head" .title}}<h1>{{.title}}</h1><p>{{.description}}</p>{{template "links" .links}}</body></html>{{end}}
{{define "conformance"}}{{template "head" "conformance"}}<h1>Conformance classes</h1><ul>{{range .conformsTo}}<li>{{.}}</li>{{end}}</ul></body></html>{{end}}
{{define "collections"}}{{template "head" "collections"}}<h1>Collections</h1><table><tr><th>id</th><th>title</th><th>description</th></tr>
{{range .collections}}<tr><td><a href="/ogc/collections/{{.id}}?f=html">{{.id}}</a></td><td>{{.title}}</td><td>{{.description}}</td></tr>{{end}}</table></body></html>{{end}}
{{define "collection"}}{{template "head" .title}}<h1>{{.title}}</h1><p>{{.description}}</p><p>extent: {{cell .extent}}</p>{{template "links" .links}}</body></html>{{end}}
{{define "queryables"}}{{template "head" .title}}<h1>Queryables of {{.title}}</h1><table><tr><th>name</th><th>type</th><th>meaning</th></tr>
<tr><td>geometry</td><td>{{.geometry}}</td><td>the feature's geometry</td></tr>
{{range .fields}}<tr><td>{{.Name}}</td><td>{{.Type}}</td><td>{{.Title}}</td></tr>{{end}}</table></body></html>{{end}}
{{define "items"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{len .Rows}} features on this page.</p>
<table><tr><th>id</th>{{range .Columns}}<th>{{.}}</th>{{end}}<th>geometry</th></tr>
{{range .Rows}}<tr><td><a href="/ogc/collections/{{$.ID}}/items/{{esc .Key}}?f=html">{{.Key}}</a></td>{{range .Values}}<td>{{cell .}}</td>{{end}}<td><small>{{.Geom}}</small></td></tr>{{end}}</table>
{{template "links" .Links}}</body></html>{{end}}
{{define "item"}}{{template "items" .}}{{end}}
`))

// htmlRow is a feature laid out for a table.
type htmlRow struct {
	Key    string
	Values []any
	Geom   string
}

type htmlItems struct {
	ID, Title string
	Columns   []string
	Rows      []htmlRow
	Links     []link
}

func itemsPage(_ echo.Context, col *collection, rows []row, links []link) htmlItems {
	p := htmlItems{ID: col.ID, Title: col.Title, Columns: fieldNames(col), Links: links}
	for _, r := range rows {
		var props map[string]any
		_ = json.Unmarshal(r.Props, &props)
		hr := htmlRow{Key: r.Key}
		for _, f := range col.Fields {
			hr.Values = append(hr.Values, props[f.Name])
		}
		g := string(r.Geom)
		if len(g) > 160 {
			g = g[:160] + "…"
		}
		hr.Geom = g
		p.Rows = append(p.Rows, hr)
	}
	return p
}

func renderHTML(c echo.Context, name string, data any) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}
