package intake

import (
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

func reconcileQueries(res *Result, indicator string) []domain.Message {
	var out []domain.Message
	for _, m := range res.Messages {
		if m.Rule == returns.RuleReconcile && (indicator == "" || m.Indicator == indicator) {
			out = append(out, m)
		}
	}
	return out
}

// Q06 through the intake, against DfE's published figures in the reference
// data: Camden (202) had 1,499 referrals in the year to 31 March 2020.
// Eleven months, April 2019 to February 2020, go in as a long bulk load,
// which completes no year of referrals; the template return for March 2020
// completes it. Twelve months that add up to within 5% of DfE's figure
// raise no Q06; twelve that are 10% over raise one naming the figures.
// Re-referrals are kept at DfE's 8.7% of referrals (131 of 1,499), so
// they raise none.
func TestReconcileQueryThroughService(t *testing.T) {
	apr2019, feb2020, mar2020 := domain.Month{Year: 2019, Month: time.April}, domain.Month{Year: 2020, Month: time.February}, domain.Month{Year: 2020, Month: time.March}
	for _, tc := range []struct {
		name          string
		before, march float64
		query         bool
		rereferrals   float64
	}{
		{"Within", 125, 125, false, 11},        // 11 × 125 + 125 = 1,500 against 1,499; 132 re-referrals, 8.8%
		{"TenPercentOver", 137, 142, true, 12}, // 11 × 137 + 142 = 1,649 against 1,499: +10.0%; 144, 8.7%
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := newService(t)
			values := typical(map[string]float64{"CSC_REFERRALS": tc.before, "CSC_REREFERRALS": tc.rereferrals})
			bulk := longFile(t, []int{202}, domain.MonthsBetween(apr2019, feb2020), values)
			res := submit(t, svc, bulk, nil)
			if qs := reconcileQueries(res, "CSC_REFERRALS"); len(qs) > 0 {
				t.Fatalf("eleven months raised Q06: %v", qs)
			}
			if res.Status != domain.StatusStored {
				// The workforce's September 2019 figures differ from DfE's
				// census (Q06 too); explained, the load is stored.
				if qs := reconcileQueries(res, "WF_VACANCY"); len(qs) != 1 || !strings.Contains(qs[0].Text, "at 30 September 2019") {
					t.Errorf("workforce queries %v", res.Messages)
				}
				if res = submit(t, svc, bulk, explainEvery(res)); res.Status != domain.StatusStored {
					t.Fatalf("bulk load: %s %v", res.Status, res.Messages)
				}
			}
			march := typical(map[string]float64{"CSC_REFERRALS": tc.march, "CSC_REREFERRALS": tc.rereferrals})
			res = submit(t, svc, templateFile(t, svc, 202, mar2020, march), nil)
			qs := reconcileQueries(res, "")
			if !tc.query {
				if len(qs) > 0 || res.Status != domain.StatusStored {
					t.Fatalf("status %s, Q06 %v; want stored with none", res.Status, qs)
				}
				return
			}
			if len(qs) != 1 || qs[0].Indicator != "CSC_REFERRALS" || res.Status != domain.StatusAwaiting {
				t.Fatalf("status %s, Q06 %v; want one for referrals, waiting", res.Status, res.Messages)
			}
			for _, want := range []string{"Camden (202)", "Referrals to children's social care (CSC_REFERRALS)", "in the year to 31 March 2020",
				"Apr 2019 to Mar 2020 add up to 1,649", "DfE published 1,499", "+150 (+10.0%)", "beyond the 5% tolerance"} {
				if !strings.Contains(qs[0].Text, want) {
					t.Errorf("Q06 lacks %q: %s", want, qs[0].Text)
				}
			}
			if qs[0].Council != 202 || qs[0].Month != "2020-03" {
				t.Errorf("Q06 is for council %d, month %s", qs[0].Council, qs[0].Month)
			}
			// A wider configured tolerance lets the same year through.
			svc.ReconcileTolerance = 0.15
			if res := submit(t, svc, templateFile(t, svc, 202, mar2020, march), nil); len(reconcileQueries(res, "")) > 0 {
				t.Errorf("15%% tolerance: %v", res.Messages)
			}
		})
	}
}
