package ogc

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// The OpenAPI 3.0 description of /ogc has one owner, this file. It goes
// out two ways:
//
//   - as the fragment internal/apidoc/fragments/ogc.json of Gridkeeper's
//     whole document at /api (full paths, /ogc/collections/{id}/items),
//     written by `go test ./internal/ogc -run Fragment -update`, and a test
//     fails when the committed file differs;
//   - as this API's own document at /ogc/api, with the server at /ogc and
//     paths relative to it (/collections/{id}/items), plus one items path
//     per collection listing its queryables as parameters. GDAL's OAPIF
//     driver (3.6) looks the items parameters up only under
//     /collections/<name>/items or /collections/{collectionId}/items, never
//     under a prefix, so it learns limit's maximum, filter-lang and the
//     queryable parameters from this document; the landing page names it
//     first among its service-desc links.

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

func queryParam(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema, "style": "form", "explode": false}
}

func str() map[string]any { return map[string]any{"type": "string"} }

// parameters are the shared parameters, named Ogc….
func parameters() map[string]any {
	return map[string]any{
		"OgcLimit": queryParam("limit", "Features per page (default 100, at most 10,000).",
			map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
		"OgcBbox": map[string]any{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "minLon,minLat,maxLon,maxLat (CRS84): features that intersect the box.",
			"schema":      map[string]any{"type": "array", "minItems": 4, "maxItems": 4, "items": map[string]any{"type": "number"}}},
		"OgcDatetime":   queryParam("datetime", "An RFC 3339 instant or an interval start/end (open ends '..' or empty); problems: reported_at. Other collections have no time and refuse it.", str()),
		"OgcFilter":     queryParam("filter", "A CQL2 text filter over the collection's queryables (see its /queryables): comparisons, AND/OR/NOT, IS NULL, LIKE, IN, BETWEEN, S_INTERSECTS and the other spatial functions with WKT or BBOX literals. An error names its character position.", str()),
		"OgcFilterLang": queryParam("filter-lang", "cql2-text (the default); cql-text, the draft's name that GDAL 3.6 sends, is read as CQL2 text.", map[string]any{"type": "string", "enum": []string{"cql2-text", "cql-text"}, "default": "cql2-text"}),
		"OgcFilterCrs":  queryParam("filter-crs", "Only CRS84.", map[string]any{"type": "string", "enum": []string{CRS84}}),
		"OgcCrs":        queryParam("crs", "Only CRS84.", map[string]any{"type": "string", "enum": []string{CRS84}}),
		"OgcBboxCrs":    queryParam("bbox-crs", "Only CRS84.", map[string]any{"type": "string", "enum": []string{CRS84}}),
		"OgcAfter":      queryParam("after", "Keyset cursor of a next link: features whose key is greater.", str()),
		"OgcBefore":     queryParam("before", "Keyset cursor of a prev link: the page of features just before this key.", str()),
		"OgcF":          queryParam("f", "json (the default) or html.", map[string]any{"type": "string", "enum": []string{"json", "html"}}),
		"OgcCollectionId": map[string]any{"name": "id", "in": "path", "required": true, "description": "A collection id (districts, subdistricts, communities, grids, streets, frontages, problems, heat).",
			"schema": map[string]any{"type": "string", "enum": collectionIDs()}},
		"OgcFeatureId": map[string]any{"name": "fid", "in": "path", "required": true, "description": "A feature id: an area's or street's code, or a number.", "schema": str()},
	}
}

func collectionIDs() []string {
	ids := make([]string, len(catalog))
	for i, c := range catalog {
		ids[i] = c.ID
	}
	return ids
}

func schemas() map[string]any {
	link := ref("schemas", "OgcLink")
	links := map[string]any{"type": "array", "items": link}
	return map[string]any{
		"OgcLink": map[string]any{"type": "object", "required": []string{"href", "rel"}, "properties": map[string]any{
			"href": str(), "rel": str(), "type": str(), "title": str()}},
		"OgcLanding": map[string]any{"type": "object", "required": []string{"links"}, "properties": map[string]any{
			"title": str(), "description": str(), "links": links}},
		"OgcConformance": map[string]any{"type": "object", "required": []string{"conformsTo"}, "properties": map[string]any{
			"conformsTo": map[string]any{"type": "array", "items": str()}}},
		"OgcCollection": map[string]any{"type": "object", "required": []string{"id", "links"}, "properties": map[string]any{
			"id": str(), "title": str(), "description": str(), "links": links, "itemType": str(), "storageCrs": str(),
			"crs":    map[string]any{"type": "array", "items": str()},
			"extent": map[string]any{"type": "object", "description": "spatial.bbox (CRS84) and, for problems, temporal.interval, from the data"}}},
		"OgcCollections": map[string]any{"type": "object", "required": []string{"links", "collections"}, "properties": map[string]any{
			"links": links, "crs": map[string]any{"type": "array", "items": str()},
			"collections": map[string]any{"type": "array", "items": ref("schemas", "OgcCollection")}}},
		"OgcFeature": map[string]any{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": map[string]any{
			"type": map[string]any{"type": "string", "enum": []string{"Feature"}}, "id": map[string]any{"oneOf": []any{str(), map[string]any{"type": "integer"}}},
			"geometry": map[string]any{"type": "object", "nullable": true}, "properties": map[string]any{"type": "object", "nullable": true}, "links": links}},
		"OgcFeatureCollection": map[string]any{"type": "object", "required": []string{"type", "features"}, "properties": map[string]any{
			"type":     map[string]any{"type": "string", "enum": []string{"FeatureCollection"}},
			"features": map[string]any{"type": "array", "items": ref("schemas", "OgcFeature")},
			"links":    links, "timeStamp": map[string]any{"type": "string", "format": "date-time"},
			"numberReturned": map[string]any{"type": "integer", "minimum": 0},
			"numberMatched":  map[string]any{"type": "integer", "minimum": 0, "description": "sent where counting is cheap (every collection but problems)"}}},
	}
}

