package reference

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Framework returns the enabling-conditions framework as first published:
// the three conditions, three practical enablers and four challenges from
// Isos Partnership's January 2021 update to the LGA Children and Young
// People Board, "How local systems are responding to the Covid-19
// pandemic". Statements keep the research's words; the descriptors turn
// its findings into what a council can recognise in itself, and the
// levels say in plain words what each rating (1 to 4) looks like. It is the
// source of data/reference/framework.json, loaded as version 1;
// administrators reword the live copy, each change a new version.
func Framework() domain.Framework {
	return domain.Framework{Version: 1, Note: "As published by the research (Isos Partnership for the LGA, January 2021)", Items: []domain.FrameworkItem{
		{Code: "shared_values", Kind: domain.ItemCondition, Label: "Shared values", Role: "Champion",
			Statement: "Strong shared values and an ethos of collective, collaborative working on system-wide issues.",
			Levels: []string{
				"Partners work to their own priorities; there is no shared statement of purpose for vulnerable children, and system-wide issues fall between organisations.",
				"Leaders talk about shared purpose and some joint work exists, but it depends on a few people and stops at organisational boundaries when pressure rises.",
				"A shared purpose for vulnerable children is agreed and mostly acted on; partners usually take collective responsibility, with the council visibly championing children.",
				"Partners across the council, schools, health and the voluntary sector act on a shared purpose as a matter of course, take collective responsibility for system-wide issues, and see the council champion children and families.",
			},
			Descriptors: []string{
				"Leaders across the council, schools, health and partners describe a shared purpose for vulnerable children and act on it.",
				"Partners take collective responsibility for system-wide issues rather than each protecting their own part.",
				"The council champions vulnerable children and families, and partners see it doing so.",
			}},
		{Code: "relationships_trust", Kind: domain.ItemCondition, Label: "Relationships and trust", Role: "Convener",
			Statement: "Strong relationships and trust, underpinned by mature partnership structures.",
			Levels: []string{
				"Contact between the council, schools and partners is mostly formal or one-way; partnership boards share information but rarely decide things.",
				"Relationships are good with some partners or schools but not others; partnership structures exist but are still finding their role.",
				"Relationships with schools and partners are open and two-way; partnership structures meet regularly, decide things and are trusted to convene partners.",
				"Relationships are mature and trusted across the whole system; partners expect the council to convene them, and information is shared quickly and both ways when things change.",
			},
			Descriptors: []string{
				"Relationships between the council and schools, and between education and children's services, are open and two-way.",
				"Mature partnership structures (with health, police, schools and the voluntary sector) meet and decide things, not just share information.",
				"Partners trust the council to convene them and to share information quickly when things change.",
			}},
		{Code: "capacity_deliver", Kind: domain.ItemCondition, Label: "Capacity to deliver", Role: "Commissioner",
			Statement: "Capacity to deliver swiftly and effectively on the key practical challenges facing the system.",
			Levels: []string{
				"The council struggles to move people or money to where they are needed; services took months to adapt, or did not.",
				"Some services adapted quickly, but redeploying staff or budgets depends on one-off decisions and partners are unsure of the system's capacity.",
				"The council can redeploy people and money within weeks; most commissioned and in-house services adapted quickly, and partners are mostly confident in local support.",
				"The council redeploys people and money quickly and routinely; services adapt within weeks when circumstances change, and partners are confident in the quality and capacity of local support.",
			},
			Descriptors: []string{
				"The council can redeploy people and money quickly to where the system needs them.",
				"Commissioned and in-house services adapted within weeks, not months, when circumstances changed.",
				"Partners are confident in the quality of local support and in the system's capacity to deliver it.",
			}},
		{Code: "business_continuity", Kind: domain.ItemEnabler, Label: "Business continuity", Role: "",
			Statement: "Strong business continuity systems.",
			Levels: []string{
				"There are no current business continuity plans for children's services, or they were not used; critical services were disrupted.",
				"Plans exist but are out of date or untested; critical services kept going with improvisation and gaps.",
				"Plans are current and were used; critical services such as the front door, child protection and placements kept running with little disruption.",
				"Plans are current, tested and reviewed after use; every critical service kept running through disruption, and lessons have been built back into the plans.",
			},
			Descriptors: []string{
				"Business continuity plans for children's services are current, tested and were used.",
				"Critical services, such as the front door, child protection and placements, kept running through disruption.",
			}},
		{Code: "it_flexible", Kind: domain.ItemEnabler, Label: "IT for flexible working",
			Statement: "Strong IT infrastructure to support flexible working.",
			Levels: []string{
				"Many staff lack the devices or secure access to work away from the office; virtual meetings with families and partners are unreliable.",
				"Most staff can work remotely, but access, support or connections are patchy; virtual meetings work for some purposes only; digital exclusion among families is not yet known.",
				"Staff have the devices, access and support to work securely from anywhere; virtual meetings work reliably; digital exclusion among families and pupils is known.",
				"Staff work securely and reliably from anywhere; virtual meetings with families and partners work well for every purpose; digital exclusion is known and being addressed with partners.",
			},
			Descriptors: []string{
				"Staff have the devices, access and support to work securely from anywhere.",
				"Virtual meetings with families and partners (child protection conferences, reviews, family time) work reliably.",
				"Digital exclusion among families and pupils is known and being addressed.",
			}},
		{Code: "protocols_advice", Kind: domain.ItemEnabler, Label: "Enabling protocols and advice",
			Statement: "Capacity to develop consistent enabling protocols (visits, access to learning, procurement of PPE, access to office space) and to provide advice (public health, health and safety).",
			Levels: []string{
				"There are no agreed protocols for visits, access to learning, PPE or office space; schools and settings find their own advice.",
				"Some protocols were agreed, but slowly or inconsistently between services; advice to schools and settings is available but not always timely.",
				"Consistent protocols were agreed quickly and shared with partners; schools and settings get timely public health and health and safety advice.",
				"Protocols are agreed quickly, kept up to date and used consistently by every partner; schools and settings get timely advice they trust and act on.",
			},
			Descriptors: []string{
				"Consistent protocols for visits, access to learning, PPE and office space were agreed quickly and shared with partners.",
				"Schools and settings get timely public health and health and safety advice they trust.",
			}},
		{Code: "national_local", Kind: domain.ItemChallenge, Label: "National–local tensions",
			Statement: "Perception of a lack of trust and dialogue; overly-centralised decisions; the timeliness of communications and decisions from central government.",
			Levels: []string{
				"National guidance arrives in good time and fits local circumstances; little time goes on interpreting it or on reporting.",
				"Some national guidance arrives late or changes at short notice, but the council can interpret it for partners without much disruption.",
				"Late or changing national guidance regularly leaves the council interpreting it for partners, and reporting demands take noticeable time from the work itself.",
				"National decisions arrive late, change often and do not fit local circumstances; interpreting them and meeting reporting demands take time away from children and families.",
			},
			Descriptors: []string{
				"National guidance arrives late or changes with little notice, leaving the council to interpret it for partners.",
				"A compliance culture (counting activity rather than the quality of engagement) takes time from the work itself.",
			}},
		{Code: "care_learning", Kind: domain.ItemChallenge, Label: "Balancing care and learning",
			Statement: "Balancing care and the quality of learning: an initial emphasis on safety, variable experiences of learning, and now the size of some learning gaps.",
			Levels: []string{
				"Learning gaps are small and closing; attendance, including for pupils with SEND, is close to what it was; elective home education is stable.",
				"Learning gaps are visible for some groups; attendance of pupils with SEND is below what it was; elective home education is rising slowly.",
				"Learning gaps are widening for several groups, especially pupils with SEND; more children are moving into elective home education, often from anxiety about health.",
				"Learning gaps are wide and widening across groups; many pupils with SEND are separated from their support; elective home education is rising fast.",
			},
			Descriptors: []string{
				"Learning gaps are widening, especially for pupils with SEND separated from their support.",
				"More children are being taken into elective home education, often from anxiety about health.",
			},
			Indicators: []string{"SEND_ATTEND_EHCP", "SEND_ATTEND_ALL", "EHE_NEW", "EHE_NEW_HEALTH"}},
		{Code: "partnership_decisions", Kind: domain.ItemChallenge, Label: "Partnership decision-making",
			Statement: "Partnership-based decision-making: avoiding duplication and ensuring a joined-up, whole-system response.",
			Levels: []string{
				"Services working with the same families set consistent expectations; integrated working with health runs smoothly.",
				"Occasional duplication or mixed messages between services; integrated working with health is sometimes hard.",
				"Services often struggle to set consistent expectations for the same families; integrated working with health is hard, for example where health staff are redeployed.",
				"Decisions are made service by service with frequent duplication; families get conflicting expectations; integrated working with health has largely stopped.",
			},
			Descriptors: []string{
				"Services working with the same families, or in the same buildings, struggle to set consistent expectations.",
				"Integrated working with health is hard, for example where health staff have been redeployed.",
			},
			Indicators: []string{"EH_REQUESTS", "EH_STEPDOWN", "CSC_REREFERRALS"}},
		{Code: "system_fatigue", Kind: domain.ItemChallenge, Label: "System fatigue",
			Statement: "System fatigue: the resilience of staff and leaders; extreme fatigue and risk of burnout; pressure on institutions from staff isolating, vacancies and agency use.",
			Levels: []string{
				"Leaders and staff are coping; recruitment, retention, supervision and morale are stable.",
				"Some signs of fatigue among leaders and staff; vacancies or agency use are rising in places; supervision mostly keeps up.",
				"Leaders and staff show clear signs of burnout; recruitment and retention are hard, with rising vacancies and agency use; supervision and morale are under strain.",
				"Widespread burnout among leaders and staff; vacancies and agency use are high and rising; supervision is often missed and morale is low.",
			},
			Descriptors: []string{
				"Leaders and staff show signs of burnout: decision fatigue, isolation, workload.",
				"Recruitment and retention are hard; vacancies and agency use are rising.",
				"Supervision, morale and access to office space are under strain.",
			},
			Indicators: []string{"WF_VACANCY", "WF_AGENCY", "WF_CASELOAD", "WF_ABSENCE"}},
	}}
}

// frameworkJSON writes the framework as data/reference/framework.json:
// indented, so a change reads well in a diff.
func frameworkJSON(f domain.Framework) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// readFramework reads and checks framework.json; every indicator it names
// must be in the catalogue.
func readFramework(name string, b []byte, indicators map[string]bool) (domain.Framework, error) {
	var f domain.Framework
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: %w", name, err)
	}
	if err := f.Validate(); err != nil {
		return f, fmt.Errorf("%s: %s", name, domain.ErrorMessage(err))
	}
	for _, it := range f.Items {
		for _, code := range it.Indicators {
			if !indicators[code] {
				return f, fmt.Errorf("%s: %s names indicator %s, which is not in %s", name, it.Code, code, IndicatorsFile)
			}
		}
	}
	return f, nil
}
