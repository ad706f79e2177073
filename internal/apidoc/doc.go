// Package apidoc owns Gridkeeper's OpenAPI 3.0 document: it merges, once at
// start, the base document (base.json: info, the problem+json error as
// #/components/schemas/Problem and #/components/responses/Problem) with one
// fragment per capability (fragments/*.json, embedded), and serves the
// result at GET /api and GET /openapi.json.
//
// A fragment is a JSON object {"paths": {...}, "components": {"schemas":
// {...}, "parameters": {...}, "responses": {...}, ...}} in OpenAPI 3.0.3
// form. Paths are full paths in template form (/api/v1/problems/{id}).
// Two fragments may not describe the same operation (path and method), and
// a component name may appear in two fragments only with the same
// definition; fragments prefix their component names with their area
// (OgcCollection, ProblemsLimit) to keep clear of each other.
package apidoc
