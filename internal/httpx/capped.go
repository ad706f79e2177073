package httpx

// MaxListed is the most field errors a problem lists; the rest are
// counted, so that a file of bad rows gets a short answer.
const MaxListed = 100

// UnprocessableList is a 422 listing the first MaxListed of errs once, with
// "error_count" (all of them) and "errors_truncated" members.
func UnprocessableList(errs []FieldError) *Problem {
	listed := errs
	if len(listed) > MaxListed {
		listed = listed[:MaxListed]
	}
	p := Unprocessable(listed...)
	p.Extra = map[string]any{"error_count": len(errs), "errors_truncated": len(errs) > len(listed)}
	return p
}
