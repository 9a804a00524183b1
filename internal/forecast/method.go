package forecast

import "math"

// model forecasts a transformed series: given the values up to and
// including position o (NaN where missing), it returns the forecasts for
// positions o+1 … o+horizon. Each method keeps whatever it fitted between
// calls in its own value; fit chooses its parameters once on a series.
type model interface {
	fit(z []float64, start int)
	forecast(z []float64, start, o, horizon int, out []float64)
	// origins calls fn with the forecasts from every origin from first to
	// last, each made with the figures up to it alone; out is reused.
	origins(z []float64, start, first, last, horizon int, fn func(o int, out []float64))
}

// seasonOf is the calendar month (0 to 11) of month index idx.
func seasonOf(idx int) int { return ((idx % 12) + 12) % 12 }

// seasonalNaive is the same month last year: the benchmark every
// projection is measured against.
func seasonalNaive(z []float64, o, h int) float64 {
	// The figure 12 months before the target; for targets more than a
	// year ahead, the same month in the last year held.
	t := o + h
	for t > o {
		t -= 12
	}
	if t < 0 {
		return math.NaN()
	}
	return z[t]
}

// holtWinters is additive Holt–Winters exponential smoothing with a damped
// trend, on the transformed scale (log for counts, where seasons and
// trends multiply). Its four parameters are chosen from a small grid by
// the one-step-ahead squared error on the series itself.
type holtWinters struct {
	alpha, beta, gamma, phi float64
}

var (
	hwAlphas = []float64{0.05, 0.1, 0.2, 0.35, 0.55}
	hwBetas  = []float64{0, 0.03, 0.1}
	hwGammas = []float64{0, 0.05, 0.15, 0.3}
	hwPhis   = []float64{0.85, 0.95}
)

func (m *holtWinters) fit(z []float64, start int) {
	best := math.Inf(1)
	for _, a := range hwAlphas {
		for _, b := range hwBetas {
			for _, g := range hwGammas {
				for _, p := range hwPhis {
					sse := hwFit(z, start, a, b, g, p, best)
					if sse < best {
						best = sse
						*m = holtWinters{a, b, g, p}
					}
				}
			}
		}
	}
}

func (m *holtWinters) forecast(z []float64, start, o, horizon int, out []float64) {
	hwRun(z, start, o, m.alpha, m.beta, m.gamma, m.phi, out, horizon)
}

// origins runs the filter once, forecasting from each origin as it
// passes: the states at an origin have seen only the figures up to it.
func (m *holtWinters) origins(z []float64, start, first, last, horizon int, fn func(o int, out []float64)) {
	out := make([]float64, horizon)
	hwPass(z, start, last, m.alpha, m.beta, m.gamma, m.phi, first, horizon, out, fn, math.Inf(1))
}

// hwRun filters z[0..o] and returns the sum of squared one-step errors
// after the first two years (which set the starting level, trend and
// seasons); when out is given it also writes the forecasts from o.
func hwRun(z []float64, start, o int, alpha, beta, gamma, phi float64, out []float64, horizon int) float64 {
	return hwPass(z, start, o, alpha, beta, gamma, phi, o, horizon, out, func(int, []float64) {}, math.Inf(1))
}

// hwFit is the one-step squared error of the parameters on the whole of
// z, abandoned (+Inf) once it passes limit.
func hwFit(z []float64, start int, alpha, beta, gamma, phi, limit float64) float64 {
	return hwPass(z, start, len(z)-1, alpha, beta, gamma, phi, len(z), 0, nil, nil, limit)
}

