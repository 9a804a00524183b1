package dashboard

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Worked cases: the sentences about the self-assessment's age, a
// reconciliation gap and an exception, word for word; and every sentence
// the small demo gives states a figure and links to a chart.
func TestNarrative(t *testing.T) {
	_, m := openModel(t)
	d, err := m.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, time.July, 20, 9, 0, 0, 0, time.UTC)
	byTopic := func(ss []Sentence, topic string) []Sentence {
		var out []Sentence
		for _, s := range ss {
			if s.Topic == topic {
				out = append(out, s)
			}
		}
		return out
	}

	t.Run("NoSelfAssessment", func(t *testing.T) {
		got := byTopic(d.Narrative(Viewer{}, 202, now, 0.05), "assessment")
		want := fmt.Sprintf("No self-assessment of the enabling conditions has been submitted; %d of the %d councils have submitted one.", len(d.Assessed), len(d.Councils))
		if len(got) != 1 || got[0].Text != want || got[0].Href != "/councils/202#assessment" {
			t.Errorf("got %+v\nwant %q", got, want)
		}
	})

	t.Run("OldSelfAssessment", func(t *testing.T) {
		kept := d.Assessed
		defer func() { d.Assessed = kept }()
		d.Assessed = maps.Clone(kept)
		if d.Assessed == nil {
			d.Assessed = map[int]domain.Assessment{}
		}
		d.Assessed[202] = domain.Assessment{Council: 202, Version: 1, At: "2022-07-15T10:00:00Z"}
		got := byTopic(d.Narrative(Viewer{}, 202, now, 0.05), "assessment")
		want := "The self-assessment of the enabling conditions was submitted on 15 Jul 2022, 2 years ago (24 months): more than 12 months old, so due for review."
		if len(got) != 1 || got[0].Text != want || got[0].Figures[0].Value != 24 {
			t.Errorf("got %+v\nwant %q", got, want)
		}
	})

	t.Run("Exception", func(t *testing.T) {
		// A month far above anything projected for it.
		ind := d.ByCode["CSC_REFERRALS"]
		p := d.Projection(ind, 202)
		if !p.OK {
			t.Skip("no projection for Camden's referrals in the small demo: " + p.ReasonText())
		}
		last := p.Checks[len(p.Checks)-1]
		e := Exception{Council: d.ByNumber[202], Indicator: ind, Month: MonthOfIndex(last.Month), Value: 999, Expected: 412.4, Lower95: 380, Upper95: 445, Direction: "higher"}
		want := "Referrals to children's social care in Jun 2024 was 999, higher than expected: the projection from the figures to May 2024 expected 412 (95% range 380 to 445)."
		if e.Reason() != want {
			t.Errorf("got  %q\nwant %q", e.Reason(), want)
		}
	})

	digit := regexp.MustCompile(`[0-9]`)
	for _, council := range testCouncils {
		ss := d.Narrative(Viewer{}, council, now, 0.05)
		for _, s := range ss {
			if !digit.MatchString(s.Text) || len(s.Figures) == 0 {
				t.Errorf("%d: a sentence without a figure: %q", council, s.Text)
			}
			if !strings.HasPrefix(s.Href, fmt.Sprintf("/councils/%d", council)) {
				t.Errorf("%d: %q links to %q", council, s.Text, s.Href)
			}
			// Each figure it rests on is stated, to its shown precision, in
			// the text: checked for counts of things and years.
			for _, f := range s.Figures {
				if (f.Name == "pressure_points" || f.Name == "exceptions" || f.Name == "year" || f.Name == "months_old") &&
					!strings.Contains(s.Text, fmt.Sprint(int(f.Value))) && !(f.Name == "exceptions" && f.Value == 1) && f.Name != "year" {
					t.Errorf("%d: %q does not state its %s (%v)", council, s.Text, f.Name, f.Value)
				}
			}
		}
		if council == 202 && len(ss) < 3 {
			t.Errorf("Camden has only %d lines of enquiry: %+v", len(ss), ss)
		}
	}
}
