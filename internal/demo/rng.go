package demo

import "math"

// rng is a small splitmix64 generator. The demo keeps its own rather than
// math/rand so that a seed gives the same figures on every Go release: a
// council that has screenshots of the demo should see the same lines after
// an upgrade. It is a value type, so seeding one per series costs nothing.
type rng struct {
	state uint64
	// spare holds the second normal from the last Box–Muller draw.
	spare    float64
	hasSpare bool
}

// mix64 is splitmix64's output function, a good 64-bit finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// seedFor derives a series' seed from the run's seed, the council and a
// label (an indicator code, or a fixed label for council-wide traits), so a
// series never depends on which other series were generated before it.
func seedFor(seed int64, council int, label string) uint64 {
	// FNV-1a over the label keeps the mapping stable and cheap.
	h := uint64(14695981039346656037)
	for i := 0; i < len(label); i++ {
		h ^= uint64(label[i])
		h *= 1099511628211
	}
	return mix64(mix64(uint64(seed)^0x9e3779b97f4a7c15) ^ mix64(uint64(council)+0x632be59bd9b4e019) ^ h)
}

func newRNG(seed uint64) rng { return rng{state: seed} }

func (r *rng) uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	return mix64(r.state)
}

// float64 returns a uniform value in [0, 1).
func (r *rng) float64() float64 { return float64(r.uint64()>>11) / (1 << 53) }

// norm returns a standard normal value (Box–Muller).
func (r *rng) norm() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	u := r.float64()
	for u == 0 {
		u = r.float64()
	}
	v := r.float64()
	mag := math.Sqrt(-2 * math.Log(u))
	r.spare, r.hasSpare = mag*math.Sin(2*math.Pi*v), true
	return mag * math.Cos(2*math.Pi*v)
}

// lognormal returns a factor with mean 1 and log-scale spread sd, used for
// the ways councils differ from one another.
func (r *rng) lognormal(sd float64) float64 { return math.Exp(sd*r.norm() - sd*sd/2) }

// poisson draws a count with mean lambda; used for small expected counts,
// where rounding alone would give an implausibly regular 0, 0, 0 or 1, 1, 1.
func (r *rng) poisson(lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda >= 30 {
		return math.Max(0, math.Round(lambda+math.Sqrt(lambda)*r.norm()))
	}
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.float64()
		if p <= l {
			return k
		}
		k++
	}
}

// binomial draws how many of n trials succeed with probability p.
func (r *rng) binomial(n, p float64) float64 {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	if n >= 40 {
		mean := n * p
		return math.Min(n, math.Max(0, math.Round(mean+math.Sqrt(mean*(1-p))*r.norm())))
	}
	k := 0.0
	for i := 0.0; i < n; i++ {
		if r.float64() < p {
			k++
		}
	}
	return k
}

// ar1 is a persistent noise process: month-end stocks drift rather than
// jump, so a stock's noise must remember last month's.
type ar1 struct {
	phi, sd, x float64
}

// newAR1 starts the process in its stationary distribution.
func newAR1(r *rng, phi, sd float64) ar1 { return ar1{phi: phi, sd: sd, x: sd * r.norm()} }

func (a *ar1) next(r *rng) float64 {
	a.x = a.phi*a.x + math.Sqrt(1-a.phi*a.phi)*a.sd*r.norm()
	return a.x
}
