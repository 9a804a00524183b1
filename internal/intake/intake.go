// Package intake takes an uploaded file to a stored return: pre-scan,
// parse, validate against what is already held, and store all or nothing.
// The web upload, the JSON API and the import command share it, so a file
// is judged the same way whichever door it comes through.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Service runs submissions against one database.
type Service struct {
	DB     *store.DB
	Limits returns.Limits
	// Tolerance is the change from the last accepted month that raises a
	// query (0.25 is 25%); 0 takes the validator's default, 25%. A change
	// of exactly the tolerance is not a query (SECURITY V2).
	Tolerance float64
	// MinAbsChange is the smallest change of a count that can raise that
	// query, so that 3 → 5 does not; 0 takes the validator's default, 5,
	// and a negative value queries any change beyond the tolerance.
	// Percentages and ratios are judged by the tolerance alone.
	MinAbsChange float64
	// NoiseSDs, when above 0, spares counts whose change is within
	// NoiseSDs × √count (chance variation) from the query. 0, the default,
	// leaves the tolerance as the only rule.
	NoiseSDs float64
	Now      func() time.Time
}

// Request is one file to submit.
type Request struct {
	// Path is the uploaded file, saved to a temporary file by the caller.
	Path     string
	FileName string
	// Submitter names who sent it: an email, or the command line.
	Submitter string
	UserID    int64
	// ScopeCouncil limits the file to one council (uploaders); 0 for any.
	ScopeCouncil int
	// Source is "web", "api" or "cli".
	Source string
	Remote string
	// Explanations answer queries, keyed by Message.Key() or by
	// "RULE|CELL" (for example "Q01|E14").
	Explanations map[string]string
	// Progress, if set, hears the stage and how far it has got.
	Progress func(stage string, done, total int)
}

// Result is what became of a submission.
type Result struct {
	Status     string
	Submission *domain.Submission
	Messages   []domain.Message
	// Councils is the outcome for each council in a bulk load.
	Councils []CouncilOutcome
	// Existing is, for a file identical to what is held (StatusUnchanged),
	// the submission that holds it.
	Existing int64
}

// CouncilOutcome summarises one council's part of a submission.
type CouncilOutcome struct {
	Council int      `json:"la_number"`
	Months  []string `json:"months"`
	Rows    int      `json:"rows"`
	Errors  int      `json:"errors"`
	Queries int      `json:"queries"`
}

