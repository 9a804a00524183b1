package charts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func months(n int) []domain.Month {
	return domain.MonthsBetween(domain.Month{Year: 2020, Month: time.January}, domain.Month{Year: 2020, Month: time.January}.Add(n-1))
}

func TestTrendOptionHasInteractionAndTimeline(t *testing.T) {
	v := 12.5
	opt, err := TrendOption(Trend{
		Title:  "Referrals",
		Months: months(6),
		Lines:  []Line{{Name: "Camden", Values: []*float64{&v, nil, &v, &v, &v, &v}}},
		Events: []domain.TimelineEvent{
			{Start: "2020-03-23", End: "2020-05-31", Kind: "lockdown", Label: "First national lockdown"},
			{Start: "2020-03-20", End: "2020-03-20", Kind: "event", Label: "Schools close"},
			{Start: "2023-01-01", End: "2023-01-01", Kind: "event", Label: "Outside the chart"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"tooltip"`, `"legend"`, `"dataZoom"`, `"saveAsImage"`, `"scale":true`,
		`"markArea"`, `"First national lockdown"`, `"markLine"`, `"Schools close"`, `"value":"-"`} {
		if !strings.Contains(s, want) {
			t.Errorf("option lacks %s: %s", want, s)
		}
	}
	if strings.Contains(s, "Outside the chart") {
		t.Error("an event outside the chart's months was drawn")
	}
}

// SECURITY W4: a hostile council name or label stays inert data in the
// option: it is a JSON string, never a function or markup.
func TestTrendOptionKeepsHostileTextAsData(t *testing.T) {
	v := 1.0
	opt, err := TrendOption(Trend{
		Title:  "</script><script>alert(1)</script>",
		Months: months(1),
		Lines:  []Line{{Name: "__f__alert(1)__f__", Values: []*float64{&v}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(opt)
	if strings.Contains(string(b), "<script>") {
		t.Fatalf("markup survived JSON encoding: %s", b)
	}
	if !strings.Contains(string(b), `"__f__alert(1)__f__"`) {
		t.Fatalf("label should remain a plain string: %s", b)
	}
}
