package hotline

// Positions exposes positions to the tests.
var Positions = positions

// Round1 exposes round1 to the tests.
var Round1 = round1

// RowByRow makes an import keep the per-row foreign-key triggers.
func RowByRow(o *Options) { o.rowByRow = true }
