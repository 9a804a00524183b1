package domain

import (
	"strings"
	"testing"
)

func shape() Framework {
	f := Framework{Version: 1}
	add := func(kind string, codes ...string) {
		for _, c := range codes {
			f.Items = append(f.Items, FrameworkItem{Code: c, Kind: kind, Label: c, Statement: "s", Descriptors: []string{"a", "b"}})
		}
	}
	add(ItemCondition, "c1", "c2", "c3")
	add(ItemEnabler, "e1", "e2", "e3")
	add(ItemChallenge, "h1", "h2", "h3", "h4")
	return f
}

func TestFrameworkValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Framework)
		want   string // "" for valid
	}{
		{"OK", func(*Framework) {}, ""},
		{"OKFourDescriptors", func(f *Framework) { f.Items[0].Descriptors = []string{"a", "b", "c", "d"} }, ""},
		{"ErrOneDescriptor", func(f *Framework) { f.Items[0].Descriptors = []string{"a"} }, "has 1 descriptors"},
		{"ErrFiveDescriptors", func(f *Framework) { f.Items[0].Descriptors = []string{"a", "b", "c", "d", "e"} }, "has 5 descriptors"},
		{"ErrEmptyDescriptor", func(f *Framework) { f.Items[1].Descriptors = []string{"a", " "} }, "empty descriptor"},
		{"ErrNoLabel", func(f *Framework) { f.Items[2].Label = " " }, "needs a label"},
		{"ErrNoStatement", func(f *Framework) { f.Items[3].Statement = "" }, "needs a statement"},
		{"ErrDuplicateCode", func(f *Framework) { f.Items[4].Code = "c1" }, "appears twice"},
		{"ErrUnknownKind", func(f *Framework) { f.Items[5].Kind = "opportunity" }, "kind \"opportunity\""},
		{"ErrFourConditions", func(f *Framework) { f.Items[3].Kind = ItemCondition }, "4 enabling conditions"},
		{"ErrMissingChallenge", func(f *Framework) { f.Items = f.Items[:9] }, "3 challenges"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := shape()
			tt.change(&f)
			err := f.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestAssessmentCheck(t *testing.T) {
	f := shape()
	full := func(status string) Assessment {
		a := Assessment{Status: status}
		for _, it := range f.Items {
			a.Ratings = append(a.Ratings, Rating{Item: it.Code, Rating: 2})
		}
		return a
	}
	tests := []struct {
		name   string
		a      func() Assessment
		fields []string
	}{
		{"OKSubmitted", func() Assessment { return full(AssessmentSubmitted) }, nil},
		{"OKDraftUnrated", func() Assessment { return Assessment{Status: AssessmentDraft} }, nil},
		{"ErrSubmittedUnrated", func() Assessment {
			a := full(AssessmentSubmitted)
			a.Ratings[0].Rating, a.Ratings[9].Rating = 0, 0
			return a
		}, []string{"rating-c1", "rating-h4"}},
		{"ErrOffScaleInDraft", func() Assessment {
			a := full(AssessmentDraft)
			a.Ratings[4].Rating = 5
			return a
		}, []string{"rating-e2"}},
		{"ErrUnknownItem", func() Assessment {
			a := full(AssessmentSubmitted)
			a.Ratings = append(a.Ratings, Rating{Item: "zz", Rating: 1})
			return a
		}, []string{"rating-zz"}},
		{"ErrEvidenceTooLong", func() Assessment {
			a := full(AssessmentSubmitted)
			a.Ratings[1].Evidence = strings.Repeat("é", MaxEvidenceChars+1)
			return a
		}, []string{"evidence-c2"}},
		{"OKEvidenceAtLimit", func() Assessment {
			a := full(AssessmentSubmitted)
			a.Ratings[1].Evidence = strings.Repeat("é", MaxEvidenceChars)
			return a
		}, nil},
		{"ErrNarrativeTooLong", func() Assessment {
			a := full(AssessmentSubmitted)
			a.Narrative = strings.Repeat("x", MaxNarrativeChars+1)
			return a
		}, []string{"narrative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a()
			errs := a.Check(&f)
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("Check fields = %v; want %v", got, tt.fields)
			}
		})
	}
}

func TestRatingLabel(t *testing.T) {
	if RatingLabel(ItemCondition, 1) != "Not in place" || RatingLabel(ItemEnabler, 4) != "Strong" ||
		RatingLabel(ItemChallenge, 4) != "Severe pressure" || RatingLabel(ItemChallenge, 1) != "Low pressure" ||
		RatingLabel(ItemCondition, 0) != "" || RatingLabel(ItemCondition, 5) != "" {
		t.Error("rating labels are off the scale")
	}
}