// Submit judges a file and, when it passes (with every query explained),
// stores it as the current return for each council and month it covers.
// A file that cannot be read at all returns a *domain.Error and changes
// nothing but the audit log.
func (s *Service) Submit(ctx context.Context, req Request) (*Result, error) {
	progress := req.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	f, err := os.Open(req.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	sub := &domain.Submission{SubmittedBy: req.Submitter, Source: req.Source, UserID: req.UserID,
		FileName: req.FileName, FileSize: info.Size()}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	sub.SHA256 = hex.EncodeToString(h.Sum(nil))
	audit := domain.AuditEntry{Actor: req.Submitter, Remote: req.Remote}

	progress("checking", 0, 0)
	kind, err := returns.Inspect(f, info.Size(), req.FileName, s.Limits)
	if err != nil {
		return s.refuse(ctx, sub, err, audit)
	}
	cat, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	progress("reading", 0, 0)
	parsed, err := returns.Parse(ctx, req.Path, kind, cat, s.Limits, func(rows int) { progress("reading", rows, 0) })
	if err != nil {
		return s.refuse(ctx, sub, err, audit)
	}
	sub.Layout = string(parsed.Layout)

	progress("checking", 0, len(parsed.Rows))
	vc, err := s.validationContext(ctx, cat, parsed, req.ScopeCouncil)
	if err != nil {
		return nil, err
	}
	messages := append(parsed.Messages, returns.Validate(parsed, vc)...)
	obs := observations(parsed)
	explain(messages, req.Explanations)
	sub.SetMessages(messages)
	res := &Result{Submission: sub, Messages: messages, Councils: outcomes(obs, messages)}

	switch {
	case sub.ErrorCount > 0:
		sub.Status = domain.StatusRejected
		// A rejected file keeps no figures, only what each council sent,
		// for its report.
		summary, jerr := json.Marshal(pending{Councils: res.Councils})
		if jerr != nil {
			return nil, jerr
		}
		err = s.DB.RecordSubmission(ctx, sub, obs, string(summary), audit)
	case len(obs) == 0 && len(parsed.Official) == 0:
		return s.refuse(ctx, sub, domain.Errorf(domain.EINVALID, "The file holds no figures to store. Fill in the Value column and upload it again."), audit)
	default:
		_, _, keys := store.Coverage(obs)
		same, ierr := s.DB.IdenticalToCurrent(ctx, sub.SHA256, keys)
		if ierr == nil && len(parsed.Official) > 0 {
			same, ierr = s.DB.StoredBefore(ctx, sub.SHA256)
		}
		if ierr != nil {
			return nil, ierr
		}
		if same != 0 {
			sub.Status = domain.StatusUnchanged
			res.Status, res.Existing = sub.Status, same
			return res, nil
		}
		if unexplained(messages) > 0 {
			sub.Status = domain.StatusAwaiting
			payload, jerr := json.Marshal(pending{Councils: res.Councils, Observations: obs, Official: parsed.Official})
			if jerr != nil {
				return nil, jerr
			}
			err = s.DB.RecordSubmission(ctx, sub, obs, string(payload), audit)
		} else {
			progress("storing", 0, len(obs))
			err = s.DB.StoreSubmission(ctx, sub, obs, parsed.Official, audit, func(done int) { progress("storing", done, len(obs)) })
		}
	}
	if err != nil {
		return nil, err
	}
	res.Status = sub.Status
	return res, nil
}

// pending is what a submission waiting for explanations keeps: its
// figures, and each council's outcome for the report. A rejected one keeps
// only the outcomes.
type pending struct {
	Councils     []CouncilOutcome       `json:"councils,omitempty"`
	Observations []domain.Observation   `json:"observations,omitempty"`
	Official     []domain.OfficialValue `json:"official,omitempty"`
}

// Outcomes gives a recorded submission's outcome for each council, as
// Submit reported it: from the summary kept with a waiting or rejected
// submission (or the figures a waiting one keeps), from what a stored one
// holds, or else from its messages alone.
func (s *Service) Outcomes(ctx context.Context, sub *domain.Submission, payload string) ([]CouncilOutcome, error) {
	ms := sub.Messages()
	if payload != "" {
		var summary struct {
			Councils []CouncilOutcome `json:"councils"`
		}
		if err := json.Unmarshal([]byte(payload), &summary); err != nil {
			return nil, fmt.Errorf("read upload %d: %w", sub.ID, err)
		}
		if len(summary.Councils) > 0 {
			return summary.Councils, nil
		}
		var p pending
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return nil, fmt.Errorf("read upload %d: %w", sub.ID, err)
		}
		if len(p.Observations) > 0 {
			return outcomes(p.Observations, ms), nil
		}
	}
	counts := map[store.CouncilMonth]int{}
	if sub.Status == domain.StatusStored {
		cov, err := s.DB.SubmissionCoverage(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cov {
			counts[store.CouncilMonth{Council: c.Council, Month: c.Month}] = c.Rows
		}
	}
	out := outcomesOf(counts, ms)
	// Councils the submission names but nothing above placed.
	have := map[int]bool{}
	for _, c := range out {
		have[c.Council] = true
	}
	for _, f := range strings.Fields(sub.Councils) {
		if n, err := strconv.Atoi(f); err == nil && !have[n] {
			have[n] = true
			out = append(out, CouncilOutcome{Council: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Council < out[j].Council })
	return out, nil
}

// Explain attaches explanations to a submission's queries and, once every
// query has one, stores it. scope limits which council's submissions the
// caller may explain (0 for any).
func (s *Service) Explain(ctx context.Context, id int64, explanations map[string]string, submitter string, scope int, remote string) (*Result, error) {
	sub, payload, err := s.DB.Submission(ctx, id)
	if err != nil {
		return nil, err
	}
	if scope != 0 && sub.Council != scope {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no upload with reference %d.", id)
	}
	if sub.Status == domain.StatusSuperseded {
		return nil, domain.Errorf(domain.ECONFLICT, "A later upload for the same council and month took the place of this one, so it can no longer be submitted. If its figures should be the return, upload the file again: it will be checked against the figures now held.")
	}
	if sub.Status != domain.StatusAwaiting {
		return nil, domain.Errorf(domain.ECONFLICT, "This upload is %s, not waiting for explanations.", strings.ReplaceAll(sub.Status, "_", " "))
	}
	messages := sub.Messages()
	explain(messages, explanations)
	sub.SetMessages(messages)
	res := &Result{Submission: sub, Messages: messages, Status: sub.Status}
	if unexplained(messages) > 0 {
		return res, nil
	}
	var p pending
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return nil, fmt.Errorf("read waiting upload %d: %w", id, err)
	}
	res.Councils = outcomes(p.Observations, messages)
	audit := domain.AuditEntry{Actor: submitter, Remote: remote}
	sub.SubmittedAt = s.now().UTC().Format(time.RFC3339)
	if err := s.DB.StoreSubmission(ctx, sub, p.Observations, p.Official, audit, nil); err != nil {
		return nil, err
	}
	res.Status = sub.Status
	return res, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// refuse records a file that could not be read as a rejected submission
// with one message, and hands the error back for the caller to show.
func (s *Service) refuse(ctx context.Context, sub *domain.Submission, cause error, audit domain.AuditEntry) (*Result, error) {
	code := domain.ErrorCode(cause)
	if code != domain.EINVALID && code != domain.ETOOLARGE {
		return nil, cause
	}
	sub.Status = domain.StatusRejected
	sub.SetMessages([]domain.Message{{Rule: "FILE", Severity: domain.SeverityError, Text: domain.ErrorMessage(cause)}})
	if err := s.DB.RecordSubmission(ctx, sub, nil, "", audit); err != nil {
		return nil, err
	}
	return &Result{Status: sub.Status, Submission: sub, Messages: sub.Messages()}, cause
}

// catalogue gives the validator the indicators and a council resolver
// that accepts DfE numbers and ONS codes, current or retired.
func (s *Service) catalogue(ctx context.Context) (returns.Catalogue, error) {
	inds, err := s.DB.Indicators(ctx)
	if err != nil {
		return returns.Catalogue{}, err
	}
	codes, err := s.DB.CouncilCodes(ctx)
	if err != nil {
		return returns.Catalogue{}, err
	}
	known := func(code string) (int, bool) {
		code = strings.ToUpper(strings.TrimSpace(code))
		if n, err := strconv.Atoi(code); err == nil {
			_, ok := codes.Known[n]
			return n, ok
		}
		n, ok := codes.ByONS[code]
		return n, ok
	}
	return returns.Catalogue{Indicators: inds, OfficialArea: known, Council: func(code string) (int, bool) {
		code = strings.ToUpper(strings.TrimSpace(code))
		if n, err := strconv.Atoi(code); err == nil {
			_, ok := codes.Current[n]
			return n, ok
		}
		n, ok := codes.ByONS[code]
		if !ok {
			return 0, false
		}
		_, current := codes.Current[n]
		return n, current
	}}, nil
}

// validationContext loads what the rules compare with: the current figures
// of every council in the file.
func (s *Service) validationContext(ctx context.Context, cat returns.Catalogue, p *returns.Parsed, scope int) (returns.Context, error) {
	seen := map[int]bool{}
	var councils []int
	for _, r := range p.Rows {
		if r.Council != 0 && !seen[r.Council] {
			seen[r.Council] = true
			councils = append(councils, r.Council)
		}
	}
	held, err := s.DB.CurrentObservations(ctx, councils)
	if err != nil {
		return returns.Context{}, err
	}
	type key struct {
		council   int
		indicator string
	}
	type point struct {
		month int // domain.Month.Index
		value float64
	}
	series := map[key][]point{}
	for _, o := range held {
		m, err := domain.ParseMonth(o.Month)
		if err != nil {
			continue
		}
		k := key{o.Council, o.Indicator}
		series[k] = append(series[k], point{m.Index(), o.Value})
	}
	for _, ps := range series {
		sort.Slice(ps, func(i, j int) bool { return ps[i].month < ps[j].month })
	}
	// before is the number of points of a series before month.
	before := func(ps []point, month domain.Month) int {
		idx := month.Index()
		return sort.Search(len(ps), func(i int) bool { return ps[i].month >= idx })
	}
	return returns.Context{
		Catalogue:    cat,
		Now:          s.now(),
		ScopeCouncil: scope,
		Tolerance:    s.Tolerance,
		MinAbsChange: s.MinAbsChange,
		NoiseSDs:     s.NoiseSDs,
		// The last accepted month: the latest earlier month held, however
		// far back (SECURITY V2).
		Previous: func(council int, indicator string, month domain.Month) (domain.Month, float64, bool) {
			ps := series[key{council, indicator}]
			n := before(ps, month)
			if n == 0 {
				return domain.Month{}, 0, false
			}
			p := ps[n-1]
			return domain.Month{Year: p.month / 12, Month: time.Month(p.month%12 + 1)}, p.value, true
		},
		History: func(council int, indicator string, month domain.Month) []float64 {
			ps := series[key{council, indicator}]
			n := before(ps, month)
			out := make([]float64, n)
			for i, p := range ps[:n] {
				out[i] = p.value
			}
			return out
		},
	}, nil
}

// observations keeps the rows that carry a usable figure.
func observations(p *returns.Parsed) []domain.Observation {
	out := make([]domain.Observation, 0, len(p.Rows))
	for _, r := range p.Rows {
		if r.Value == nil || r.Council == 0 || r.Indicator == "" || r.Month.IsZero() {
			continue
		}
		out = append(out, domain.Observation{Council: r.Council, Indicator: r.Indicator, Month: r.Month.String(), Value: *r.Value, Note: r.Note})
	}
	return out
}

// explain attaches explanations to queries, matched by the message key or
// by rule and cell.
func explain(ms []domain.Message, explanations map[string]string) {
	for i := range ms {
		if ms[i].Severity != domain.SeverityQuery {
			continue
		}
		for _, k := range []string{ms[i].Key(), ms[i].Rule + "|" + ms[i].Cell, ms[i].Rule + "|" + ms[i].Sheet + "!" + ms[i].Cell} {
			if e := strings.TrimSpace(explanations[k]); e != "" {
				if len(e) > 2000 {
					e = e[:2000]
				}
				ms[i].Explanation = e
			}
		}
	}
}

func unexplained(ms []domain.Message) int {
	n := 0
	for _, m := range ms {
		if m.Severity == domain.SeverityQuery && m.Explanation == "" {
			n++
		}
	}
	return n
}

// outcomes counts, per council, the rows, months, errors and queries.
func outcomes(obs []domain.Observation, ms []domain.Message) []CouncilOutcome {
	counts := map[store.CouncilMonth]int{}
	for _, o := range obs {
		counts[store.CouncilMonth{Council: o.Council, Month: o.Month}]++
	}
	return outcomesOf(counts, ms)
}

// outcomesOf counts, per council, the rows and months given (figures per
// council and month) and the errors and queries among the messages.
func outcomesOf(counts map[store.CouncilMonth]int, ms []domain.Message) []CouncilOutcome {
	by := map[int]*CouncilOutcome{}
	get := func(n int) *CouncilOutcome {
		if by[n] == nil {
			by[n] = &CouncilOutcome{Council: n}
		}
		return by[n]
	}
	for k, n := range counts {
		c := get(k.Council)
		c.Rows += n
		c.Months = append(c.Months, k.Month)
	}
	for _, m := range ms {
		if m.Council == 0 {
			continue
		}
		c := get(m.Council)
		if m.Severity == domain.SeverityError {
			c.Errors++
		} else {
			c.Queries++
		}
	}
	out := make([]CouncilOutcome, 0, len(by))
	for _, c := range by {
		sort.Strings(c.Months)
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Council < out[j].Council })
	return out
}
