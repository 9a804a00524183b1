package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// AssessmentDates are the days the demo's self-assessments are dated: after
// the first wave, after the third lockdown, and a year on.
var AssessmentDates = []string{"2020-10-15", "2021-07-15", "2022-07-15"}

// assessmentAuthor is who the demo's assessments are recorded as saved by.
const assessmentAuthor = "demonstration data generator"

// RecentShare is the share of councils whose demo self-assessment has a
// recent version as well, dated two to eight months before the demo's last
// month, so that the product shows a realistic mix of current and
// out-of-date assessments.
const RecentShare = 0.7

// datesFor is when a council assessed itself: the AssessmentDates it
// existed for, up to last; a council that began after all of them (Cumberland,
// from April 2023) assesses itself once, three months after it began. About
// RecentShare of councils (drawn from seed) have also reviewed it recently.
func datesFor(co domain.Council, last domain.Month, seed int64) []string {
	out := pandemicDates(co, last)
	if last.IsZero() {
		last = domain.MonthOf(time.Now()).Add(-1)
	}
	r := newRNG(seedFor(seed, co.Number, "assessment-recent"))
	recent, back := r.float64() < RecentShare, 2+int(r.float64()*7)
	if m := last.Add(-back); recent && co.ExistedIn(m) {
		date := m.String() + "-15"
		if len(out) == 0 || out[len(out)-1] < date {
			out = append(out, date)
		}
	}
	return out
}

// pandemicDates are the AssessmentDates a council existed for, up to last,
// or for a council that began after them all, three months after it began.
func pandemicDates(co domain.Council, last domain.Month) []string {
	var out []string
	for _, date := range AssessmentDates {
		m, err := domain.ParseMonth(date[:7])
		if err != nil || !last.IsZero() && last.Before(m) {
			break
		}
		if co.ExistedIn(m) {
			out = append(out, date)
		}
	}
	if len(out) == 0 && !co.FirstMonth().IsZero() {
		if m := co.FirstMonth().Add(3); last.IsZero() || !last.Before(m) {
			out = append(out, m.String()+"-15")
		}
	}
	return out
}

// Assessments makes plausible self-assessments for every current council
// (or those in opts.Councils), one per date in AssessmentDates up to
// opts.Last, deterministic from opts.Seed. Each council has an underlying
// strength, so its ratings hang together across items and versions; the
// conditions tend to firm up over time while system fatigue grows into
// 2021 and eases a little after. Evidence text says it is synthetic.
func Assessments(ref *reference.Data, opts Options) ([]domain.Assessment, error) {
	if ref == nil || len(ref.Framework.Items) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "demo: no framework in the reference data")
	}
	councils, err := selectCouncils(ref, opts.Councils, domain.FirstMonth, domain.MonthOf(time.Now()))
	if err != nil {
		return nil, err
	}
	var out []domain.Assessment
	for _, co := range councils {
		if !co.Current {
			continue // only councils that exist now assess themselves
		}
		c := co.Number
		r := newRNG(seedFor(opts.Seed, c, "assessment"))
		// Strength around 2.6 on the 1–4 scale, with real spread between
		// councils; a separate pressure trait for the challenges.
		strength := 2.6 + 0.55*r.norm()
		pressure := 2.4 + 0.5*r.norm()
		for v, date := range datesFor(co, opts.Last, opts.Seed) {
			a := domain.Assessment{Council: c, Status: domain.AssessmentSubmitted, By: assessmentAuthor,
				At: date + "T12:00:00.000Z", Demo: true}
			for _, it := range ref.Framework.Items {
				var x float64
				switch it.Kind {
				case domain.ItemChallenge:
					x = pressure + challengeDrift(it.Code, v) + 0.45*r.norm()
				default:
					x = strength + 0.25*float64(v) + 0.45*r.norm()
				}
				rating := int(math.Round(min(max(x, domain.MinRating), domain.MaxRating)))
				a.Ratings = append(a.Ratings, domain.Rating{Item: it.Code, Rating: rating, Evidence: evidence(it, rating)})
			}
			a.Narrative = fmt.Sprintf("Synthetic self-assessment for demonstration, version %d (%s). "+
				"It shows how a council's own view of its enabling conditions sits beside its demand; it is not any council's real assessment.", v+1, date)
			out = append(out, a)
		}
	}
	return out, nil
}

// challengeDrift moves the challenges over the three dates as councils
// described them: fatigue worst in 2021, learning gaps clearer after the
// third lockdown, national–local tension easing.
func challengeDrift(code string, version int) float64 {
	drift := map[string][3]float64{
		"system_fatigue":        {0.2, 0.8, 0.5},
		"care_learning":         {0.3, 0.6, 0.3},
		"national_local":        {0.5, 0.3, -0.2},
		"partnership_decisions": {0, 0.1, -0.2},
	}[code]
	return drift[min(version, 2)]
}

// evidence writes a line of synthetic evidence for an item's rating.
func evidence(it domain.FrameworkItem, rating int) string {
	var level string
	if it.Kind == domain.ItemChallenge {
		level = [...]string{
			"Little sign of this pressure locally at present.",
			"Some pressure, which leaders are watching.",
			"Marked pressure, discussed at every partnership board.",
			"Severe pressure, with escalation to the chief executive.",
		}[rating-1]
	} else {
		level = [...]string{
			"Not yet in place; a plan is being drawn up.",
			"Developing: in place in some services, not yet system-wide.",
			"Established across most of the system and tested during the pandemic.",
			"Strong and embedded; partners cite it as a reason the response went well.",
		}[rating-1]
	}
	return fmt.Sprintf("[Synthetic demonstration evidence] %s: %s", it.Label, level)
}
