package problemgen

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkGenerate reports the cost of one ticket (100,000 over a year).
func BenchmarkGenerate(b *testing.B) {
	until := time.Date(2026, 10, 12, 0, 0, 0, 0, beijing)
	for b.Loop() {
		if _, err := Generate(context.Background(), io.Discard, Options{Count: 100000, Months: 12, Seed: 1, Until: until, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/ticket")
}
