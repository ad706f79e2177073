package directory_test

import "github.com/gridkeeper/gridkeeper/internal/apitest"

type (
	env      = apitest.Env
	response = apitest.Response
	problem  = apitest.Problem
)

var setup = apitest.Setup

type person struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Phone          *string `json:"phone"`
	Title          *string `json:"title"`
	Department     *string `json:"department"`
	DepartmentName *string `json:"department_name"`
	Active         bool    `json:"active"`
}

type peoplePage struct {
	Items          []person `json:"items"`
	Next           *string  `json:"next"`
	NumberReturned int      `json:"numberReturned"`
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
