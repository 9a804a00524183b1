package reference

import "github.com/resilience-dashboard/resilience/internal/domain"

// Kinds of timeline event.
const (
	EventKind    = domain.EventOneDay   // a single day: End equals Start
	LockdownKind = domain.EventLockdown // a national lockdown, drawn as a band
	PhaseKind    = domain.EventPhase    // a response phase, drawn as a band
)

// Timeline returns the seeded pandemic timeline in date order, with IDs 1
// to 9. It is the source of data/reference/timeline.csv; LGA officers edit
// the live copy in the database.
//
// Choices where the record is loose: the first lockdown's band ends on
// 31 May 2020, the day before schools' phased reopening (which is its own
// event), because restrictions were eased in steps rather than lifted on
// one day. The "new normal" phase has no official end; charts need one, so
// it runs to 31 December 2021, the end of the period in which the councils
// studied were still adapting to Covid-19, and can be changed in admin.
func Timeline() []domain.TimelineEvent {
	return []domain.TimelineEvent{
		{ID: 1, Start: "2020-03-01", End: "2020-04-30", Kind: PhaseKind, Label: "Initial response",
			Description: "Councils and partners respond to the first wave: business continuity, remote working, emergency protocols for visits and vulnerable children."},
		{ID: 2, Start: "2020-03-20", End: "2020-03-20", Kind: EventKind, Label: "Schools close to most pupils",
			Description: "Schools close to all but vulnerable children and the children of critical workers."},
		{ID: 3, Start: "2020-03-23", End: "2020-05-31", Kind: LockdownKind, Label: "First national lockdown",
			Description: "Stay-at-home order from 23 March 2020; restrictions eased in stages from late May."},
		{ID: 4, Start: "2020-05-01", End: "2020-08-31", Kind: PhaseKind, Label: "Adapting to lockdown",
			Description: "Services adapt to lockdown: virtual visits, new ways of working with schools and health partners."},
		{ID: 5, Start: "2020-06-01", End: "2020-06-01", Kind: EventKind, Label: "Phased reopening of schools",
			Description: "Primary schools reopen to Reception, Year 1 and Year 6; secondary schools offer some contact to Years 10 and 12 from 15 June."},
		{ID: 6, Start: "2020-09-01", End: "2021-12-31", Kind: PhaseKind, Label: "New normal",
			Description: "Living with Covid-19: services run with continuing restrictions, local outbreaks and recovery."},
		{ID: 7, Start: "2020-09-01", End: "2020-09-01", Kind: EventKind, Label: "Full return to school",
			Description: "September 2020: all pupils expected back in school full time."},
		{ID: 8, Start: "2020-11-05", End: "2020-12-02", Kind: LockdownKind, Label: "Second national lockdown",
			Description: "England's second national lockdown; schools stay open."},
		{ID: 9, Start: "2021-01-06", End: "2021-03-08", Kind: LockdownKind, Label: "Third national lockdown",
			Description: "Schools closed to most pupils again, open to vulnerable children and the children of critical workers; all pupils return on 8 March 2021."},
	}
}
