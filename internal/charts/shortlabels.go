package charts

import "strings"

// shortLabels are the indicators' names where a chart has little room (the
// pressure heatmap's columns): each under 24 characters, and still plain
// words. The catalogue's full label goes in tooltips and tables. Kept in
// this one place so every chart abbreviates the same way.
var shortLabels = map[string]string{
	"EHE_KNOWN":         "Home educated",
	"EHE_NEW":           "Newly home educated",
	"EHE_RETURNED":      "Returned to school",
	"EHE_NEW_HEALTH":    "Home ed: health/anxiety",
	"CSC_REFERRALS":     "Referrals",
	"CSC_REREFERRALS":   "Re-referrals",
	"CSC_ASSESSMENTS":   "Assessments",
	"CSC_S47":           "Section 47 enquiries",
	"CSC_CIN":           "Children in need",
	"CSC_CPP":           "Child protection plans",
	"CSC_CLA":           "Children looked after",
	"EH_REQUESTS":       "Early help requests",
	"EH_ASSESSMENTS":    "Early help assessments",
	"EH_OPEN":           "Open to early help",
	"EH_STEPDOWN":       "Step-downs to early help",
	"SEND_EHCP":         "EHC plans",
	"SEND_EHC_REQUESTS": "EHC needs requests",
	"SEND_EHCP_20WK":    "EHC plans in 20 weeks",
	"SEND_ATTEND_EHCP":  "Attendance, EHC plan",
	"SEND_ATTEND_ALL":   "Attendance, all pupils",
	"WF_VACANCY":        "Social worker vacancies",
	"WF_AGENCY":         "Agency social workers",
	"WF_CASELOAD":       "Caseload per worker",
	"WF_ABSENCE":        "Social worker absence",
}

// maxShortLabel is the longest a short label may be, in characters.
const maxShortLabel = 24

// ShortLabel returns an indicator's short name for a crowded chart: the
// one kept for its code, else its label cut at a word to fit with an
// ellipsis.
func ShortLabel(code, label string) string {
	if s, ok := shortLabels[code]; ok {
		return s
	}
	r := []rune(label)
	if len(r) <= maxShortLabel {
		return label
	}
	cut := string(r[:maxShortLabel-1])
	if i := strings.LastIndex(cut, " "); i > maxShortLabel/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
