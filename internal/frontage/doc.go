// Package frontage owns frontage units (门前五包): the shops and units along
// a street that answer for cleanliness, order, greening, facilities and snow
// in front of them. A unit has a name, a licence or unit number, a contact,
// a location (a point or a polygon), the street segment it fronts and its
// responsibility zone.
//
// The zone is never drawn by hand: the database derives it (the trigger
// frontages_derive_zone, calling frontage_zone in migration 003) as the strip
// between the unit and the street's centre line, width_m metres along the
// street for a point unit, the polygon's extent along the street for a
// polygon unit.
//
// The package loads units from GeoJSON (ImportGeoJSON) and CSV (ImportCSV)
// the way areas are loaded: one transaction per file, the rows streamed
// into a staging table with COPY, checked set-based in SQL, and either
// every row lands or, when any is rejected, nothing is written and the
// caller gets a *RejectedError listing every reason with its line or
// feature. The street a unit fronts is found automatically: the nearest
// segment by geodesic distance within Options.StreetRadiusM (60 m), ties
// to the lower code. A unit with a contact gets its owner: a person and a
// frontage_owner duty from the import on (see ImportCSV for the rules).
//
// It also serves the units and their zones as GeoJSON (Handlers: GET
// /api/v1/frontages?bbox=, GET /api/v1/frontages/{id}, and POST
// /api/v1/frontages/import for supervisors).
package frontage
