package domain

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Kinds of item in the enabling-conditions framework.
const (
	// ItemCondition is one of the three enabling conditions the research
	// found in the councils that coped best.
	ItemCondition = "condition"
	// ItemEnabler is one of the three practical enablers.
	ItemEnabler = "enabler"
	// ItemChallenge is one of the four challenges councils named.
	ItemChallenge = "challenge"
)

// ItemKinds lists the kinds in the order the form and pages show them.
var ItemKinds = []string{ItemCondition, ItemEnabler, ItemChallenge}

// Ratings run from 1 to 4. For conditions and enablers 4 is strong; for
// challenges 4 is severe pressure.
const (
	MinRating = 1
	MaxRating = 4
)

// Limits on what a person may type, so one field cannot swamp a page or
// the database.
const (
	MaxEvidenceChars  = 5000
	MaxNarrativeChars = 10000
)

// KindLabel names a kind of item for people, in the plural.
func KindLabel(kind string) string {
	switch kind {
	case ItemCondition:
		return "Enabling conditions"
	case ItemEnabler:
		return "Practical enablers"
	case ItemChallenge:
		return "Challenges"
	}
	return kind
}

// RatingLabel names a rating on the scale of a kind of item: conditions
// and enablers from "not in place" to "strong", challenges from "low" to
// "severe" pressure. It returns "" for a rating off the scale.
func RatingLabel(kind string, rating int) string {
	if rating < MinRating || rating > MaxRating {
		return ""
	}
	if kind == ItemChallenge {
		return [...]string{"Low pressure", "Moderate pressure", "High pressure", "Severe pressure"}[rating-1]
	}
	return [...]string{"Not in place", "Developing", "Established", "Strong"}[rating-1]
}

// FrameworkItem is one thing a council rates itself on.
type FrameworkItem struct {
	// Code is stable across framework versions; ratings refer to it.
	Code string `json:"code"`
	Kind string `json:"kind"`
	// Label is the short name ("Shared values").
	Label string `json:"label"`
	// Role is the council's part in a condition: champion, convener or
	// commissioner. Empty for enablers and challenges.
	Role string `json:"role,omitempty"`
	// Statement is the research's wording of the item.
	Statement string `json:"statement"`
	// Descriptors say what "strong" looks like (conditions and enablers)
	// or what the pressure looks like (challenges): two to four of them.
	Descriptors []string `json:"descriptors"`
	// Levels say what each rating looks like, in plain words: Levels[0]
	// for 1 (not in place, or low pressure) to Levels[3] for 4 (strong,
	// or severe pressure). Frameworks saved before levels existed have
	// none.
	Levels []string `json:"levels,omitempty"`
	// Indicators are catalogue codes the item bears on, shown beside it
	// (system fatigue beside the workforce indicators).
	Indicators []string `json:"indicators,omitempty"`
}

// Framework is the enabling-conditions framework a self-assessment is made
// against. Administrators may reword it; every change is a new version.
type Framework struct {
	Version int             `json:"version"`
	Items   []FrameworkItem `json:"items"`
	// By and At say who saved this version and when.
	By string `json:"by,omitempty"`
	At string `json:"at,omitempty"`
	// Note says what changed, for the version list.
	Note string `json:"note,omitempty"`
}

// How many items of each kind the framework holds. The score and the
// pages rely on the research's three conditions, three enablers and four
// challenges, so a new version may reword them but not add or drop any.
var frameworkShape = map[string]int{ItemCondition: 3, ItemEnabler: 3, ItemChallenge: 4}

// Validate checks the framework's shape: three conditions, three enablers
// and four challenges with unique codes, each with a label, a statement and
// two to four descriptors. Errors name the item.
func (f *Framework) Validate() error {
	counts := map[string]int{}
	seen := map[string]bool{}
	for i, it := range f.Items {
		name := it.Code
		if name == "" {
			name = fmt.Sprintf("item %d", i+1)
		}
		switch {
		case it.Code == "" || strings.TrimSpace(it.Code) != it.Code:
			return Errorf(EINVALID, "framework: %s has no code", name)
		case seen[it.Code]:
			return Errorf(EINVALID, "framework: code %s appears twice", it.Code)
		case frameworkShape[it.Kind] == 0:
			return Errorf(EINVALID, "framework: %s has kind %q; use condition, enabler or challenge", name, it.Kind)
		case strings.TrimSpace(it.Label) == "":
			return Errorf(EINVALID, "framework: %s needs a label", name)
		case strings.TrimSpace(it.Statement) == "":
			return Errorf(EINVALID, "framework: %s (%s) needs a statement", name, it.Label)
		case len(it.Descriptors) < 2 || len(it.Descriptors) > 4:
			return Errorf(EINVALID, "framework: %s (%s) has %d descriptors; give two to four", name, it.Label, len(it.Descriptors))
		}
		for _, d := range it.Descriptors {
			if strings.TrimSpace(d) == "" {
				return Errorf(EINVALID, "framework: %s (%s) has an empty descriptor", name, it.Label)
			}
		}
		if len(it.Levels) != 0 && len(it.Levels) != MaxRating {
			return Errorf(EINVALID, "framework: %s (%s) describes %d rating levels; describe all %d or none", name, it.Label, len(it.Levels), MaxRating)
		}
		for i, l := range it.Levels {
			if strings.TrimSpace(l) == "" {
				return Errorf(EINVALID, "framework: %s (%s) has no words for rating %d", name, it.Label, i+1)
			}
		}
		seen[it.Code] = true
		counts[it.Kind]++
	}
	for _, kind := range ItemKinds {
		if counts[kind] != frameworkShape[kind] {
			return Errorf(EINVALID, "framework: %d %s; the framework has %d", counts[kind], strings.ToLower(KindLabel(kind)), frameworkShape[kind])
		}
	}
	return nil
}

