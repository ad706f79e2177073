// Package db owns Gridkeeper's connection to PostGIS: finding the database
// (DATABASE_URL, or a private PostgreSQL cluster under the data directory),
// the request connection pool with its session settings, and the embedded
// migrations applied with tern.
//
// Nothing here knows about areas, duties or problems; capability packages
// receive a *pgxpool.Pool and keep their SQL beside their Go.
package db
