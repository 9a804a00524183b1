package intake

import (
	"context"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// Answers are explanations for a waiting submission's queries.
type Answers struct {
	// ByKey explains single queries, keyed as Request.Explanations are
	// (the message key, or "RULE|CELL"); it replaces any explanation the
	// query had.
	ByKey map[string]string
	// Rule and ForRule give one explanation to every query of a rule (by
	// the rule a message is listed under, its first) that has none yet.
	Rule, ForRule string
}

// apply attaches the answers to messages and reports how many queries
// they explained or re-explained. A rule with no explanation, an
// explanation with no rule, or a rule with no query in the messages is
// refused, naming what is wrong.
func (a Answers) apply(ms []domain.Message) (int, error) {
	rule, text := strings.ToUpper(strings.TrimSpace(a.Rule)), domain.TrimExplanation(a.ForRule, maxExplanation)
	switch {
	case rule == "" && text != "":
		return 0, domain.Errorf(domain.EINVALID, "Say which rule's queries the explanation is for (a rule ID such as Q01).")
	case rule != "" && text == "":
		return 0, domain.Errorf(domain.EINVALID, "Write the explanation for the queries of rule %s.", rule)
	}
	changed := explain(ms, a.ByKey)
	if rule == "" {
		return changed, nil
	}
	found := false
	for i := range ms {
		if ms[i].Severity != domain.SeverityQuery || ms[i].Rule != rule {
			continue
		}
		found = true
		if ms[i].Explanation == "" {
			ms[i].Explanation = text
			changed++
		}
	}
	if !found {
		return 0, domain.Errorf(domain.EINVALID, "This upload has no query of rule %s.", rule)
	}
	return changed, nil
}

// maxChanges caps the figures a resubmission's report lists; the rest
// are counted.
const maxChanges = 1000

// changesOf finds what a file that passed changes in the returns held for
// its council-months: nil when it has errors or replaces none.
func changesOf(p *returns.Parsed, vc returns.Context, sub *domain.Submission) *domain.Changes {
	if sub.ErrorCount > 0 {
		return nil
	}
	c := returns.Changes(p, vc, maxChanges)
	if c.Replaced == 0 {
		return nil
	}
	return &c
}

// keepChanges records a resubmission's changes with it once it has been
// recorded.
func (s *Service) keepChanges(ctx context.Context, sub *domain.Submission, c *domain.Changes) error {
	if c == nil || sub.ID == 0 {
		return nil
	}
	return s.DB.SaveChanges(ctx, sub.ID, *c)
}

// storedChanges is what a recorded submission changes, or nil.
func (s *Service) storedChanges(ctx context.Context, id int64) (*domain.Changes, error) {
	c, err := s.DB.Changes(ctx, id)
	if err != nil || c.Replaced == 0 {
		return nil, err
	}
	return &c, nil
}
