package demo

import (
	"math"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The indicators the demo knows how to shape, by catalogue code. A code in
// the catalogue that is not here still gets a plain series (see generic).
const (
	iEHEKnown = iota
	iEHENew
	iEHEReturned
	iEHENewHealth
	iReferrals
	iRerefs
	iAssessments
	iS47
	iCIN
	iCPP
	iCLA
	iEHRequests
	iEHAssessments
	iEHOpen
	iEHStepdown
	iEHCP
	iEHCRequests
	iEHCP20wk
	iAttendEHCP
	iAttendAll
	iVacancy
	iAgency
	iCaseload
	iAbsence
	nKnown
)

var knownCodes = [nKnown]string{
	"EHE_KNOWN", "EHE_NEW", "EHE_RETURNED", "EHE_NEW_HEALTH",
	"CSC_REFERRALS", "CSC_REREFERRALS", "CSC_ASSESSMENTS", "CSC_S47", "CSC_CIN", "CSC_CPP", "CSC_CLA",
	"EH_REQUESTS", "EH_ASSESSMENTS", "EH_OPEN", "EH_STEPDOWN",
	"SEND_EHCP", "SEND_EHC_REQUESTS", "SEND_EHCP_20WK", "SEND_ATTEND_EHCP", "SEND_ATTEND_ALL",
	"WF_VACANCY", "WF_AGENCY", "WF_CASELOAD", "WF_ABSENCE",
}

// traits are the ways one council differs from England, drawn once per
// council so that related indicators move together (a council with a lot
// of early help requests also has a lot of children open to early help).
type traits struct {
	dep      float64 // deprivation: children-in-need rate against England's
	pandemic float64 // how hard the national pandemic shape hit, 1 = England
	claF     float64
	assessF  float64
	s47F     float64
	stepF    float64
	eheF     float64
	eheTilt  float64 // yearly growth of home education against England's
	healthSh float64 // points added to the health share of new EHE
	ehF      float64
	ehaF     float64
	sendF    float64
	sendTilt float64
	reqF     float64
	reqTilt  float64
	wk20Off  float64 // points added to the 20-week percentage
	attOff   float64 // points added to attendance of all pupils
	gapOff   float64 // points added to the EHCP attendance gap (negative widens)
}

func (g *generator) traits(council int) traits {
	r := newRNG(seedFor(g.seed, council, "council traits"))
	dep := g.ix.deprivation(council)
	return traits{
		dep:      dep,
		pandemic: clamp(r.lognormal(0.35), 0.3, 2),
		claF:     math.Pow(dep, 0.9) * r.lognormal(0.15),
		assessF:  r.lognormal(0.08),
		s47F:     r.lognormal(0.2),
		stepF:    r.lognormal(0.3),
		eheF:     r.lognormal(0.3),
		eheTilt:  0.03 * r.norm(),
		healthSh: 0.04 * r.norm(),
		ehF:      math.Pow(dep, 0.6) * r.lognormal(0.35),
		ehaF:     r.lognormal(0.15),
		sendF:    math.Pow(dep, 0.2) * r.lognormal(0.2),
		sendTilt: 0.02 * r.norm(),
		reqF:     math.Pow(dep, 0.2) * r.lognormal(0.25),
		reqTilt:  0.02 * r.norm(),
		wk20Off:  16 * r.norm(),
		attOff:   0.7*r.norm() - 0.8*math.Log(dep),
		gapOff:   0.9 * r.norm(),
	}
}

// felt scales a national pandemic multiplier (1 = no effect) by how hard
// the council felt it.
func (t *traits) felt(mult float64) float64 { return math.Max(1-(1-mult)*t.pandemic, 0.2) }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

// pct rounds a percentage to one decimal place within 0 to 100.
func pct(x float64) float64 { return math.Round(clamp(x, 0, 100)*10) / 10 }

// count turns an expected count into a whole number: small expectations
// are drawn (so a tiny council shows 0, 2, 1, 0, 3 rather than always 1),
// larger ones rounded.
func count(r *rng, lambda float64) float64 {
	if !(lambda > 0) {
		return 0
	}
	if lambda < 30 {
		return r.poisson(lambda)
	}
	return math.Round(lambda)
}

// noise is the month's multiplicative wobble of a flow, about sd either way.
func noise(r *rng, sd float64) float64 { return math.Exp(sd*r.norm() - sd*sd/2) }

// slope is the Fritsch–Butland tangent, which keeps a cubic through yearly
// anchors from overshooting them (no dips below zero, no invented peaks).
func slope(a, b float64) float64 {
	if a*b <= 0 {
		return 0
	}
	return 2 / (1/a + 1/b)
}

// between interpolates yearly anchors smoothly. anchors holds one value a
// year over the index's span, taken at the given month of each year (March
// for the children in need census, September for the workforce census).
func (g *generator) between(anchors []float64, m domain.Month, at time.Month) float64 {
	y := m.Year
	if m.Month < at {
		y--
	}
	t := float64(m.Index()-domain.Month{Year: y, Month: at}.Index()) / 12
	ix := g.ix
	p0, p1, p2, p3 := anchors[ix.y2i(y-1)], anchors[ix.y2i(y)], anchors[ix.y2i(y+1)], anchors[ix.y2i(y+2)]
	m1, m2 := slope(p1-p0, p2-p1), slope(p2-p1, p3-p2)
	t2, t3 := t*t, t*t*t
	return (2*t3-3*t2+1)*p1 + (t3-2*t2+t)*m1 + (-2*t3+3*t2)*p2 + (t3-t2)*m2
}

// fill computes every known series for one council into g.buf, month by
// month from g.months[0] (the month before First, so that flows that lag
// another flow have a previous month).
func (g *generator) fill(council int) {
	t := g.traits(council)
	ix, ms, n := g.ix, g.months, len(g.months)
	kids := g.kids[:n]
	for i, m := range ms {
		kids[i] = g.childrenAt(council, m) / 1e4
	}
	b := &g.buf
	rs := func(code int) rng { return newRNG(seedFor(g.seed, council, knownCodes[code])) }
	// blend is a flow as felt a little later: an assessment completes, on
	// average, some weeks after its referral.
	blend := func(s []float64, i int) float64 {
		if i == 0 {
			return s[0]
		}
		return 0.4*s[i] + 0.6*s[i-1]
	}

	// Children's social care, anchored on the official annual figures.
	refA := ix.annual(mReferrals, council, true, t.dep)
	rrA := ix.annual(mRerefs, council, true, t.dep)
	g.referrals(council, &t, refA, b[iReferrals][:n])
	ref := b[iReferrals][:n]

	r := rs(iRerefs)
	for i, m := range ms {
		y := ix.y2i(m.FinancialYearStart() + 1)
		share := 0.22
		if refA[y] > 0 {
			share = clamp(rrA[y]/refA[y], 0.05, 0.45)
		}
		share = clamp(share*noise(&r, 0.05), 0, 1)
		if ref[i] < 40 {
			b[iRerefs][i] = r.binomial(ref[i], share)
		} else {
			b[iRerefs][i] = math.Min(math.Round(ref[i]*share), ref[i])
		}
	}
	r = rs(iAssessments)
	for i := range ms {
		b[iAssessments][i] = count(&r, 0.9*blend(ref, i)*t.assessF*noise(&r, 0.04))
	}
	r = rs(iS47)
	for i := range ms {
		b[iS47][i] = count(&r, 0.3*blend(ref, i)*t.s47F*noise(&r, 0.05))
	}

	cinA := ix.annual(mCIN, council, true, t.dep)
	r = rs(iCIN)
	a := newAR1(&r, 0.8, 0.012)
	for i, m := range ms {
		b[iCIN][i] = math.Round(g.between(cinA, m, time.March) * math.Exp(a.next(&r)))
	}
	// Children on a plan at 31 March are about 0.8 of the plans started in
	// the year to that date.
	cppA := ix.annual(mCPPStart, council, true, t.dep)
	for i := range cppA {
		cppA[i] *= 0.8
	}
	r = rs(iCPP)
	a = newAR1(&r, 0.8, 0.015)
	for i, m := range ms {
		v := g.between(cppA, m, time.March) * t.felt(cppPandemic.at(m)) * math.Exp(a.next(&r))
		b[iCPP][i] = math.Min(math.Round(v), b[iCIN][i])
	}
	r = rs(iCLA)
	a = newAR1(&r, 0.85, 0.01)
	for i, m := range ms {
		v := claRate.at(m) * t.claF * t.felt(claPandemic.at(m)) * kids[i] * math.Exp(a.next(&r))
		// Looked after children are children in need, as are those on a
		// plan; few are both, so keep the two within the total.
		b[iCLA][i] = math.Max(0, math.Min(math.Round(v), b[iCIN][i]-b[iCPP][i]))
	}

	// Elective home education.
	stock := g.tmp[:n]
	r = rs(iEHEKnown)
	a = newAR1(&r, 0.85, 0.015)
	for i, m := range ms {
		stock[i] = eheRate.at(m) * eheSeason.at(m) * t.eheF * math.Exp(t.eheTilt*yearsSince2017(m)) * kids[i]
		b[iEHEKnown][i] = math.Round(stock[i] * math.Exp(a.next(&r)))
	}
	r = rs(iEHENew)
	for i, m := range ms {
		lambda := stock[i] * 0.045 * eheNewSeason.at(m) * t.felt(eheNewPandemic.at(m, 1)) * noise(&r, 0.05)
		b[iEHENew][i] = count(&r, lambda)
	}
	r = rs(iEHEReturned)
	for i, m := range ms {
		lambda := stock[i] * 0.028 * eheReturnSeason.at(m) * t.felt(eheReturnPandemic.at(m, 1)) * noise(&r, 0.05)
		b[iEHEReturned][i] = count(&r, lambda)
	}
	r = rs(iEHENewHealth)
	for i, m := range ms {
		share := clamp(eheHealthShare.at(m)+t.healthSh+0.02*r.norm(), 0.02, 0.8)
		b[iEHENewHealth][i] = r.binomial(b[iEHENew][i], share)
	}

	// Early help.
	r = rs(iEHRequests)
	for i, m := range ms {
		lambda := ehRequests.at(m) * referralSeason.at(m) * t.felt(ehRequestsPandemic.at(m, 1)) * t.ehF * kids[i] * noise(&r, 0.05)
		b[iEHRequests][i] = count(&r, lambda)
	}
	r = rs(iEHAssessments)
	for i := range ms {
		b[iEHAssessments][i] = count(&r, 0.6*blend(b[iEHRequests][:n], i)*t.ehaF*noise(&r, 0.05))
	}
	r = rs(iEHOpen)
	a = newAR1(&r, 0.85, 0.015)
	for i, m := range ms {
		b[iEHOpen][i] = math.Round(ehOpen.at(m) * t.ehF * kids[i] * math.Exp(a.next(&r)))
	}
	r = rs(iEHStepdown)
	for i := range ms {
		b[iEHStepdown][i] = count(&r, 0.07*blend(ref, i)*t.stepF*noise(&r, 0.08))
	}

	// SEND.
	r = rs(iEHCP)
	a = newAR1(&r, 0.9, 0.006)
	for i, m := range ms {
		yrs := yearsSince2017(m)
		v := ehcpRate2017 * math.Pow(1+ehcpGrowth, yrs) * math.Exp(t.sendTilt*yrs) * t.sendF * kids[i]
		b[iEHCP][i] = math.Round(v * math.Exp(a.next(&r)))
	}
	expReq := g.tmp[:n] // the EHE stock is no longer needed
	r = rs(iEHCRequests)
	for i, m := range ms {
		yrs := yearsSince2017(m)
		expReq[i] = ehcReqRate2017 * math.Pow(1+ehcReqGrowth, yrs) * math.Exp(t.reqTilt*yrs) *
			ehcReqSeason.at(m) / 0.979 * t.felt(ehcReqPandemic.at(m, 1)) * t.reqF * kids[i]
		b[iEHCRequests][i] = count(&r, expReq[i]*noise(&r, 0.06))
	}
	// The 20-week percentage is drawn plan by plan (about 0.6 of requests
	// lead to a plan), so small councils swing more from month to month,
	// as real ones do. Every council is taken to issue at least five plans
	// a month: the smallest would otherwise issue none in most months and
	// leave nothing to show, or flip between 0 and 100%.
	r = rs(iEHCP20wk)
	a = newAR1(&r, 0.6, 4)
	for i, m := range ms {
		p := clamp(ehcp20wk.at(m)+t.pandemic*ehcp20wkPandemic.at(m, 0)+t.wk20Off+a.next(&r), 1, 99) / 100
		issued := math.Max(r.poisson(0.6*expReq[i]), 5)
		b[iEHCP20wk][i] = pct(100 * r.binomial(issued, p) / issued)
	}
	rAll, rEHCP := rs(iAttendAll), rs(iAttendEHCP)
	aAll, aEHCP := newAR1(&rAll, 0.5, 0.25), newAR1(&rEHCP, 0.5, 0.5)
	for i, m := range ms {
		na, ne := aAll.next(&rAll), aEHCP.next(&rEHCP)
		// August has no school sessions: the return carries July's figure.
		if m.Month == time.August {
			if i > 0 {
				b[iAttendAll][i], b[iAttendEHCP][i] = b[iAttendAll][i-1], b[iAttendEHCP][i-1]
				continue
			}
			m = m.Add(-1)
		}
		all, ehcp := attendance(m)
		s := attendanceSeason.at(m)
		vAll := all + s + t.attOff + na
		vEHCP := ehcp + 1.3*s + t.attOff + t.gapOff + ne
		if !closure(m) {
			// Pupils with a plan attend less than their peers in any
			// normal month; only the closures' measure can invert it.
			vEHCP = math.Min(vEHCP, vAll-0.5)
		}
		b[iAttendAll][i], b[iAttendEHCP][i] = pct(vAll), pct(vEHCP)
	}

	// Workforce, anchored on the September census.
	wf := func(code int, measure string, strain, sd float64, extra func(domain.Month) float64) {
		anchors := ix.annual(measure, council, false, 1)
		r := rs(code)
		a := newAR1(&r, 0.7, sd)
		for i, m := range ms {
			v := g.between(anchors, m, time.September) + strain*t.pandemic*workforceStrain(m) + a.next(&r)
			if extra != nil {
				v += extra(m)
			}
			b[code][i] = pct(v)
		}
	}
	wf(iVacancy, mVacancy, 1.0, 0.3, nil)
	wf(iAgency, mAgency, 0.8, 0.3, nil)
	wf(iCaseload, mCaseload, 0.4, 0.2, nil)
	wf(iAbsence, mAbsence, 0, 0.2, func(m domain.Month) float64 {
		return absenceSeason.at(m) + t.pandemic*absencePandemic.at(m, 0)
	})
}

// referrals spreads each financial year's official total over its months
// by the seasonal and pandemic shape, with noise, so the year sums to the
// published figure exactly while the months look like months.
func (g *generator) referrals(council int, t *traits, annual []float64, out []float64) {
	r := newRNG(seedFor(g.seed, council, knownCodes[iReferrals]))
	first, last := g.months[0], g.months[len(g.months)-1]
	ix := g.ix
	for s := first.FinancialYearStart(); s <= last.FinancialYearStart(); s++ {
		total := annual[ix.y2i(s+1)]
		// Lean the year towards its neighbours so April does not jump.
		lean := 0.0
		if prev, next := annual[ix.y2i(s)], annual[ix.y2i(s+2)]; prev > 0 && next > 0 {
			lean = clamp(math.Log(next/prev)/2, -0.3, 0.3)
		}
		april := domain.Month{Year: s, Month: time.April}
		var w [12]float64
		var sum float64
		for k := range w {
			m := april.Add(k)
			w[k] = referralSeason.at(m) * t.felt(referralPandemic.at(m, 1)) * noise(&r, 0.04) * math.Exp(lean*(float64(k)-5.5)/12)
			sum += w[k]
		}
		// Round the running total, not each month, so the months sum to
		// the year's figure.
		// Share the year's referrals among its months one by one
		// (a multinomial draw), so the months sum to the published figure
		// and a council with thirty referrals a year shows 1, 4, 2, 0, 3
		// rather than a tidy 2, 3, 2, 3.
		left := math.Round(total)
		for k := range w {
			v := r.binomial(left, w[k]/sum)
			left -= v
			sum -= w[k]
			if i := april.Index() + k - first.Index(); i >= 0 && i < len(out) {
				out[i] = v
			}
		}
	}
}

// generic shapes a catalogue indicator the demo does not know: a steady
// series by unit, so every catalogue indicator still has data.
func (g *generator) generic(council int, ind domain.Indicator, out []float64) {
	r := newRNG(seedFor(g.seed, council, ind.Code))
	n := len(g.months)
	a := newAR1(&r, 0.8, 0.05)
	for i, m := range g.months[:n] {
		x := a.next(&r)
		switch ind.Unit {
		case domain.UnitPercent:
			out[i] = pct(50 + 20*x)
		case domain.UnitRatio:
			out[i] = math.Round(math.Exp(x)*10) / 10
		default:
			lambda := 10 * g.childrenAt(council, m) / 1e4 * math.Exp(x)
			out[i] = count(&r, lambda)
		}
	}
}
