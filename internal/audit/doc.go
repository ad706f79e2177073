// Package audit owns the append-only audit log: one row for every write
// (intake, workflow actions, re-checks, duties, people, departments,
// categories, frontages, tokens, imports), naming the actor (token name,
// token id, person, service client), the time, the object ("problem:123",
// "duty:7", "token:4", "import:frontages"), and what changed (before and
// after, as JSON).
//
// A write calls Record inside its own transaction, so the row and the
// change commit or roll back together. The actor comes from the request's
// context: auth.Guard puts it there with WithActor; commands run by an
// operator put a "cli:USER" actor there. The table refuses UPDATE and
// DELETE for every role (rules that raise; see the migration), and the
// application role has no UPDATE, DELETE or TRUNCATE privilege on it.
//
// GET /api/v1/audit (admin) lists the log newest first, keyset-paginated,
// filtered by object, actor, from and to; Accept: text/csv gives a
// spreadsheet.
package audit
