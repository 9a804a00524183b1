package demo

import (
	"math"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// This file holds the national shapes the demo echoes: seasonality, the
// pandemic's months, and the national levels of indicators that have no
// official annual series to anchor on. Councils vary around every one of
// them (see traits in series.go). Sources are those in PRODUCT.md, "The
// pandemic's shape", and DfE's and ADCS's published national figures.

func mon(y int, m time.Month) domain.Month { return domain.Month{Year: y, Month: m} }

// knot is one point of a piecewise-linear national curve.
type knot struct {
	at domain.Month
	v  float64
}

// curve is a piecewise-linear function of the month, flat before its first
// knot and after its last, so a curve never runs away outside the years it
// was drawn for.
type curve []knot

func (c curve) at(m domain.Month) float64 {
	i := m.Index()
	if i <= c[0].at.Index() {
		return c[0].v
	}
	for k := 1; k < len(c); k++ {
		hi := c[k].at.Index()
		if i <= hi {
			lo := c[k-1].at.Index()
			f := float64(i-lo) / float64(hi-lo)
			return c[k-1].v + f*(c[k].v-c[k-1].v)
		}
	}
	return c[len(c)-1].v
}

// months maps particular months to a value; any other month gets def.
type months map[domain.Month]float64

func (t months) at(m domain.Month, def float64) float64 {
	if v, ok := t[m]; ok {
		return v
	}
	return def
}

// seasonal is indexed by calendar month, January first.
type seasonal [12]float64

func (s seasonal) at(m domain.Month) float64 { return s[m.Month-1] }

// Referrals dip in August and late December, when schools (the largest
// source of referrals after the police) are shut, and peak in the autumn
// term.
var referralSeason = seasonal{1.00, 1.02, 1.06, 0.92, 1.04, 1.05, 1.05, 0.84, 0.97, 1.08, 1.08, 0.89}

// referralPandemic is the national pandemic effect on referrals relative to
// the usual level for the month: about 20% below in April 2020, 16% below
// in late May, 10% in June, recovering over the summer; a rebound above
// usual in the autumn term of 2020 and of 2021; 23% below in January 2021
// with schools closed again. The financial-year totals come from the
// official figures, so these only shape the months within each year
// (April 2020 to March 2021 averages 8% below usual, close to the 7% DfE
// published for that year).
var referralPandemic = months{
	mon(2020, time.March): 0.92, mon(2020, time.April): 0.80, mon(2020, time.May): 0.84,
	mon(2020, time.June): 0.90, mon(2020, time.July): 0.96, mon(2020, time.August): 0.98,
	mon(2020, time.September): 1.03, mon(2020, time.October): 1.04, mon(2020, time.November): 0.98,
	mon(2020, time.December): 0.98, mon(2021, time.January): 0.77, mon(2021, time.February): 0.85,
	mon(2021, time.September): 1.03, mon(2021, time.October): 1.04, mon(2021, time.November): 1.02,
}

// cppPandemic: child protection plans held level in the first wave, ran
// about 2% above 2019–20 from May to December 2020 and below it from
// January 2021 (DfE vulnerable children survey).
var cppPandemic = curve{
	{mon(2020, time.April), 1}, {mon(2020, time.June), 1.02}, {mon(2020, time.November), 1.02},
	{mon(2021, time.February), 0.98}, {mon(2021, time.December), 0.98}, {mon(2022, time.June), 1},
}

// claPandemic: children looked after ran about 3% above the same time in
// 2019–20 through the pandemic, as fewer children left care.
var claPandemic = curve{
	{mon(2020, time.March), 1}, {mon(2020, time.June), 1.03}, {mon(2021, time.December), 1.03}, {mon(2022, time.September), 1},
}

// claRate is children looked after at month end per 10,000 children in
// England (DfE, children looked after in England, 31 March each year).
var claRate = curve{
	{mon(2016, time.March), 60}, {mon(2017, time.March), 62}, {mon(2018, time.March), 64},
	{mon(2019, time.March), 65}, {mon(2020, time.March), 67}, {mon(2021, time.March), 67},
	{mon(2022, time.March), 70}, {mon(2023, time.March), 71}, {mon(2024, time.March), 70},
	{mon(2025, time.March), 70}, {mon(2030, time.March), 72},
}

// eheRate is children known to be home educated per 10,000 children, as at
// October (about 47 at the October 2019 census day, i.e. about 55,000
// children; up about a third by autumn 2020 as families kept children home
// over Covid-19 and anxiety; about 90 by 2025 as the rise continued). The
// June 2020 knot holds the level flat until schools reopened in September.
var eheRate = curve{
	{mon(2016, time.October), 37}, {mon(2017, time.October), 41}, {mon(2018, time.October), 45},
	{mon(2019, time.October), 47}, {mon(2020, time.June), 49}, {mon(2020, time.October), 61},
	{mon(2021, time.October), 66}, {mon(2022, time.October), 70}, {mon(2023, time.October), 77},
	{mon(2024, time.October), 86}, {mon(2025, time.October), 91}, {mon(2030, time.October), 112},
}

// The home education register grows through the school year and shrinks
// in the summer, when Year 11 leave it and some children take up school
// places for September (relative to October).
var eheSeason = seasonal{1.04, 1.06, 1.08, 1.09, 1.11, 1.12, 1.03, 0.95, 0.94, 1.00, 1.02, 1.03}

// New registrations peak in September to November, as children fail to
// start or return to school, and are few in August.
var eheNewSeason = seasonal{1.15, 1.05, 1.05, 0.80, 1.00, 0.95, 0.65, 0.30, 1.45, 1.70, 1.50, 0.80}

// eheNewPandemic: few deregistrations while schools were closed, then the
// autumn 2020 surge.
var eheNewPandemic = months{
	mon(2020, time.March): 0.8, mon(2020, time.April): 0.4, mon(2020, time.May): 0.5, mon(2020, time.June): 0.8,
	mon(2020, time.July): 0.9, mon(2020, time.September): 1.6, mon(2020, time.October): 1.6,
	mon(2020, time.November): 1.4, mon(2020, time.December): 1.2, mon(2021, time.January): 0.9,
	mon(2021, time.February): 0.9, mon(2021, time.March): 1.3, mon(2021, time.April): 1.1,
	mon(2021, time.September): 1.2, mon(2021, time.October): 1.15,
}

// Returns to school cluster at the start of the school year and of terms.
var eheReturnSeason = seasonal{1.3, 1.0, 1.0, 1.1, 0.9, 0.8, 0.6, 0.3, 1.9, 1.2, 1.0, 0.7}

var eheReturnPandemic = months{
	mon(2020, time.April): 0.3, mon(2020, time.May): 0.4, mon(2020, time.June): 0.7, mon(2020, time.July): 0.8,
	mon(2021, time.January): 0.5, mon(2021, time.February): 0.6,
}

// eheHealthShare is the share of new home education whose main reason was
// health, including anxiety: about one in ten before the pandemic, and the
// most common reason in 2020/21 (concern about Covid-19), settling above
// the old level as mental health took its place.
var eheHealthShare = curve{
	{mon(2017, time.January), 0.09}, {mon(2020, time.February), 0.11}, {mon(2020, time.April), 0.30},
	{mon(2020, time.September), 0.36}, {mon(2021, time.March), 0.33}, {mon(2021, time.September), 0.26},
	{mon(2022, time.September), 0.21}, {mon(2023, time.September), 0.19},
}

// ehRequests is requests for early help per 10,000 children per month;
// demand rose from mid-2020 as families who had not needed help before
// asked for it.
var ehRequests = curve{
	{mon(2016, time.January), 30}, {mon(2020, time.March), 32.5}, {mon(2020, time.June), 33},
	{mon(2021, time.June), 38}, {mon(2025, time.June), 42}, {mon(2030, time.June), 46},
}

var ehRequestsPandemic = months{
	mon(2020, time.March): 0.9, mon(2020, time.April): 0.65, mon(2020, time.May): 0.75, mon(2020, time.June): 0.92,
	mon(2020, time.September): 1.08, mon(2020, time.October): 1.10, mon(2020, time.November): 1.05,
	mon(2021, time.January): 0.9, mon(2021, time.February): 0.95,
}

// ehOpen is children open to early help at month end per 10,000 children.
var ehOpen = curve{
	{mon(2016, time.January), 140}, {mon(2020, time.March), 148}, {mon(2020, time.June), 150},
	{mon(2021, time.September), 175}, {mon(2023, time.September), 185}, {mon(2030, time.September), 200},
}

// EHC plans per 10,000 children: about 240 in January 2017, rising about
// 10% a year (DfE, Education, health and care plans).
const (
	ehcpRate2017   = 240.0
	ehcpGrowth     = 0.10
	ehcReqRate2017 = 3.2 // requests per 10,000 children per month
	ehcReqGrowth   = 0.13
)

// yearsSince2017 measures time for the compound growth of SEND.
func yearsSince2017(m domain.Month) float64 {
	return float64(m.Index()-mon(2017, time.January).Index()) / 12
}

// Requests for EHC needs assessments follow the school terms.
var ehcReqSeason = seasonal{1.10, 1.00, 1.15, 0.85, 1.05, 1.15, 1.10, 0.40, 0.80, 1.15, 1.15, 0.85}

var ehcReqPandemic = months{
	mon(2020, time.April): 0.55, mon(2020, time.May): 0.65, mon(2020, time.June): 0.85,
	mon(2020, time.July): 0.95, mon(2021, time.January): 0.9,
}

// ehcp20wk is the national percentage of new EHC plans issued within 20
// weeks (about 60% before the pandemic, about 50% from 2022).
var ehcp20wk = curve{
	{mon(2016, time.July), 60}, {mon(2017, time.July), 64}, {mon(2018, time.July), 60},
	{mon(2019, time.July), 60}, {mon(2020, time.July), 58}, {mon(2021, time.July), 58},
	{mon(2022, time.July), 50}, {mon(2023, time.July), 50}, {mon(2024, time.July), 47},
	{mon(2025, time.July), 46},
}

// ehcp20wkPandemic: the temporary easing of the 20-week duty (May to
// September 2020) let timeliness slip, in percentage points.
var ehcp20wkPandemic = months{
	mon(2020, time.April): -3, mon(2020, time.May): -7, mon(2020, time.June): -8, mon(2020, time.July): -8,
	mon(2020, time.August): -6, mon(2020, time.September): -5,
}

// closure reports the months when schools were closed to most pupils.
func closure(m domain.Month) bool {
	switch m {
	case mon(2020, time.April), mon(2020, time.May), mon(2021, time.January), mon(2021, time.February):
		return true
	}
	return false
}

// attendance gives national attendance, in percent, of all pupils and of
// pupils with an EHC plan, before the seasonal adjustment. During the
// closures the return measures attendance of the pupils expected in school
// (vulnerable children and children of critical workers offered a place)
// against the sessions they were offered, which is how we chose to keep
// the series meaningful: it dips several points rather than collapsing to
// the 1–20% of all pupils who were physically in school. The gap widens
// from about 4.5 points before the pandemic to about 6 after.
func attendance(m domain.Month) (all, ehcp float64) {
	switch {
	case m.Before(mon(2020, time.March)):
		return 95.5, 91.0
	case m == mon(2020, time.March):
		return 93.5, 89.0
	case closure(m) && m.Year == 2020:
		return 88.0, 85.5
	case m.Before(mon(2020, time.September)): // phased reopening
		return 90.0, 86.5
	case m.Before(mon(2021, time.January)): // full return, with isolation
		return 91.5, 87.0
	case closure(m):
		return 89.0, 86.0
	case m.Before(mon(2021, time.September)):
		return 93.0, 88.5
	case m.Before(mon(2022, time.September)):
		return 92.4, 87.2
	case m.Before(mon(2023, time.September)):
		return 92.6, 86.8
	case m.Before(mon(2024, time.September)):
		return 92.9, 86.9
	}
	return 93.1, 87.0
}

// Attendance is highest in September and lowest around Christmas and at
// the end of the summer term, in points. August has no sessions: the
// return carries July's figure (see series.go).
var attendanceSeason = seasonal{-0.3, -0.5, -0.2, 0.1, 0.2, 0.0, -0.8, -0.8, 0.9, 0.3, 0.0, -1.0}

// absencePandemic adds to the social worker absence rate, in points: the
// spike of May–June 2020, when some councils had more than a tenth of
// social workers unavailable, and the winter waves.
var absencePandemic = months{
	mon(2020, time.March): 0.8, mon(2020, time.April): 1.6, mon(2020, time.May): 2.6, mon(2020, time.June): 2.3,
	mon(2020, time.July): 0.9, mon(2020, time.August): 0.3, mon(2020, time.October): 0.3,
	mon(2020, time.November): 0.6, mon(2020, time.December): 0.8, mon(2021, time.January): 1.3,
	mon(2021, time.February): 0.7, mon(2021, time.December): 0.9, mon(2022, time.January): 1.1,
	mon(2022, time.February): 0.4,
}

// Sickness absence is higher in winter.
var absenceSeason = seasonal{0.3, 0.2, 0.1, 0, -0.1, -0.1, -0.1, -0.3, -0.1, 0, 0.1, 0.2}

// workforceStrain is the extra vacancy, agency and caseload pressure
// between the September censuses of 2020 to 2022, peaking each March: the
// annual snapshots miss the worst of the winters. It is zero at each
// September, so the census values stay as published.
func workforceStrain(m domain.Month) float64 {
	start, end := mon(2020, time.September).Index(), mon(2022, time.September).Index()
	i := m.Index()
	if i <= start || i >= end {
		return 0
	}
	return math.Sin(math.Pi * float64((i-start)%12) / 12)
}