func content(mediaType string, schema map[string]any) map[string]any {
	return map[string]any{mediaType: map[string]any{"schema": schema}}
}

func op(id, summary string, params []any, ok map[string]any) map[string]any {
	return map[string]any{"get": map[string]any{
		"operationId": id, "summary": summary, "tags": []string{"ogc"}, "parameters": params,
		"responses": map[string]any{"200": ok, "400": ref("responses", "Problem"), "404": ref("responses", "Problem"), "default": ref("responses", "Problem")},
	}}
}

func jsonOrHTML(desc, schema string) map[string]any {
	c := content(jsonType, ref("schemas", schema))
	c[htmlType] = map[string]any{"schema": str()}
	return map[string]any{"description": desc, "content": c}
}

var itemsParamRefs = []string{"OgcLimit", "OgcBbox", "OgcBboxCrs", "OgcDatetime", "OgcFilter", "OgcFilterLang", "OgcFilterCrs", "OgcCrs", "OgcAfter", "OgcBefore", "OgcF"}

func itemsOp(id, summary string, pathParams []any, extra []any) map[string]any {
	params := append([]any{}, pathParams...)
	for _, n := range itemsParamRefs {
		params = append(params, ref("parameters", n))
	}
	params = append(params, extra...)
	fc := content(httpx.GeoJSONContentType, ref("schemas", "OgcFeatureCollection"))
	fc[htmlType] = map[string]any{"schema": str()}
	return op(id, summary, params, map[string]any{"description": "A page of features with next/prev links; header Content-Crs: <" + CRS84 + ">", "content": fc})
}

