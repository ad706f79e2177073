package tiles

// Kind says how a layer's tile is cut.
type kind int

const (
	kindArea     kind = iota // areas of one level
	kindStreet               // street segments
	kindFrontage             // frontage units and zones
	kindProblem              // problems: cells below PointZoom, points from it
	kindHeat                 // problem counts in square cells
)

const (
	// Extent is the tile's coordinate space; Buffer the pixels kept
	// beyond its edge so that lines and labels join across tiles.
	Extent = 4096
	Buffer = 64
	// PointZoom is the first zoom at which problems are single points
	// (street zoom: a tile is about 1.2 km across at the city's latitude).
	PointZoom = 15
	// CellPx is the side of a problem cell below PointZoom, in tile
	// pixels (16 × 16 cells a tile, at most 256 features; 32 screen
	// pixels on a map that draws a tile 512 pixels wide).
	CellPx = 256
	// HeatPx is the side of a heat cell (16 × 16 a tile).
	HeatPx = 256
)

// Layer is one tile layer: its name in URLs and in the tile, its zoom
// range and the fields its features carry (TileJSON's vector_layers).
type Layer struct {
	Name        string
	Description string
	MinZoom     int
	MaxZoom     int
	Fields      map[string]string
	// Extra MVT layers the tile holds besides Name (frontage zones).
	Also map[string]map[string]string

	kind  kind
	level string // kindArea: areas.level
}

var areaFields = map[string]string{
	"code": "String: unit-grid code", "name": "String", "level": "String: district, subdistrict, community or grid",
	"parent": "String: the parent's code",
}

// Layers lists every tile layer, in drawing order.
var Layers = []Layer{
	{Name: "districts", Description: "区县 districts", MinZoom: 0, MaxZoom: 16, Fields: areaFields, kind: kindArea, level: "district"},
	{Name: "subdistricts", Description: "街道 sub-districts", MinZoom: 6, MaxZoom: 16, Fields: areaFields, kind: kindArea, level: "subdistrict"},
	{Name: "communities", Description: "社区 communities", MinZoom: 8, MaxZoom: 16, Fields: areaFields, kind: kindArea, level: "community"},
	{Name: "grids", Description: "网格 unit grids", MinZoom: 10, MaxZoom: 16, Fields: areaFields, kind: kindArea, level: "grid"},
	{Name: "streets", Description: "道路 street segments", MinZoom: 8, MaxZoom: 16,
		Fields: map[string]string{"code": "String", "name": "String"}, kind: kindStreet},
	{Name: "frontages", Description: "门前五包 frontage units (layer frontages) and their zones along the street (layer frontage_zones)",
		MinZoom: 12, MaxZoom: 18,
		Fields: map[string]string{"id": "Number", "name": "String", "street_code": "String", "owned": "Boolean: a frontage owner answers for it now"},
		Also: map[string]map[string]string{"frontage_zones": {"id": "Number", "name": "String", "street_code": "String",
			"owned": "Boolean: a frontage owner answers for it now"}},
		kind: kindFrontage},
	{Name: "problems", Description: "问题 problems: points from zoom 15, cells with counts below (cell: true)", MinZoom: 0, MaxZoom: 18,
		Fields: map[string]string{
			"id": "Number: the problem's id (points, and cells of one problem)", "count": "Number: problems in the cell (1 for a point)",
			"cell": "Boolean: an aggregated cell, not one problem", "category": "String: category code",
			"status": "String", "source": "String", "reported": "Number: reported_at, epoch seconds",
			"due":  "Number: deadline, epoch seconds, while a handler has it (cells: the earliest)",
			"warn": "Number: when the deadline light turns yellow, epoch seconds (points only)",
		}, kind: kindProblem},
	{Name: "heat", Description: "热力 problem counts in square cells of 1/16 of a tile", MinZoom: 0, MaxZoom: 16,
		Fields: map[string]string{"count": "Number: problems in the cell"}, kind: kindHeat},
}

// layerByName finds a layer.
func layerByName(name string) (Layer, bool) {
	for _, l := range Layers {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// filtered says whether the layer takes the problem filters.
func (l Layer) filtered() bool { return l.kind == kindProblem || l.kind == kindHeat }
