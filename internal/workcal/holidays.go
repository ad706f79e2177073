package workcal

// The State Council's public holidays and make-up working days
// (国务院办公厅关于20xx年部分节假日安排的通知): 2024 from 国办发明电〔2023〕7号,
// 2025 from 国办发明电〔2024〕12号, 2026 from 国办发明电〔2025〕7号 (4 November
// 2025). Migration 007 seeds the same list; TestDefaultIsWhatTheMigrationSeeds
// holds them together.
//
// Maintain this every year (see the package documentation): it is
// configuration, and a year missing here counts weekdays only.
var chinaHolidays = []struct {
	name     string
	from, to string // inclusive
	workdays []string
}{
	{"2024 元旦", "2024-01-01", "2024-01-01", nil},
	{"2024 春节", "2024-02-10", "2024-02-17", []string{"2024-02-04", "2024-02-18"}},
	{"2024 清明节", "2024-04-04", "2024-04-06", []string{"2024-04-07"}},
	{"2024 劳动节", "2024-05-01", "2024-05-05", []string{"2024-04-28", "2024-05-11"}},
	{"2024 端午节", "2024-06-10", "2024-06-10", nil},
	{"2024 中秋节", "2024-09-15", "2024-09-17", []string{"2024-09-14"}},
	{"2024 国庆节", "2024-10-01", "2024-10-07", []string{"2024-09-29", "2024-10-12"}},

	{"2025 元旦", "2025-01-01", "2025-01-01", nil},
	{"2025 春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
	{"2025 清明节", "2025-04-04", "2025-04-06", nil},
	{"2025 劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
	{"2025 端午节", "2025-05-31", "2025-06-02", nil},
	{"2025 国庆节、中秋节", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}},

	{"2026 元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
	{"2026 春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
	{"2026 清明节", "2026-04-04", "2026-04-06", nil},
	{"2026 劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
	{"2026 端午节", "2026-06-19", "2026-06-21", nil},
	{"2026 中秋节", "2026-09-25", "2026-09-27", nil},
	{"2026 国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
}

func defaultHolidays() (holidays, workdays []Date) {
	for _, h := range chinaHolidays {
		from, to := mustDate(h.from), mustDate(h.to)
		for d := from; !to.Before(d); d = d.AddDays(1) {
			holidays = append(holidays, d)
		}
		for _, w := range h.workdays {
			workdays = append(workdays, mustDate(w))
		}
	}
	return holidays, workdays
}

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
