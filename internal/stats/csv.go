package stats

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// csvColumns are the spreadsheet's columns: a Chinese header with the JSON
// name after it, so that both a city office and a script can read it.
var (
	csvRankColumns = []string{"排名 rank", "代码 code", "名称 name", "上级 parent", "综合得分 score",
		"上月排名 previous_rank", "上月得分 previous_score", "名次变化 rank_change", "得分变化 score_change"}
	csvAreaColumns    = []string{"代码 code", "名称 name", "上级 parent"}
	csvMeasureColumns = []string{"问题数 problems", "结案数 closed", "按期结案数 closed_on_time", "超期未结数 open_overdue",
		"按期结案率 on_time_closure_rate", "平均结案工时 mean_hours_to_close", "结案工时P90 p90_hours_to_close",
		"处置数 handled", "返工数 reworked", "返工率 rework_rate", "反弹数 came_back", "反弹率 rebound_rate",
		"巡查发现数 found_by_patrol", "群众反映数 reported_by_public", "其他来源数 other_source",
		"巡查发现占比 patrol_share", "群众反映占比 public_share", "面积(平方公里) area_km2", "街道长度(公里) street_km",
		"每平方公里问题数 problems_per_km2", "每公里街道问题数 problems_per_km_street",
		"每平方公里群众反映数 public_per_km2", "每公里街道群众反映数 public_per_km_street"}
)

// csvWriter writes rows as CSV with a UTF-8 byte order mark, which
// spreadsheet programs need to read Chinese correctly. Nothing is sent
// before the first row (or close), so an error before it is still a
// problem+json answer.
type csvWriter struct {
	c        echo.Context
	filename string
	spool    *httpx.Spool
	w        *httpx.CSVWriter
	ranking  bool
}

func newCSV(c echo.Context, filename string, ranking bool) *csvWriter {
	return &csvWriter{c: c, filename: filename, ranking: ranking}
}

func (cw *csvWriter) start() {
	if cw.w != nil {
		return
	}
	// Spooled: the rows go out at close, after the query's connection is
	// released, so a slow client holds none (see httpx.Spool).
	cw.spool = httpx.NewSpool(cw.c)
	cw.spool.Write([]byte("\uFEFF"))
	cw.w = httpx.NewCSVWriter(cw.spool) // cells safe from formula injection
	head := csvAreaColumns
	if cw.ranking {
		head = csvRankColumns
	}
	cw.w.Write(append(append([]string{}, head...), csvMeasureColumns...))
}

func (cw *csvWriter) write(r RankRow) error {
	cw.start()
	var rec []string
	if cw.ranking {
		rec = []string{fmtInt(r.Rank), r.Code, str(r.Name), str(r.Parent), fmtFloat(r.Score),
			fmtInt(r.PreviousRank), fmtFloat(r.PreviousScore), fmtInt(r.RankChange), fmtFloat(r.ScoreChange)}
	} else {
		rec = []string{r.Code, str(r.Name), str(r.Parent)}
	}
	m := r.Measures
	rec = append(rec, i64(m.Problems), i64(m.Closed), i64(m.ClosedOnTime), i64(m.OpenOverdue),
		fmtFloat(m.OnTimeClosureRate), fmtFloat(m.MeanHoursToClose), fmtFloat(m.P90HoursToClose),
		i64(m.Handled), i64(m.Reworked), fmtFloat(m.ReworkRate), i64(m.CameBack), fmtFloat(m.ReboundRate),
		i64(m.FoundByPatrol), i64(m.ReportedByPublic), i64(m.OtherSource),
		fmtFloat(m.PatrolShare), fmtFloat(m.PublicShare), fmtFloat(m.AreaKm2), fmtFloat(m.StreetKm),
		fmtFloat(m.ProblemsPerKm2), fmtFloat(m.ProblemsPerKm), fmtFloat(m.PublicPerKm2), fmtFloat(m.PublicPerKm))
	return cw.w.Write(rec)
}

func (cw *csvWriter) close() error {
	cw.start()
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return err
	}
	cw.c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+cw.filename+`"`)
	return cw.spool.Send(cw.c, http.StatusOK, "text/csv; charset=utf-8")
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

func fmtInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
