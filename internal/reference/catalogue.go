package reference

import "github.com/resilience-dashboard/resilience/internal/domain"

// Catalogue returns the monthly return's indicators in display order, with
// Position 1 to 24. It is the source of data/reference/indicators.csv.
//
// Conventions: counts are shown per 10,000 children aged 0 to 17 and demand
// counts are higher-is-worse, as in LAIT, except re-referrals, shown as a
// percentage of the month's referrals as DfE publishes them; percentages and the caseload ratio
// have no denominator. Definitions follow DfE's (children in need census,
// social work workforce census, LAIT data dictionary) where a published
// measure matches, restated for a month rather than a year, so that a
// council's monthly figures can sit beside the official annual ones.
func Catalogue() []domain.Indicator {
	cat := []domain.Indicator{
		// Elective home education.
		{Code: "EHE_KNOWN", Area: domain.AreaEHE, Label: "Children known to be electively home educated",
			Definition: "Number of children of compulsory school age known to the council to be electively home educated (EHE) on the last day of the month. Counts every child on the council's EHE register, however long ago they were registered.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true},
		{Code: "EHE_NEW", Area: domain.AreaEHE, Label: "Newly registered for elective home education",
			Definition: "Number of children added to the council's elective home education register during the month, including children returning to home education after a spell in school.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true},
		{Code: "EHE_RETURNED", Area: domain.AreaEHE, Label: "Returned to school from home education",
			Definition: "Number of children who left the council's elective home education register during the month because they started or returned to a school place.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherBetter, Denominator: domain.DenomChildren},
		{Code: "EHE_NEW_HEALTH", Area: domain.AreaEHE, Label: "New home education for health or anxiety reasons",
			Definition: "Number of the children newly registered for elective home education during the month whose main reason was health, including anxiety and concern about Covid-19. Part of the newly registered count.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, SubsetOf: "EHE_NEW"},

		// Children's social care.
		{Code: "CSC_REFERRALS", Area: domain.AreaSocial, Label: "Referrals to children's social care",
			Definition: "Number of referrals received by children's social care during the month. A referral is 'a request for services to be provided by children's social care services' for a child whose case is not already open; if a child is referred more than once, each referral is counted (DfE children in need census).",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true},
		{Code: "CSC_REREFERRALS", Area: domain.AreaSocial, Label: "Re-referrals within 12 months",
			Definition: "Number of the month's referrals concerning a child who had been referred within the 12 months before (DfE children in need census). Part of the referrals count. Shown as a percentage of the month's referrals, the measure DfE publishes.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomReferrals, SubsetOf: "CSC_REFERRALS"},
		{Code: "CSC_ASSESSMENTS", Area: domain.AreaSocial, Label: "Social care assessments completed",
			Definition: "Number of children's social care assessments completed during the month. An assessment of a referred child's needs decides what services to provide, and should be completed within 45 working days of the referral.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "CSC_S47", Area: domain.AreaSocial, Label: "Section 47 enquiries started",
			Definition: "Number of enquiries under section 47 of the Children Act 1989 started during the month. The council makes one when there is reasonable cause to suspect a child is suffering, or is likely to suffer, significant harm.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true},
		{Code: "CSC_CIN", Area: domain.AreaSocial, Label: "Children in need",
			Definition: "Number of children in need on the last day of the month, as defined under the Children Act 1989. Includes children on child in need plans, on child protection plans, looked after children, care leavers and disabled children.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true},
		{Code: "CSC_CPP", Area: domain.AreaSocial, Label: "Children on a child protection plan",
			Definition: "Number of children who were the subject of a child protection plan on the last day of the month. A child becomes the subject of a plan if assessed at an initial child protection conference as being at risk of harm. Part of children in need.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true, SubsetOf: "CSC_CIN"},
		{Code: "CSC_CLA", Area: domain.AreaSocial, Label: "Children looked after",
			Definition: "Number of children looked after by the council on the last day of the month under the Children Act 1989: accommodated for more than 24 hours, or subject to a care order or a placement order. Part of children in need.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren, Required: true, SubsetOf: "CSC_CIN"},

		// Early help.
		{Code: "EH_REQUESTS", Area: domain.AreaEarlyHelp, Label: "Requests for early help",
			Definition: "Number of requests for early help, from families or professionals, received by the council's early help service during the month, before any decision on whether to offer support.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "EH_ASSESSMENTS", Area: domain.AreaEarlyHelp, Label: "Early help assessments started",
			Definition: "Number of early help assessments started during the month, whichever agency holds the lead professional role.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "EH_OPEN", Area: domain.AreaEarlyHelp, Label: "Children open to early help",
			Definition: "Number of children with an open early help episode or plan on the last day of the month.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "EH_STEPDOWN", Area: domain.AreaEarlyHelp, Label: "Stepped down from social care to early help",
			Definition: "Number of children whose cases were closed to children's social care during the month and passed to early help. Neither direction is better: more step-downs can mean safe de-escalation or thresholds under pressure.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.Neutral, Denominator: domain.DenomChildren},

		// SEND.
		{Code: "SEND_EHCP", Area: domain.AreaSEND, Label: "Education, health and care plans",
			Definition: "Number of children and young people (aged up to 25) for whom the council maintains an education, health and care (EHC) plan on the last day of the month.",
			Unit:       domain.UnitCount, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "SEND_EHC_REQUESTS", Area: domain.AreaSEND, Label: "Requests for an EHC needs assessment",
			Definition: "Number of requests for an education, health and care needs assessment received by the council during the month, from parents, young people, schools or other settings.",
			Unit:       domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "SEND_EHCP_20WK", Area: domain.AreaSEND, Label: "New EHC plans issued within 20 weeks",
			Definition: "Percentage of new EHC plans issued during the month that were issued within the statutory 20 weeks of the request for assessment, excluding exception cases (as DfE publishes it).",
			Unit:       domain.UnitPercent, Kind: domain.KindFlow, Polarity: domain.HigherBetter, Denominator: domain.DenomNone},
		{Code: "SEND_ATTEND_EHCP", Area: domain.AreaSEND, Label: "Attendance of pupils with an EHC plan",
			Definition: "Percentage of possible school sessions attended during the month by pupils with an EHC plan in the council's state-funded schools. The gap with all pupils is derived, in percentage points.",
			Unit:       domain.UnitPercent, Kind: domain.KindFlow, Polarity: domain.HigherBetter, Denominator: domain.DenomNone},
		{Code: "SEND_ATTEND_ALL", Area: domain.AreaSEND, Label: "Attendance of all pupils",
			Definition: "Percentage of possible school sessions attended during the month by all pupils in the council's state-funded schools.",
			Unit:       domain.UnitPercent, Kind: domain.KindFlow, Polarity: domain.HigherBetter, Denominator: domain.DenomNone},

		// Workforce (system fatigue).
		{Code: "WF_VACANCY", Area: domain.AreaWorkforce, Label: "Social worker vacancy rate",
			Definition: "FTE vacancies for children and family social workers on the last day of the month, divided by the sum of those vacancies and the FTE social workers in post, as a percentage (DfE workforce census definition).",
			Unit:       domain.UnitPercent, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomNone},
		{Code: "WF_AGENCY", Area: domain.AreaWorkforce, Label: "Agency social worker rate",
			Definition: "FTE agency children and family social workers on the last day of the month, divided by the sum of agency workers and FTE social workers in post, as a percentage (DfE workforce census definition).",
			Unit:       domain.UnitPercent, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomNone},
		{Code: "WF_CASELOAD", Area: domain.AreaWorkforce, Label: "Average caseload per social worker",
			Definition: "Cases held by children and family social workers (including agency workers) on the last day of the month, divided by the FTE of those in post who held one or more cases (DfE workforce census definition).",
			Unit:       domain.UnitRatio, Kind: domain.KindStock, Polarity: domain.HigherWorse, Denominator: domain.DenomNone},
		{Code: "WF_ABSENCE", Area: domain.AreaWorkforce, Label: "Social worker absence rate",
			Definition: "Working days lost to sickness absence by children and family social workers during the month, as a percentage of the working days available to the FTE social workers in post (DfE workforce census definition, by month).",
			Unit:       domain.UnitPercent, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomNone},
	}
	for i := range cat {
		cat[i].Position = i + 1
	}
	return cat
}
