package citygen

import (
	"math"
)

// The city's frame: its outline spans this box exactly.
var (
	cityCenter = pt{116.40, 37.45}
	cityHalf   = pt{0.195, 0.145} // half width and height in degrees
)

// outline draws the irregular city boundary: a closed ring around the
// center whose radius wanders with a few random harmonics and a little
// per-vertex jitter, stretched so that it spans the city's box. The ring is
// star-shaped around the center, hence simple.
func (g *gen) outline() []pt {
	const n = 144
	type harmonic struct{ amp, phase float64 }
	hs := make([]harmonic, 0, 6)
	for k := 2; k <= 7; k++ {
		hs = append(hs, harmonic{(0.04 + 0.08*g.rng.Float64()) / float64(k-1), 2 * math.Pi * g.rng.Float64()})
	}
	ring := make([]pt, 0, n+1)
	var maxX, maxY float64
	for i := range n {
		th := 2 * math.Pi * float64(i) / n
		r := 1.0
		for k, h := range hs {
			r += h.amp * math.Cos(float64(k+2)*th+h.phase)
		}
		r *= 1 + 0.015*(2*g.rng.Float64()-1)
		p := pt{r * math.Cos(th), r * math.Sin(th)}
		maxX, maxY = math.Max(maxX, math.Abs(p[0])), math.Max(maxY, math.Abs(p[1]))
		ring = append(ring, p)
	}
	for i, p := range ring {
		ring[i] = roundPt(pt{cityCenter[0] + p[0]/maxX*cityHalf[0], cityCenter[1] + p[1]/maxY*cityHalf[1]})
	}
	return append(ring, ring[0])
}

// arterialLine draws an arterial's centre line across the city box: a
// Catmull-Rom curve through seven control points on the straight line from
// a to b, the inner ones pushed sideways at random.
func (g *gen) arterialLine(a arterialSpec) []pt {
	const controls, steps = 7, 24
	toLonLat := func(f pt) pt {
		return pt{cityCenter[0] + (2*f[0]-1)*cityHalf[0], cityCenter[1] + (2*f[1]-1)*cityHalf[1]}
	}
	d := pt{a.b[0] - a.a[0], a.b[1] - a.a[1]}
	l := math.Hypot(d[0], d[1])
	perp := pt{-d[1] / l, d[0] / l}
	cp := make([]pt, controls)
	for i := range cp {
		t := float64(i) / (controls - 1)
		off := 0.0
		if i > 0 && i < controls-1 {
			off = 0.012 * (2*g.rng.Float64() - 1)
		}
		cp[i] = toLonLat(pt{a.a[0] + d[0]*t + perp[0]*off, a.a[1] + d[1]*t + perp[1]*off})
	}
	var out []pt
	for i := 0; i < controls-1; i++ {
		p0, p1, p2, p3 := cp[max(i-1, 0)], cp[i], cp[i+1], cp[min(i+2, controls-1)]
		for s := range steps {
			out = append(out, catmullRom(p0, p1, p2, p3, float64(s)/steps))
		}
	}
	return append(out, cp[controls-1])
}

func catmullRom(p0, p1, p2, p3 pt, t float64) pt {
	t2, t3 := t*t, t*t*t
	var out pt
	for k := range 2 {
		out[k] = 0.5 * (2*p1[k] + (p2[k]-p0[k])*t + (2*p0[k]-5*p1[k]+4*p2[k]-p3[k])*t2 + (3*p1[k]-p0[k]-3*p2[k]+p3[k])*t3)
	}
	return out
}
