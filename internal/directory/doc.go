// Package directory owns the people and departments that responsibility is
// given to: grid officers, street chiefs, frontage owners and leaders are
// people; 城管, 公安, 市场监管, 住建, 园林, 交通 and the rest are departments,
// the default handlers of problem categories.
//
// Nothing here is deleted: a person who leaves is deactivated (active=false)
// so that past duties and cases still name them. Reads are public; writes
// need an admin or supervisor token.
//
// HTTP (under /api/v1):
//
//	GET   /people?q=&department=&active=&limit=&cursor=   keyset pages by id, with a next link
//	GET   /people/{id}
//	POST  /people                                         201 + Location
//	PATCH /people/{id}                                    partial update
//	GET   /departments
//	GET   /departments/{code}
//	POST  /departments                                    201 + Location
//	PATCH /departments/{code}                             the name; the code never changes
//
// Bodies are decoded strictly: an unknown member is a 422 naming it,
// malformed JSON a 400, a body over 64 KiB a 413. Database refusals become
// problems naming the field: a duplicate code or name 409, an unknown
// department 422, a failed check 422.
package directory
