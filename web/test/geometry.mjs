// Geometry helpers shared by the browser tests.

// interiorPoint: the middle of the widest run of a horizontal line at
// fraction `at` of each polygon's height (holes counted), so the point is
// inside concave shapes too.
export function interiorPoint(geom, at = 0.5) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? geom.coordinates : [];
  let best = null;
  let bestWidth = -1;
  for (const rings of polys) {
    const ys = rings[0].map((c) => c[1]);
    const y = Math.min(...ys) + (Math.max(...ys) - Math.min(...ys)) * at;
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
