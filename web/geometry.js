// Geometry helpers for GeoJSON (Multi)Polygons, in plain lon/lat.

// polygonsOf lists a (Multi)Polygon's polygons as arrays of rings.
function polygonsOf(geom) {
  if (!geom) return [];
  if (geom.type === 'Polygon') return [geom.coordinates];
  if (geom.type === 'MultiPolygon') return geom.coordinates;
  return [];
}

// interiorPoint returns a point inside a (Multi)Polygon: the middle of the
// widest run of a horizontal line through the middle of each polygon (holes
// counted), so that it is inside even for concave shapes.
export function interiorPoint(geom) {
  let best = null;
  let bestWidth = -1;
  for (const rings of polygonsOf(geom)) {
    let minY = Infinity;
    let maxY = -Infinity;
    for (const [, y] of rings[0]) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const y = (minY + maxY) / 2;
    const xs = [];
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j];
        const [x2, y2] = ring[i];
        if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      if (xs[k + 1] - xs[k] > bestWidth) {
        bestWidth = xs[k + 1] - xs[k];
        best = [(xs[k] + xs[k + 1]) / 2, y];
      }
    }
  }
  return best;
}

export function bboxOf(geom) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  if (geom && geom.coordinates) walk(geom.coordinates);
  return b[0] <= b[2] ? b : null;
}
