// Package problemgen generates realistic 12345 hotline tickets for the
// sample city (geodata: the synthetic 德州市), as the CSV the hotline
// import reads, so that heat maps, recurrence and hot spot statistics can
// be tested and benchmarked on data whose structure is known. It needs no
// database: the city comes from the embedded GeoJSON (and frontages.csv
// when geodata carries it).
//
// The file has a header and one row per ticket, sorted by reported_at:
//
//	ticket_no,reported_at,category,lon,lat,address,content,status,closed_at
//	12345-20261012-0000123,2026-10-12 08:31:05+08:00,暴露垃圾,116.301234,37.451234,德城区东风路188号附近,东风路路边有一堆暴露垃圾…,已办结,2026-10-12 15:02:41+08:00
//
// UTF-8, comma-separated, quoted as RFC 4180 asks. ticket_no is the
// reporting day and a daily hotline sequence with gaps (numbers that went
// to other topics); times are Beijing time with their offset; category is
// the seeded name, or for 12 % of the rows the local code (E01-10); lon/lat
// are WGS84 with 6 decimals, inside the city outline; the address is built
// from the nearest street and a house number; content fills one of the
// category's complaint templates.
//
// # The model
//
// Window. The Months months before Until's midnight (Beijing time), so the
// same day always gives the same file and no ticket is in the future.
// Exactly Count rows: each day's expected total (below, times a log-normal
// wobble of σ 0.08) is turned into whole rows by systematic sampling.
//
// Categories. Every seeded category, with a background share per mille
// that follows the usual 12345 / 数字城管 mix: 暴露垃圾 140, 占道经营 100,
// 机动车乱停放 85, 非法小广告 75, 店外经营 60, 乱堆物堆料 55, 非机动车乱停放
// 45, 路灯 45, 不文明养犬 40, … down to 私搭乱建 3, 违法建设 2 and 古树名木
// 0.5.
//
// Rhythms. Each category has an hourly profile (default: peaks at 09–11
// and 19–20, under 1 % of the calls per hour between 01:00 and 05:00;
// market: early morning and evening; evening: barbecues and flying
// charging cables; night: construction noise; dusk: streetlights;
// commute: schools and traffic), a weekly one (office: fewer at weekends;
// leisure: stalls, dogs, barbecues, parking about 1.3× at weekends;
// school: weekdays only) and a seasonal one interpolated between
// mid-months (mild; outdoor; summer ×2 for barbecues; rain for
// waterlogging and drains, peaking in July; burning in October–November;
// dust in spring; dark for streetlights in winter). The Spring Festival
// week carries 0.55 of the usual volume, the National Day week 0.85, and
// the volume grows by 10 % over the window.
//
// Background (75 % of the rows). Where depends on the category's place
// mode. The common mixture: 52 % beside a street segment drawn by length ×
// class (arterial 1.6, secondary 1.0, branch 0.7) × density, 3–25 m from
// its centre line; 15 % in front of a frontage unit (beside a street
// when there are none); 15 % around one of 40 busy zones (Gaussian, σ 100–300 m) nudged to
// within 3–20 m of the street; 18 % anywhere in a community drawn by area ×
// density, most nudged towards the street. Density is 1 in a 街道 and 0.2
// in a 镇, times the district (德城区 1.3, 经开区 1.0, 陵城区 0.85, 运河
// 0.75), times 0.35 + 1.3·exp(−d / 3.5 km) with d the distance from the
// district's core (the centre of its 街道). Frontage categories (店外经营,
// 门头牌匾 …) stand mostly at shops, junction ones (signals, helmets, red
// lights) near the ends of major segments, block ones (dogs, yards, green
// space, building sites) inside communities, rural ones (农村集市, burning)
// in the towns.
//
// Hot places (25 % of the rows). 25 % × Count / 60 of them, at least 8 and
// at most 300: a category drawn from the ones that recur (占道经营,
// 暴露垃圾, 店外经营, 机动车乱停放 …), a centre (half of them inside a busy
// zone, so hot spots are areas as well as points) and a radius of
// 10–40 m, tickets uniform in the disc. Rates are log-normal (σ 0.7) and
// wobble week to week (σ 0.3), times the category's rhythms, after a
// pattern: persistent 35 %, emerging 12 % (from 50–85 % of the window
// on), intensifying 12 % (rate 0.08 + 1.4 t²), diminishing 12 % (falling
// to near zero by 85–115 % of the window), sporadic 12 % (a quarter of the
// weeks), oscillating 9 % (on and off in blocks of 3–6 weeks), historical
// 8 % (only the first 25–50 % of the window). Some of their tickets say
// that the problem keeps coming back.
//
// Handling. 14 % of the tickets stay open (处理中) whatever their age; the
// others take a log-normal time (σ 0.85) around 55 % of the category's
// time limit (working hours under 8 count 1.5×; working days become
// calendar days × 7/5), so about a quarter run late; closures at night
// move to 07:30–10:00; a ticket whose closure would fall after the window
// is still open. About 85 % of the tickets older than two weeks are closed
// (已办结).
//
// Determinism. The plan (city indexes, zones, hot places, rows per day)
// comes from one stream seeded by Seed; each day's rows from their own
// stream seeded by Seed and the day. Days are generated in parallel and
// written in order, so the same Seed, Count, Months and day of Until give
// the same bytes whatever the number of workers, and memory stays flat.
package problemgen
