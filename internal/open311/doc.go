// Package open311 owns Gridkeeper's Open311 GeoReport v2 endpoint at
// /open311/v2: discovery, services (one per active category with an
// Open311 code; its big class is the group), service definitions (the
// attributes a category asks for, from open311_attributes), POST requests
// (form-encoded, api_key, creating a problem through problem.Intake with
// source open311), GET requests and requests/{id}, tokens/{token}, and
// FixMyStreet's servicerequestupdates extension, in XML (the default) and
// JSON, chosen by the .xml / .json extension, with the same content.
//
// The workflow's statuses map to Open311's open/closed and to
// FixMyStreet's extended statuses (status.go; the README has the table).
// Errors take Open311's own shape, an errors list of code and description
// with HTTP 400, 403 or 404: the one documented exception to problem+json,
// because Open311 clients parse that shape.
//
// api_key is checked through the Clients interface: TokenClients accepts
// the live token of a service client (gridkeeper token create --client).
package open311
