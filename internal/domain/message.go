package domain

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
	// Explanation is the uploader's answer to a query.
	Explanation string `json:"explanation,omitempty"`
}

// Key identifies a message across re-validations of the same data, so an
// explanation given to a query stays attached to it.
func (m Message) Key() string {
	return m.Rule + "|" + m.Sheet + "|" + m.Cell
}
