// Package auth owns API tokens and the middleware that guards write
// endpoints. A token is 32 random bytes shown once to its holder
// ("gk_" + base64url); only its SHA-256 hash is stored, which is enough for
// a secret of that entropy. Each token carries one role; an endpoint
// declares the roles it accepts with Require, and admin is accepted
// everywhere.
package auth
