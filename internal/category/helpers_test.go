package category_test

import "github.com/gridkeeper/gridkeeper/internal/apitest"

type (
	env      = apitest.Env
	response = apitest.Response
	problem  = apitest.Problem
)

var setup = apitest.Setup
