// Package auth owns API tokens, who holds them, and where they may act.
//
// A token is 32 random bytes shown once to its holder ("gk_" +
// base64url); only its SHA-256 hash is stored. A token has a unique name,
// one role, an optional expiry and its last-used time, and belongs to a
// person (PersonID: its scope comes from that person's duties) or names a
// service client (Client: the hotline import, an Open311 client, an
// integration). Supervisor and dispatcher tokens may carry an explicit
// area (Area). Sources lists the external report sources (hotline) the
// token may write.
//
// Handlers read one thing about the caller: Principal, from From(c)
// (echo) or FromContext(ctx). Roles decide which actions (Require(roles…)
// on a route; admin is accepted everywhere); scope decides where, and is
// enforced in SQL, not in Go after reading:
//
//	var a auth.Args                           // collects the parameters
//	where := pr.ProblemScope("p", &a)         // over problems p
//	rows, err := q.Query(ctx, "SELECT … FROM problems p WHERE p.id = "+a.Arg(id)+" AND "+where, a.List...)
//
// ProblemScope (problems), AreaScope (an area code) and PersonScope (whose
// contacts the caller may see) return boolean expressions whose values are
// bound through Args. CityWide tokens (admin; supervisor and dispatcher
// tokens with neither person nor area) get "true"; anonymous callers,
// analysts and viewers "false".
//
// Guard.Require admits a request with a token of a role, Guard.Optional
// any request (anonymous, or with the token's principal); both put the
// principal on the request's context together with the audit actor
// (audit.WithActor), so that writes below record who made them. Unknown
// tokens are counted per client address: past the limit (20 a minute by
// default) the address is answered 429 until the minute ends.
package auth
