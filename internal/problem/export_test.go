package problem

// IntakeSQL is the statement intake runs: benchmarks drive it on raw pgx
// as the floor of the HTTP intake.
const IntakeSQL = intakeSQL
