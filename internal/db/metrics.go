package db

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	poolAcquired = prometheus.NewDesc("gridkeeper_db_pool_in_use_connections",
		"Connections of the pool acquired by a request right now.", []string{"pool"}, nil)
	poolTotal = prometheus.NewDesc("gridkeeper_db_pool_connections",
		"Connections the pool holds open (idle, in use or being opened).", []string{"pool"}, nil)
	poolMax = prometheus.NewDesc("gridkeeper_db_pool_max_connections",
		"The pool's size limit.", []string{"pool"}, nil)
	poolAcquires = prometheus.NewDesc("gridkeeper_db_pool_acquires_total",
		"Connections acquired from the pool.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("gridkeeper_db_pool_acquire_waits_total",
		"Acquires that found no idle connection and had to wait.", []string{"pool"}, nil)
	poolWait = prometheus.NewDesc("gridkeeper_db_pool_acquire_wait_seconds_total",
		"Time spent waiting for a connection when none was idle.", []string{"pool"}, nil)
	poolCanceled = prometheus.NewDesc("gridkeeper_db_pool_acquire_canceled_total",
		"Acquires given up because the request's deadline passed or it went away.", []string{"pool"}, nil)
)

// PoolCollector exports the statistics of each named pool under the label
// pool=name, read at each scrape. One collector serves every pool: the
// series share their descriptors, which a registry accepts once only.
func PoolCollector(pools map[string]*pgxpool.Pool) prometheus.Collector {
	return poolCollector(pools)
}

type poolCollector map[string]*pgxpool.Pool

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolTotal, poolMax, poolAcquires, poolWaits, poolWait, poolCanceled} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, pool := range c {
		collectPool(ch, name, pool)
	}
}

func collectPool(ch chan<- prometheus.Metric, name string, pool *pgxpool.Pool) {
	s := pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, name)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, name)
	}
	gauge(poolAcquired, float64(s.AcquiredConns()))
	gauge(poolTotal, float64(s.TotalConns()))
	gauge(poolMax, float64(s.MaxConns()))
	counter(poolAcquires, float64(s.AcquireCount()))
	counter(poolWaits, float64(s.EmptyAcquireCount()))
	counter(poolWait, s.EmptyAcquireWaitTime().Seconds())
	counter(poolCanceled, float64(s.CanceledAcquireCount()))
}
