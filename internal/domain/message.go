package domain

import (
	"strings"
	"unicode/utf8"
)

// Severities of a validation message. An error blocks a return; a query
// lets it through only with an explanation.
const (
	SeverityError = "error"
	SeverityQuery = "query"
)

// Message is one finding about an uploaded return: which rule, how
// serious, and where (sheet and cell), in words that say what to do.
type Message struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Sheet     string `json:"sheet,omitempty"`
	Cell      string `json:"cell,omitempty"`
	Council   int    `json:"la_number,omitempty"`
	Month     string `json:"month,omitempty"`
	Indicator string `json:"indicator,omitempty"`
	Text      string `json:"message"`
	// Rules lists every rule of a query that joins several on one cell
	// (Rule is the first of them); it is empty for a message of one rule.
	Rules []string `json:"rules,omitempty"`
	// Explanation is the uploader's answer to a query: given on the
	// report, through the API or the import command, or the Note written
	// beside the figure in the file.
	Explanation string `json:"explanation,omitempty"`
}

// AllRules lists the message's rules: Rules when it joins several, else
// Rule alone.
func (m Message) AllRules() []string {
	if len(m.Rules) > 0 {
		return m.Rules
	}
	return []string{m.Rule}
}

// TrimExplanation trims an explanation and cuts it to at most max bytes,
// on a character boundary.
func TrimExplanation(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut])
}

// Key identifies a message across re-validations of the same data, so an
// explanation given to a query stays attached to it.
func (m Message) Key() string {
	return m.Rule + "|" + m.Sheet + "|" + m.Cell
}