// Level is what rating r of the item looks like, or "" when the
// framework does not say.
func (it FrameworkItem) Level(r int) string {
	if r < MinRating || r > MaxRating || len(it.Levels) != MaxRating {
		return ""
	}
	return it.Levels[r-1]
}

// Item returns the item with a code.
func (f *Framework) Item(code string) (FrameworkItem, bool) {
	for _, it := range f.Items {
		if it.Code == code {
			return it, true
		}
	}
	return FrameworkItem{}, false
}

// ItemsOf lists the items of one kind, in order.
func (f *Framework) ItemsOf(kind string) []FrameworkItem {
	var out []FrameworkItem
	for _, it := range f.Items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// SameItems reports whether two frameworks hold the same item codes and
// kinds in the same order, so ratings made against one read against the
// other.
func (f *Framework) SameItems(o *Framework) bool {
	return slices.EqualFunc(f.Items, o.Items, func(a, b FrameworkItem) bool { return a.Code == b.Code && a.Kind == b.Kind })
}

// Assessment statuses.
const (
	// AssessmentDraft is the council's working copy: one at most, seen
	// only by the people who may edit it.
	AssessmentDraft = "draft"
	// AssessmentSubmitted is a dated version, kept for good.
	AssessmentSubmitted = "submitted"
)

// Rating is one item's rating and the evidence for it. Rating 0 means not
// rated yet (allowed in a draft only).
type Rating struct {
	Item     string `json:"item"`
	Rating   int    `json:"rating"`
	Evidence string `json:"evidence,omitempty"`
}

// Assessment is a council's self-assessment against the framework.
type Assessment struct {
	ID      int64  `db:"id" json:"id"`
	Council int    `db:"la_number" json:"council"`
	Status  string `db:"status" json:"status"`
	// Version numbers a council's submitted assessments from 1; 0 for a
	// draft.
	Version          int      `db:"version" json:"version"`
	FrameworkVersion int      `db:"framework_version" json:"framework_version"`
	Narrative        string   `db:"narrative" json:"narrative,omitempty"`
	Ratings          []Rating `db:"-" json:"ratings"`
	// By is the email address of whoever saved it; At when (RFC 3339).
	By   string `db:"saved_by" json:"by"`
	At   string `db:"saved_at" json:"at"`
	Demo bool   `db:"demo" json:"demo,omitempty"`
}

// RatingOf returns an item's rating and evidence (zero when absent).
func (a *Assessment) RatingOf(item string) Rating {
	for _, r := range a.Ratings {
		if r.Item == item {
			return r
		}
	}
	return Rating{Item: item}
}

// Date is the day the assessment was saved, YYYY-MM-DD.
func (a *Assessment) Date() string {
	if len(a.At) >= 10 {
		return a.At[:10]
	}
	return a.At
}

// FieldError is a problem with one field of a form, for the GOV.UK error
// summary: Field is the input's id, Message what to do.
type FieldError struct {
	Field   string
	Message string
}

// Check returns the assessment's problems against a framework. Every
// rating must be on the scale, or 0 in a draft; a submitted assessment
// needs every item rated. Text is limited in length; ratings for items the
// framework does not hold are refused.
func (a *Assessment) Check(f *Framework) []FieldError {
	var errs []FieldError
	for _, r := range a.Ratings {
		if _, ok := f.Item(r.Item); !ok {
			errs = append(errs, FieldError{Field: "rating-" + r.Item, Message: fmt.Sprintf("%q is not an item of the framework", r.Item)})
		}
	}
	for _, it := range f.Items {
		r := a.RatingOf(it.Code)
		switch {
		case r.Rating == 0 && a.Status == AssessmentSubmitted:
			errs = append(errs, FieldError{Field: "rating-" + it.Code, Message: "Select a rating for " + it.Label})
		case r.Rating != 0 && (r.Rating < MinRating || r.Rating > MaxRating):
			errs = append(errs, FieldError{Field: "rating-" + it.Code, Message: fmt.Sprintf("The rating for %s must be from %d to %d", it.Label, MinRating, MaxRating)})
		}
		if utf8.RuneCountInString(r.Evidence) > MaxEvidenceChars {
			errs = append(errs, FieldError{Field: "evidence-" + it.Code, Message: fmt.Sprintf("The evidence for %s must be %d characters or fewer", it.Label, MaxEvidenceChars)})
		}
	}
	if utf8.RuneCountInString(a.Narrative) > MaxNarrativeChars {
		errs = append(errs, FieldError{Field: "narrative", Message: fmt.Sprintf("The overall narrative must be %d characters or fewer", MaxNarrativeChars)})
	}
	return errs
}

// AssessmentStaleAfterMonths is how old, in months, a council's latest
// submitted self-assessment may be before pages mark it as stale: the
// enabling conditions it describes may have changed since, so a score
// older than this is shown as out of date (and may be left out of the
// resilience matrix).
const AssessmentStaleAfterMonths = 12
