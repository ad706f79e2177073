package open311

// The workflow's statuses as Open311 status (open or closed) and
// FixMyStreet's extended status. The README's table is this one.
var statusMap = map[string]struct{ open311, extended, notes string }{
	"reported":    {"open", "for_triage", "reported, waiting for field verification (核实)"},
	"registered":  {"open", "investigating", "registered (立案), waiting for dispatch"},
	"dispatched":  {"open", "action_scheduled", "dispatched (派遣) to its handler, due at expected_datetime"},
	"in_progress": {"open", "in_progress", "being handled (处置)"},
	"resolved":    {"open", "in_progress", "reported fixed by the handler (反馈), waiting for verification (核查)"},
	"parked":      {"open", "investigating", "parked (挂账): cannot be fixed now"},
	"closed":      {"closed", "fixed", "verified fixed and closed (核查结案)"},
	"void":        {"closed", "no_further_action", "void (作废): not a case to handle"},
	"merged":      {"closed", "duplicate", "a duplicate of another request"},
}

// actionStatus overrides the extended status of an update for actions
// whose meaning is more than the status they lead to.
var actionStatus = map[string]string{
	"send_back": "internal_referral", // 回退: to the dispatcher for another handler
	"rework":    "reopen",            // 返工: the verification failed
	"extend":    "action_scheduled",  // 延期: a new expected time
}

func openClosed(status string) string {
	if m, ok := statusMap[status]; ok {
		return m.open311
	}
	return "open"
}

func extendedStatus(status string) string {
	if m, ok := statusMap[status]; ok {
		return m.extended
	}
	return "open"
}

func statusNotes(status string) string { return statusMap[status].notes }

// updateStatus is the extended status of the update an event makes.
func updateStatus(action, to string) string {
	if s, ok := actionStatus[action]; ok {
		return s
	}
	return extendedStatus(to)
}