// hwPass filters z[0..o], calling fn with the forecasts from every origin
// from `from` on.
func hwPass(z []float64, start, o int, alpha, beta, gamma, phi float64, from, horizon int, out []float64, fn func(int, []float64), limit float64) float64 {
	const warm = 24
	var season [12]float64
	var level, trend float64
	// Starting values: the first two years' means give level and trend,
	// each calendar month's departure from its year's mean its season.
	var y1, y2 float64
	var n1, n2 int
	for i := 0; i < warm && i <= o; i++ {
		if math.IsNaN(z[i]) {
			continue
		}
		if i < 12 {
			y1, n1 = y1+z[i], n1+1
		} else {
			y2, n2 = y2+z[i], n2+1
		}
	}
	if n1 == 0 {
		return math.Inf(1)
	}
	y1 /= float64(n1)
	if n2 > 0 {
		y2 /= float64(n2)
		trend = (y2 - y1) / 12
	} else {
		y2 = y1
	}
	var cnt [12]int
	for i := 0; i < warm && i <= o; i++ {
		if math.IsNaN(z[i]) {
			continue
		}
		k := seasonOf(start + i)
		// Departure from the straight line through the two years' means.
		season[k] += z[i] - (y1 + trend*(float64(i)-5.5))
		cnt[k]++
	}
	for k := range season {
		if cnt[k] > 0 {
			season[k] /= float64(cnt[k])
		}
	}
	level = y1 - trend*5.5 // the level just before position 0
	sse := 0.0
	gap := 0
	for i := 0; i <= o; i++ {
		k := seasonOf(start + i)
		pred := level + phi*trend + season[k]
		if math.IsNaN(z[i]) {
			level, trend = level+phi*trend, phi*trend
			gap++
			if i >= from && fn != nil {
				damp := 0.0
				f := 1.0
				for h := 1; h <= horizon; h++ {
					f *= phi
					damp += f
					out[h-1] = level + damp*trend + season[seasonOf(start+i+h)]
				}
				fn(i, out)
			}
			continue
		}
		if gap >= 6 {
			// After a long gap (the months of the 2020 break are left
			// out) the level starts again from the first figure back.
			level, trend, pred = z[i]-season[k]-phi*trend, 0, z[i]
		}
		gap = 0
		if i >= warm {
			e := z[i] - pred
			if sse += e * e; sse > limit {
				return math.Inf(1)
			}
		}
		prev := level
		level = alpha*(z[i]-season[k]) + (1-alpha)*(prev+phi*trend)
		trend = beta*(level-prev) + (1-beta)*phi*trend
		season[k] = gamma*(z[i]-level) + (1-gamma)*season[k]
		if i >= from && fn != nil {
			damp := 0.0
			f := 1.0
			for h := 1; h <= horizon; h++ {
				f *= phi
				damp += f
				out[h-1] = level + damp*trend + season[seasonOf(start+i+h)]
			}
			fn(i, out)
		}
	}
	return sse
}

// seasonalRegression fits month-of-year effects and a straight-line
// trend to the window, shrinks the month effects toward zero by how much
// of them noise could explain (James–Stein), and forecasts from the last
// year's deseasonalised mean along a damped trend.
type seasonalRegression struct {
	phi float64
	// after is the position from which a second intercept applies (the
	// level after the break), or 0 for none.
	after int
}

func (m *seasonalRegression) fit([]float64, int) {
	if m.phi == 0 {
		m.phi = 0.95
	}
}

