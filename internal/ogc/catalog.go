package ogc

import (
	"github.com/gridkeeper/gridkeeper/internal/ogc/cql2"
)

// field is one public property of a collection's features.
type field struct {
	Name  string
	SQL   string // server text over the collection's FROM alias t
	Type  cql2.Type
	Title string
}

// collection describes one layer: where its rows come from, which public
// fields its features carry and how they are keyed. Every SQL fragment is
// server text; requests only ever supply bind parameters.
type collection struct {
	ID, Title, Description string
	From                   string // FROM clause, alias t
	Where                  string // fixed condition ("" none)
	Key                    string // unique key expression, the paging order
	IntKey                 bool   // the key is a bigint (else text)
	Geom                   string // geometry expression (SRID 4326)
	GeomFormat             string // JSON Schema format of the geometry queryable
	Fields                 []field
	Time                   string // the instant datetime filters ("" none)
	// CheapCount: counting the matches is cheap enough to send
	// numberMatched with every page.
	CheapCount bool
	// source, when set, builds the rows at request time (heat cells):
	// it returns a FROM clause and its parameters.
	source sourceFunc
}

func areaLevel(id, level, title, desc string) *collection {
	return &collection{
		ID: id, Title: title, Description: desc,
		From: "areas t", Where: "t.level = '" + level + "'", Key: "t.code",
		Geom: "t.geom", GeomFormat: "geometry-multipolygon",
		Fields: []field{
			{"code", "t.code", cql2.String, "unit-grid code"},
			{"name", "t.name", cql2.String, "name"},
			{"parent", "t.parent_code", cql2.String, "parent area's code"},
		},
		CheapCount: true,
	}
}

// catalog is every collection, in the order /collections lists them.
var catalog = []*collection{
	areaLevel("districts", "district", "Districts 区县", "Districts of the city, with their codes (GB/T 2260)."),
	areaLevel("subdistricts", "subdistrict", "Sub-districts 街道", "Sub-districts and towns."),
	areaLevel("communities", "community", "Communities 社区", "Communities and villages."),
	areaLevel("grids", "grid", "Unit grids 单元网格", "Unit grids, the smallest managed polygons; every grid has a grid officer."),
	{
		ID: "streets", Title: "Street segments 街道路段", Description: "Street segments, each with a street chief (街长).",
		From: "streets t", Key: "t.code", Geom: "t.geom", GeomFormat: "geometry-multilinestring",
		Fields: []field{
			{"code", "t.code", cql2.String, "segment code"},
			{"name", "t.name", cql2.String, "street name"},
		},
		CheapCount: true,
	},
	{
		ID: "frontages", Title: "Frontage units 门前五包", Description: "Shops and units answering for the pavement in front of them (public fields only: no contact, no phone).",
		From: "frontages t", Key: "t.id", IntKey: true, Geom: "t.geom", GeomFormat: "geometry-any",
		Fields: []field{
			{"name", "t.name", cql2.String, "unit name"},
			{"street", "t.street_code", cql2.String, "street segment code"},
			{"width_m", "t.width_m", cql2.Number, "frontage width in metres"},
		},
		CheapCount: true,
	},
	{
		ID: "problems", Title: "Problems 问题", Description: "Every reported problem with its place and workflow state (public fields only: no reporter name or phone). datetime filters reported_at.",
		From: "problems t", Key: "t.id", IntKey: true, Geom: "t.geom", GeomFormat: "geometry-point",
		Fields: []field{
			{"number", "t.number", cql2.String, "problem number"},
			{"category", "t.category_code", cql2.String, "category code"},
			{"status", "t.status::text", cql2.String, "workflow status"},
			{"source", "t.source", cql2.String, "how it was reported"},
			{"address", "t.address", cql2.String, "address"},
			{"description", "t.description", cql2.String, "description"},
			{"reported_at", "t.reported_at", cql2.Timestamp, "reported at"},
			{"due_at", "t.due_at", cql2.Timestamp, "handling deadline"},
			{"closed_at", "t.closed_at", cql2.Timestamp, "closed at"},
			{"grid", "t.grid_code", cql2.String, "grid code"},
			{"community", "t.community_code", cql2.String, "community code"},
			{"subdistrict", "t.subdistrict_code", cql2.String, "sub-district code"},
			{"district", "t.district_code", cql2.String, "district code"},
			{"street", "t.street_code", cql2.String, "street segment code"},
			{"recurs_of", "t.recurs_of", cql2.Integer, "the closed problem this one repeats"},
			{"rebound_of", "t.rebound_of", cql2.Integer, "the problem whose look-back found this one"},
		},
		Time: "t.reported_at",
	},
	heatCollection,
}

// byID finds a collection.
func byID(id string) *collection {
	for _, c := range catalog {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// queryables is the collection's allow-list for filters: its fields and
// its geometry ("geometry").
func (c *collection) queryables() map[string]cql2.Queryable {
	q := make(map[string]cql2.Queryable, len(c.Fields)+1)
	for _, f := range c.Fields {
		q[f.Name] = cql2.Queryable{SQL: f.SQL, Type: f.Type}
	}
	q["geometry"] = cql2.Queryable{SQL: c.Geom, Type: cql2.Geometry}
	return q
}

func (c *collection) field(name string) (field, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return field{}, false
}
