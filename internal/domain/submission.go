package domain

import "encoding/json"

// Submission statuses.
const (
	// StatusStored: the figures are the council's current return.
	StatusStored = "stored"
	// StatusRejected: errors blocked the file; nothing was stored.
	StatusRejected = "rejected"
	// StatusAwaiting: queries need explanations before it can be stored.
	StatusAwaiting = "awaiting_explanations"
	// StatusUnchanged: the file is identical to what is already held.
	StatusUnchanged = "unchanged"
	// StatusSuperseded: it waited for explanations, and a later upload for
	// the same council and months took its place.
	StatusSuperseded = "superseded"
)

// Submission is one uploaded file and what became of it. Every submission
// is kept, with who sent it, when, its checksum and its messages.
type Submission struct {
	ID          int64  `db:"id" json:"id"`
	SubmittedBy string `db:"submitted_by" json:"submitted_by"`
	SubmittedAt string `db:"submitted_at" json:"submitted_at"`
	// Source is "web", "api", "cli" or "demo".
	Source     string `db:"source" json:"source"`
	UserID     int64  `db:"user_id" json:"-"`
	FileName   string `db:"file_name" json:"file_name"`
	FileSize   int64  `db:"file_size" json:"file_size"`
	SHA256     string `db:"sha256" json:"sha256"`
	Layout     string `db:"layout" json:"layout"`
	ErrorCount int    `db:"error_count" json:"errors"`
	QueryCount int    `db:"query_count" json:"queries"`
	Status     string `db:"status" json:"status"`
	// Council is the one council the file is for, or 0 for a bulk load.
	Council int `db:"la_number" json:"la_number,omitempty"`
	// Councils and Months list, space-separated, what the file covers.
	Councils     string `db:"councils" json:"-"`
	Months       string `db:"months" json:"months"`
	RowCount     int    `db:"row_count" json:"rows"`
	MessagesJSON string `db:"messages" json:"-"`
	Explained    string `db:"explanations" json:"-"`
	Demo         bool   `db:"demo" json:"-"`
}

// Merges reports whether the submission's figures merge into what is held
// rather than replace it. A bulk load (the long and wide layouts) may
// carry any subset of indicators, councils and months: each council-month
// it touches gets a new version holding its figures and every figure held
// before that it did not carry. A council's own template return replaces
// its month's return whole.
func (s *Submission) Merges() bool { return s.Layout == "long" || s.Layout == "wide" }

// Messages decodes the stored validation messages.
func (s *Submission) Messages() []Message {
	var ms []Message
	_ = json.Unmarshal([]byte(s.MessagesJSON), &ms)
	return ms
}

// SetMessages encodes the validation messages and counts them.
func (s *Submission) SetMessages(ms []Message) {
	s.ErrorCount, s.QueryCount = 0, 0
	for _, m := range ms {
		if m.Severity == SeverityError {
			s.ErrorCount++
		} else {
			s.QueryCount++
		}
	}
	if ms == nil {
		ms = []Message{}
	}
	b, _ := json.Marshal(ms)
	s.MessagesJSON = string(b)
}

// MonthStatus is one month of a council's return status grid.
type MonthStatus struct {
	Month        string `db:"month" json:"month"`
	Status       string `db:"status" json:"status"` // "missing", "submitted", "explained"
	Version      int    `db:"version" json:"version,omitempty"`
	SubmissionID int64  `db:"submission_id" json:"submission_id,omitempty"`
	SubmittedAt  string `db:"submitted_at" json:"submitted_at,omitempty"`
	SubmittedBy  string `db:"submitted_by" json:"submitted_by,omitempty"`
	// Demo marks figures from the demonstration data, which has no upload
	// to show.
	Demo bool `db:"demo" json:"demo,omitempty"`
}
