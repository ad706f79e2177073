package hotline

// Positions exposes positions to the tests.
var Positions = positions
