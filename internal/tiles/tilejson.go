package tiles

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TileJSON is a TileJSON 3.0.0 document.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one MVT layer of the tiles.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	Fields      map[string]string `json:"fields"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
}

// Describe builds layer l's TileJSON; tileURL is its tile URL template.
// Bounds are the city's (its areas and streets), the whole world when
// nothing is loaded.
func Describe(ctx context.Context, pool *pgxpool.Pool, l Layer, tileURL string) (TileJSON, error) {
	doc := TileJSON{
		TileJSON: "3.0.0", Name: l.Name, Description: l.Description, Version: "1.0.0", Scheme: "xyz",
		Tiles: []string{tileURL}, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
		Bounds:       []float64{-180, -85.05112877980659, 180, 85.05112877980659},
		VectorLayers: []VectorLayer{{ID: l.Name, Description: l.Description, Fields: l.Fields, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom}},
	}
	extra := make([]string, 0, len(l.Also))
	for id := range l.Also {
		extra = append(extra, id)
	}
	slices.Sort(extra)
	for _, id := range extra {
		doc.VectorLayers = append(doc.VectorLayers, VectorLayer{ID: id, Fields: l.Also[id], MinZoom: l.MinZoom, MaxZoom: l.MaxZoom})
	}
	var b [4]float64
	err := pool.QueryRow(ctx, boundsSQL).Scan(&b[0], &b[1], &b[2], &b[3])
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return doc, fmt.Errorf("tilejson %s: bounds: %w", l.Name, err)
	default:
		doc.Bounds = b[:]
		doc.Center = []float64{(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, float64(max(l.MinZoom, 10))}
	}
	return doc, nil
}