// paths describes every route under prefix ("/ogc" for the fragment, ""
// for /ogc/api).
func paths(prefix string, perCollection bool) map[string]any {
	f := []any{ref("parameters", "OgcF")}
	cid := ref("parameters", "OgcCollectionId")
	fid := ref("parameters", "OgcFeatureId")
	feature := content(httpx.GeoJSONContentType, ref("schemas", "OgcFeature"))
	feature[htmlType] = map[string]any{"schema": str()}
	p := map[string]any{
		prefix + "/api": op("ogcAPI", "This API's own OpenAPI 3.0 document (paths relative to /ogc)", nil,
			map[string]any{"description": "The OpenAPI document", "content": content(openAPIType, map[string]any{"type": "object"})}),
		prefix + "/conformance":      op("ogcConformance", "The conformance classes implemented", f, jsonOrHTML("The conformance declaration", "OgcConformance")),
		prefix + "/collections":      op("ogcCollections", "The collections with their extents", f, jsonOrHTML("The collections", "OgcCollections")),
		prefix + "/collections/{id}": op("ogcCollection", "One collection", []any{cid, ref("parameters", "OgcF")}, jsonOrHTML("The collection", "OgcCollection")),
		prefix + "/collections/{id}/items": itemsOp("ogcItems", "Features of a collection, filtered and paged (keyset next/prev links)",
			[]any{cid}, []any{map[string]any{"name": "queryables", "in": "query", "required": false, "style": "form", "explode": true,
				"description": "property=value: equality on any of the collection's queryables (its /queryables)",
				"schema":      map[string]any{"type": "object", "additionalProperties": str()}}}),
		prefix + "/collections/{id}/items/{fid}": op("ogcItem", "One feature", []any{cid, fid, ref("parameters", "OgcCrs"), ref("parameters", "OgcF")},
			map[string]any{"description": "The feature", "content": feature}),
		prefix + "/collections/{id}/queryables": op("ogcQueryables", "The queryables of a collection as JSON Schema", []any{cid, ref("parameters", "OgcF")},
			map[string]any{"description": "The queryables", "content": content(schemaType, map[string]any{"type": "object"})}),
	}
	if prefix == "" {
		p["/"] = op("ogcLanding", "The landing page", f, jsonOrHTML("The landing page", "OgcLanding"))
	} else {
		p[prefix] = op("ogcLanding", "The OGC API – Features landing page", f, jsonOrHTML("The landing page", "OgcLanding"))
	}
	if perCollection {
		for _, col := range catalog {
			var qs []any
			for _, fl := range col.Fields {
				s := str()
				switch fl.Type {
				case cql2.Number:
					s = map[string]any{"type": "number"}
				case cql2.Integer:
					s = map[string]any{"type": "integer"}
				case cql2.Timestamp:
					s = map[string]any{"type": "string", "format": "date-time"}
				}
				qs = append(qs, queryParam(fl.Name, fl.Title+" (equality)", s))
			}
			p[prefix+"/collections/"+col.ID+"/items"] = itemsOp("ogcItems_"+col.ID, col.Title, nil, qs)
		}
	}
	return p
}

// Fragment is the fragment of /ogc for Gridkeeper's whole OpenAPI document.
func Fragment() map[string]any {
	return map[string]any{
		"paths":      paths("/ogc", false),
		"components": map[string]any{"parameters": parameters(), "schemas": schemas()},
	}
}

// problemComponents are what the whole document's base provides, repeated
// in /ogc/api so that it stands alone.
func problemComponents() (map[string]any, map[string]any) {
	schema := map[string]any{"type": "object", "required": []string{"title", "status"}, "additionalProperties": true,
		"properties": map[string]any{"type": str(), "title": str(), "status": map[string]any{"type": "integer"}, "detail": str(), "instance": str(),
			"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"field": str(), "reason": str()}}}}}
	resp := map[string]any{"description": "An error as application/problem+json (RFC 9457) naming the field and the reason",
		"content": content(httpx.ProblemContentType, ref("schemas", "Problem"))}
	return schema, resp
}

func (h *Handlers) api(c echo.Context) error {
	if err := httpx.CheckQuery(c, "f"); err != nil {
		return err
	}
	sc := schemas()
	problem, resp := problemComponents()
	sc["Problem"] = problem
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Gridkeeper OGC API – Features", "version": "1",
			"description": "OGC API – Features Part 1 and Part 3 (CQL2 text) over Gridkeeper's layers. Gridkeeper's whole API is described at /api."},
		"servers":    []any{map[string]any{"url": strings.TrimSuffix(root(c), "/")}},
		"paths":      paths("", true),
		"components": map[string]any{"parameters": parameters(), "schemas": sc, "responses": map[string]any{"Problem": resp}},
	}
	c.Response().Header().Set(echo.HeaderContentType, openAPIType)
	return c.JSON(http.StatusOK, doc)
}
