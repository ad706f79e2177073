package problem

import "slices"

// Statuses a problem can be in.
var Statuses = []string{"reported", "registered", "dispatched", "in_progress", "resolved", "closed", "parked", "void", "merged"}

// OpenStatuses are those in which a problem still needs work.
var OpenStatuses = []string{"reported", "registered", "dispatched", "in_progress", "resolved", "parked"}

// Actions are the workflow actions.
var Actions = []string{"register", "dispatch", "start", "resolve", "close", "rework", "send_back", "extend", "park", "void", "merge"}

// allowed lists the actions each status allows.
var allowed = map[string][]string{
	"reported":    {"register", "void", "merge"},
	"registered":  {"dispatch", "park", "void", "merge"},
	"dispatched":  {"start", "resolve", "send_back", "extend", "park", "void"},
	"in_progress": {"resolve", "send_back", "extend", "park"},
	"resolved":    {"close", "rework"},
	"parked":      {"dispatch", "void"},
	"closed":      {},
	"void":        {},
	"merged":      {},
}

// next is the status an action leads to ("" keeps the status).
var next = map[string]string{
	"register":  "registered",
	"dispatch":  "dispatched",
	"start":     "in_progress",
	"resolve":   "resolved",
	"close":     "closed",
	"rework":    "in_progress",
	"send_back": "registered",
	"extend":    "",
	"park":      "parked",
	"void":      "void",
	"merge":     "merged",
}

// actionRoles are the token roles that may take each action (admin may
// take every action). Dispatchers run the desk (立案, 派遣, 延期, 挂账,
// 作废); handlers (officers) start, report back and send back; supervisors
// verify (核查结案, 返工) and may do what dispatchers do.
var actionRoles = map[string][]string{
	"register":  {"dispatcher", "supervisor"},
	"dispatch":  {"dispatcher", "supervisor"},
	"start":     {"officer", "dispatcher", "supervisor"},
	"resolve":   {"officer", "dispatcher", "supervisor"},
	"close":     {"supervisor", "dispatcher"},
	"rework":    {"supervisor", "dispatcher"},
	"send_back": {"officer", "dispatcher", "supervisor"},
	"extend":    {"dispatcher", "supervisor"},
	"park":      {"dispatcher", "supervisor"},
	"void":      {"dispatcher", "supervisor"},
	"merge":     {"dispatcher", "supervisor"},
}

// Allowed returns the actions a problem in status may take.
func Allowed(status string) []string { return allowed[status] }

// RoleMay reports whether a token role may take action.
func RoleMay(role, action string) bool {
	return role == "admin" || slices.Contains(actionRoles[action], role)
}

func isOpen(status string) bool { return slices.Contains(OpenStatuses, status) }