func (m *seasonalRegression) forecast(z []float64, start, o, horizon int, out []float64) {
	// Straight line by least squares on the deseasonalised values: first
	// the month means of the detrended series, iterated twice.
	n := o + 1
	var season [12]float64
	var slope, icept float64
	var shift float64 // the second intercept's difference from the first
	post := func(i int) float64 {
		if m.after > 0 && i >= m.after {
			return 1
		}
		return 0
	}
	for iter := 0; iter < 2; iter++ {
		// Least squares of the deseasonalised values on 1, t and the
		// after-the-break indicator.
		var a [3][3]float64
		var b [3]float64
		cnt := 0.0
		for i := 0; i < n; i++ {
			if math.IsNaN(z[i]) {
				continue
			}
			row := [3]float64{1, float64(i), post(i)}
			y := z[i] - season[seasonOf(start+i)]
			for r := range 3 {
				for c := range 3 {
					a[r][c] += row[r] * row[c]
				}
				b[r] += row[r] * y
			}
			cnt++
		}
		if cnt < 2 {
			for h := range horizon {
				out[h] = math.NaN()
			}
			return
		}
		coef, ok := solve3(a, b)
		if !ok || a[2][2] == 0 || a[2][2] == cnt {
			// No months on one side of the break: one intercept.
			a[2] = [3]float64{0, 0, 1}
			a[0][2], a[1][2], b[2] = 0, 0, 0
			coef, _ = solve3(a, b)
		}
		icept, slope, shift = coef[0], coef[1], coef[2]
		var sum [12]float64
		var k12 [12]float64
		for i := 0; i < n; i++ {
			if math.IsNaN(z[i]) {
				continue
			}
			k := seasonOf(start + i)
			sum[k] += z[i] - icept - slope*float64(i) - shift*post(i)
			k12[k]++
		}
		mean := 0.0
		for k := range season {
			if k12[k] > 0 {
				season[k] = sum[k] / k12[k]
			}
			mean += season[k] / 12
		}
		for k := range season {
			season[k] -= mean
		}
		if iter == 1 {
			// Shrink: the residual variance over the years per month is
			// what noise alone would give the month effects.
			var rss, df float64
			for i := 0; i < n; i++ {
				if math.IsNaN(z[i]) {
					continue
				}
				e := z[i] - icept - slope*float64(i) - shift*post(i) - season[seasonOf(start+i)]
				rss += e * e
				df++
			}
			df -= 14
			if df < 1 {
				df = 1
			}
			noiseVar := rss / df * 12 / cnt
			var ss float64
			for _, s := range season {
				ss += s * s
			}
			shrink := 0.0
			if ss > 0 {
				shrink = max(0, 1-9*noiseVar/ss)
			}
			for k := range season {
				season[k] *= shrink
			}
		}
	}
	// The level is the mean of the last twelve months less their seasons,
	// centred 5.5 months before the origin.
	var lv, c float64
	for i := max(0, n-12); i < n; i++ {
		if !math.IsNaN(z[i]) {
			lv += z[i] - season[seasonOf(start+i)] - slope*float64(i-(n-1))
			c++
		}
	}
	lv /= c
	damp := 0.0
	f := 1.0
	for h := 1; h <= horizon; h++ {
		f *= m.phi
		damp += f
		out[h-1] = lv + slope*damp + season[seasonOf(start+o+h)]
	}
}

func (m *seasonalRegression) origins(z []float64, start, first, last, horizon int, fn func(o int, out []float64)) {
	out := make([]float64, horizon)
	for o := first; o <= last; o++ {
		m.forecast(z, start, o, horizon, out)
		fn(o, out)
	}
}

// combined averages Holt–Winters and the seasonal regression.
type combined struct {
	hw holtWinters
	sr seasonalRegression
}

func (m *combined) fit(z []float64, start int) {
	m.hw.fit(z, start)
	m.sr.fit(z, start)
}

func (m *combined) forecast(z []float64, start, o, horizon int, out []float64) {
	tmp := make([]float64, horizon)
	m.hw.forecast(z, start, o, horizon, out)
	m.sr.forecast(z, start, o, horizon, tmp)
	for i := range out {
		out[i] = (out[i] + tmp[i]) / 2
	}
}

// solve3 solves a 3×3 linear system by Gaussian elimination with partial
// pivoting; ok is false when it is singular.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	for c := range 3 {
		p := c
		for r := c + 1; r < 3; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return [3]float64{}, false
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < 3; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < 3; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [3]float64
	for r := 2; r >= 0; r-- {
		x[r] = b[r]
		for k := r + 1; k < 3; k++ {
			x[r] -= a[r][k] * x[k]
		}
		x[r] /= a[r][r]
	}
	return x, true
}

func (m *combined) origins(z []float64, start, first, last, horizon int, fn func(o int, out []float64)) {
	hw := make([][]float64, last-first+1)
	m.hw.origins(z, start, first, last, horizon, func(o int, out []float64) {
		hw[o-first] = append([]float64(nil), out...)
	})
	m.sr.origins(z, start, first, last, horizon, func(o int, out []float64) {
		for i := range out {
			out[i] = (out[i] + hw[o-first][i]) / 2
		}
		fn(o, out)
	})
}
