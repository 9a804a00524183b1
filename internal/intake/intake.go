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
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
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
	// Stored, if set, hears of every submission stored, once it is
	// committed: the web brings its read model up to date there, so the
	// uploader's next page shows the figures.
	Stored func(ctx context.Context)
	// Tolerance is the change from the last accepted month that raises a
	// query (0.25 is 25%); 0 takes the validator's default, 25%. A change
	// of exactly the tolerance is not a query (SECURITY V2).
	Tolerance float64
	// MinAbsChange is the smallest change of a count that can raise that
	// query, so that 16 → 8 does not; 0 takes the validator's default, 10,
	// and a negative value queries any change beyond the tolerance.
	MinAbsChange float64
	// MinChangePoints is the smallest change of a percentage, in
	// percentage points, that can raise that query (absence 1.0% → 1.5%
	// does not); 0 takes the validator's default, 2, and a negative value
	// queries any change beyond the tolerance. Ratios are judged by the
	// tolerance alone.
	MinChangePoints float64
	// NoiseSDs spares counts whose change is within NoiseSDs × √count
	// (chance variation) from the query; 0 takes the validator's default,
	// 3, and a negative value turns it off.
	NoiseSDs float64
	// ReconcileTolerance is how far a completed year's monthly figures may
	// differ from DfE's published figure before the upload is queried
	// (Q06; 0.05 is 5%); 0 takes the default, 5%, and a negative value
	// turns the query off.
	ReconcileTolerance float64
	Now                func() time.Time
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
	// Changes is, for a resubmission, the figures that differ from the
	// returns it replaces; nil when it replaces none (or was rejected).
	Changes *domain.Changes
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
	w := &earlyWrite{ctx: ctx, db: s.DB, sub: *sub, counts: map[store.CouncilMonth]int{}}
	// A file already stored once may change nothing (StatusUnchanged), so
	// it is read and checked before anything is written.
	if id, err := s.DB.StoredBefore(ctx, sub.SHA256); err == nil && id == 0 {
		w.allowed = true
	}
	defer w.abort()
	parsed, err := returns.ParseWith(ctx, req.Path, kind, cat, s.Limits, returns.Options{
		Compact:  true,
		Progress: func(rows int) { progress("reading", rows, 0) },
		Figures:  w.add,
	})
	if err != nil {
		w.abort()
		return s.refuse(ctx, sub, err, audit)
	}
	sub.Layout = string(parsed.Layout)

	progress("checking", 0, parsed.Len())
	vc, err := s.validationContext(ctx, cat, parsed, req.ScopeCouncil)
	if err != nil {
		return nil, err
	}
	messages := append(parsed.Messages, returns.Validate(parsed, vc)...)
	explain(messages, req.Explanations)
	sub.SetMessages(messages)
	res := &Result{Submission: sub, Messages: messages, Councils: outcomesOf(w.counts, messages)}
	res.Changes = changesOf(parsed, vc, sub)

	switch {
	case sub.ErrorCount > 0:
		w.abort()
		sub.Status = domain.StatusRejected
		// A rejected file keeps no figures, only what each council sent,
		// for its report.
		summary, jerr := json.Marshal(pending{Councils: res.Councils})
		if jerr != nil {
			return nil, jerr
		}
		keys := w.keys()
		if req.ScopeCouncil != 0 && fired(messages, returns.RuleWrongCouncil) {
			keys = filedUnder(sub, req.ScopeCouncil, keys)
		}
		err = s.DB.RecordSubmissionCovering(ctx, sub, keys, w.figures, string(summary), audit)
	case w.figures == 0 && len(parsed.Official) == 0:
		w.abort()
		return s.refuse(ctx, sub, domain.Errorf(domain.EINVALID, "The file holds no figures to store. Fill in the Value column and upload it again."), audit)
	default:
		same, ierr := s.DB.IdenticalToCurrent(ctx, sub.SHA256, w.keys())
		if ierr == nil && len(parsed.Official) > 0 {
			same, ierr = s.DB.StoredBefore(ctx, sub.SHA256)
		}
		if ierr != nil {
			return nil, ierr
		}
		if same != 0 {
			w.abort()
			sub.Status = domain.StatusUnchanged
			res.Status, res.Existing, res.Changes = sub.Status, same, nil
			return res, nil
		}
		if unexplained(messages) > 0 {
			w.abort()
			sub.Status = domain.StatusAwaiting
			payload, jerr := pendingPayload(res.Councils, parsed, parsed.Official)
			if jerr != nil {
				return nil, jerr
			}
			err = s.DB.RecordSubmissionCovering(ctx, sub, w.keys(), w.figures, payload, audit)
		} else if w.started() {
			// The figures went in while the file was read: wait for the
			// last of them and commit.
			progress("storing", 0, w.figures)
			err = w.commit(sub, parsed.Official, audit)
			progress("storing", w.figures, w.figures)
		} else {
			obs := parsed.Observations()
			progress("storing", 0, len(obs))
			err = s.DB.StoreSubmission(ctx, sub, obs, parsed.Official, audit, func(done int) { progress("storing", done, len(obs)) })
		}
	}
	if errors.Is(err, store.ErrUnchanged) {
		// A bulk load whose every figure is already held.
		sub.Status = domain.StatusUnchanged
		res.Status = sub.Status
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	if err := s.keepChanges(ctx, sub, res.Changes); err != nil {
		return nil, err
	}
	res.Status = sub.Status
	s.stored(ctx, res)
	return res, nil
}

// stored tells Stored of a stored submission.
func (s *Service) stored(ctx context.Context, res *Result) {
	if s.Stored != nil && res.Status == domain.StatusStored {
		s.Stored(ctx)
	}
}

// earlyAfter is how many figures a file must hold before Submit writes
// them while the rest of it is still being read. A smaller file is read
// and checked first, then written in one short transaction.
const earlyAfter = 20_000

// earlyWrite writes a bulk file's figures into the database while the rest
// of the file is still being read, on a second core: writing the 440,640
// figures of a national file to SQLite takes about half as long as
// reading them, time that would otherwise come after. The figures go into
// a store.Load, one write transaction, which is committed only once the
// whole file has been read and has passed validation with every query
// explained, and is otherwise rolled back, leaving the database as it was
// (SECURITY R1). The transaction holds the writer while the file is read
// (a few seconds for a national file), so other writes wait, as they wait
// behind any bulk load's writing. A file whose hash was stored before is
// not written early, since it may turn out to change nothing.
//
// It also counts the figures for each council and month, which the
// report gives.
type earlyWrite struct {
	ctx     context.Context
	db      *store.DB
	sub     domain.Submission // as it was when reading began
	allowed bool

	counts  map[store.CouncilMonth]int
	figures int

	// pending are the batches read before there were earlyAfter figures.
	pending [][]domain.Observation
	// batches carries figures to the writing goroutine, which closes done
	// when it has finished with them, leaving load and err.
	batches chan []domain.Observation
	done    chan struct{}
	load    *store.Load
	err     error
	ended   bool
}

// add takes a batch of figures from the parser.
func (w *earlyWrite) add(batch []domain.Observation) error {
	for i := range batch {
		w.counts[store.CouncilMonth{Council: batch[i].Council, Month: batch[i].Month}]++
	}
	w.figures += len(batch)
	switch {
	case w.batches != nil:
		return w.send(batch)
	case w.allowed && !w.ended:
		w.pending = append(w.pending, batch)
		if w.figures >= earlyAfter {
			return w.start()
		}
	}
	return nil
}

func (w *earlyWrite) send(batch []domain.Observation) error {
	select {
	case w.batches <- batch:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// start begins the write transaction in a goroutine (it waits there for
// the writer, if another write holds it) and hands it what was read so
// far.
func (w *earlyWrite) start() error {
	w.batches, w.done = make(chan []domain.Observation, 4), make(chan struct{})
	sub := w.sub
	go func() {
		var (
			load *store.Load
			err  error
		)
		defer close(w.done)
		// A panic here would end the whole server, since no caller can
		// recover it: it becomes the load's error instead, and the figures
		// still to come are taken and dropped so the reader never waits.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("intake: writing figures panicked: %v\n%s", r, debug.Stack())
				for range w.batches {
				}
			}
			w.load, w.err = load, err
		}()
		load, err = w.db.BeginLoad(w.ctx, &sub)
		for b := range w.batches {
			if err == nil {
				err = load.Add(b)
			}
		}
	}()
	pending := w.pending
	w.pending = nil
	for _, b := range pending {
		if err := w.send(b); err != nil {
			return err
		}
	}
	return nil
}

func (w *earlyWrite) started() bool { return w.batches != nil }

// wait lets the writing goroutine finish with what it has been given.
func (w *earlyWrite) wait() {
	w.ended, w.pending = true, nil
	if w.done == nil {
		return
	}
	close(w.batches)
	<-w.done
	w.done = nil
}

// commit waits for the last figures to be written and commits them with
// the submission as it now stands.
func (w *earlyWrite) commit(sub *domain.Submission, official []domain.OfficialValue, audit domain.AuditEntry) error {
	w.wait()
	if w.err != nil {
		return w.err
	}
	if n := w.load.Count(); n != w.figures {
		return fmt.Errorf("intake: %d of %d figures written", n, w.figures)
	}
	return w.load.Commit(sub, official, audit)
}

// abort rolls back whatever was written and not committed. It must be
// called before anything else uses the writer.
func (w *earlyWrite) abort() {
	w.wait()
	if w.load != nil {
		w.load.Rollback()
	}
}

// keys lists the councils and months the figures cover, in order.
func (w *earlyWrite) keys() []store.CouncilMonth {
	keys := make([]store.CouncilMonth, 0, len(w.counts))
	for k := range w.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Council != keys[j].Council {
			return keys[i].Council < keys[j].Council
		}
		return keys[i].Month < keys[j].Month
	})
	return keys
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
		// The summary comes first in the payload, so a national upload's
		// 33 MB of figures are read only when it has none.
		councils, err := pendingCouncils(payload)
		if err != nil {
			return nil, fmt.Errorf("read upload %d: %w", sub.ID, err)
		}
		if len(councils) > 0 {
			return councils, nil
		}
		counts := map[store.CouncilMonth]int{}
		if _, err := readPending(payload, func(batch []domain.Observation) error {
			for i := range batch {
				counts[store.CouncilMonth{Council: batch[i].Council, Month: batch[i].Month}]++
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("read upload %d: %w", sub.ID, err)
		}
		if len(counts) > 0 {
			return outcomesOf(counts, ms), nil
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
	return s.Answer(ctx, id, Answers{ByKey: explanations}, submitter, scope, remote)
}

// Answer is Explain with explanations for a whole rule's queries as well
// as for single queries. Explanations given while others are still
// missing are kept (with an audit line), so a bulk load's queries can be
// explained a group at a time; once every query has one, the submission
// is stored.
func (s *Service) Answer(ctx context.Context, id int64, a Answers, submitter string, scope int, remote string) (*Result, error) {
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
	changed, err := a.apply(messages)
	if err != nil {
		return nil, err
	}
	sub.SetMessages(messages)
	res := &Result{Submission: sub, Messages: messages, Status: sub.Status}
	if res.Changes, err = s.storedChanges(ctx, id); err != nil {
		return nil, err
	}
	if waiting := unexplained(messages); waiting > 0 {
		if changed > 0 {
			err = s.DB.SaveExplanations(ctx, sub, sub.QueryCount-waiting, waiting, domain.AuditEntry{Actor: submitter, Remote: remote})
		}
		return res, err
	}
	// The figures go from the payload into the database a batch at a
	// time, in one transaction, rather than as one slice.
	audit := domain.AuditEntry{Actor: submitter, Remote: remote}
	sub.SubmittedAt = s.now().UTC().Format(time.RFC3339)
	load, err := s.DB.BeginLoad(ctx, sub)
	if err != nil {
		return nil, err
	}
	defer load.Rollback()
	counts := map[store.CouncilMonth]int{}
	official, err := readPending(payload, func(batch []domain.Observation) error {
		for i := range batch {
			counts[store.CouncilMonth{Council: batch[i].Council, Month: batch[i].Month}]++
		}
		return load.Add(batch)
	})
	if err != nil {
		if errors.Is(err, load.Err()) {
			return nil, err
		}
		return nil, fmt.Errorf("read waiting upload %d: %w", id, err)
	}
	res.Councils = outcomesOf(counts, messages)
	if err := load.Commit(sub, official, audit); errors.Is(err, store.ErrUnchanged) {
		if err := s.DB.SettleUnchanged(ctx, sub, audit); err != nil {
			return nil, err
		}
		res.Status = sub.Status
		return res, nil
	} else if err != nil {
		return nil, err
	}
	res.Status = sub.Status
	s.stored(ctx, res)
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

// catalogue gives the validator the indicators, every council with its
// lifetime, and a council resolver that accepts DfE numbers and ONS codes,
// current or retired, of current and former councils alike: whether a
// council may have figures for a month is its lifetime's question (E16).
func (s *Service) catalogue(ctx context.Context) (returns.Catalogue, error) {
	inds, err := s.DB.Indicators(ctx)
	if err != nil {
		return returns.Catalogue{}, err
	}
	codes, err := s.DB.CouncilCodes(ctx)
	if err != nil {
		return returns.Catalogue{}, err
	}
	all, err := s.DB.AllCouncils(ctx)
	if err != nil {
		return returns.Catalogue{}, err
	}
	councils := make(map[int]domain.Council, len(all))
	for _, c := range all {
		councils[c.Number] = c
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
	return returns.Catalogue{Indicators: inds, OfficialArea: known, Council: known, Councils: councils}, nil
}

// validationContext loads what the rules compare with: the current figures
// of every council in the file, kept per council and indicator as months
// and values, so a bulk load's comparisons allocate nothing per figure.
func (s *Service) validationContext(ctx context.Context, cat returns.Catalogue, p *returns.Parsed, scope int) (returns.Context, error) {
	type key struct {
		council   int
		indicator string
	}
	type point struct {
		month int // domain.Month.Index
		value float64
	}
	points := map[key][]point{}
	err := s.DB.EachCurrentObservationOf(ctx, p.Councils(), func(council int, indicator, month string, value float64) {
		m, err := domain.ParseMonth(month)
		if err != nil {
			return
		}
		k := key{council, indicator}
		points[k] = append(points[k], point{m.Index(), value})
	})
	if err != nil {
		return returns.Context{}, err
	}
	type held struct {
		months []int
		values []float64
	}
	series := make(map[key]held, len(points))
	for k, ps := range points {
		sort.Slice(ps, func(i, j int) bool { return ps[i].month < ps[j].month })
		h := held{months: make([]int, len(ps)), values: make([]float64, len(ps))}
		for i, p := range ps {
			h.months[i], h.values[i] = p.month, p.value
		}
		series[k] = h
	}
	// before is the number of points of a series before month.
	before := func(h held, month domain.Month) int { return sort.SearchInts(h.months, month.Index()) }
	official, names, err := s.reconcileContext(ctx, p.Councils())
	if err != nil {
		return returns.Context{}, err
	}
	return returns.Context{
		Catalogue:    cat,
		Now:          s.now(),
		ScopeCouncil: scope,
		Tolerance:    s.Tolerance,
		MinAbsChange: s.MinAbsChange,
		// Percentages' own minimum, in points.
		MinChangePoints: s.MinChangePoints,
		NoiseSDs:        s.NoiseSDs,
		// The last accepted month: the latest earlier month held, however
		// far back (SECURITY V2).
		Previous: func(council int, indicator string, month domain.Month) (domain.Month, float64, bool) {
			h := series[key{council, indicator}]
			n := before(h, month)
			if n == 0 {
				return domain.Month{}, 0, false
			}
			m := h.months[n-1]
			return domain.Month{Year: m / 12, Month: time.Month(m%12 + 1)}, h.values[n-1], true
		},
		// The values before month, shared rather than copied: the rules
		// only read them.
		History: func(council int, indicator string, month domain.Month) []float64 {
			h := series[key{council, indicator}]
			n := before(h, month)
			return h.values[:n:n]
		},
		// What Q06 sets a completed year against: DfE's figures, the
		// months held, and the councils' names.
		Official: func(council int, indicator string) []domain.OfficialValue {
			return official[officialKey{council, indicator}]
		},
		Held: func(council int, indicator string, month domain.Month) (float64, bool) {
			h := series[key{council, indicator}]
			if n := before(h, month); n < len(h.months) && h.months[n] == month.Index() {
				return h.values[n], true
			}
			return 0, false
		},
		CouncilName:        func(council int) string { return names[council] },
		ReconcileTolerance: s.ReconcileTolerance,
	}, nil
}

// explain attaches explanations to queries, matched by the message key or
// by rule and cell, for any of the rules of a message that joins several.
// It reports how many explanations it set or changed.
func explain(ms []domain.Message, explanations map[string]string) int {
	changed := 0
	if len(explanations) == 0 {
		return 0
	}
	for i := range ms {
		if ms[i].Severity != domain.SeverityQuery {
			continue
		}
		before := ms[i].Explanation
		for _, rule := range ms[i].AllRules() {
			for _, k := range []string{rule + "|" + ms[i].Sheet + "|" + ms[i].Cell, rule + "|" + ms[i].Cell, rule + "|" + ms[i].Sheet + "!" + ms[i].Cell} {
				if e := domain.TrimExplanation(explanations[k], maxExplanation); e != "" {
					ms[i].Explanation = e
				}
			}
		}
		if ms[i].Explanation != before {
			changed++
		}
	}
	return changed
}

// maxExplanation caps an explanation's length, in bytes.
const maxExplanation = 2000

func unexplained(ms []domain.Message) int {
	n := 0
	for _, m := range ms {
		if m.Severity == domain.SeverityQuery && m.Explanation == "" {
			n++
		}
	}
	return n
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

// fired reports whether any message is of rule.
func fired(ms []domain.Message, rule string) bool {
	for _, m := range ms {
		if m.Rule == rule {
			return true
		}
	}
	return false
}

// filedUnder files a submission refused because it is for another council
// (E06) under the uploader's own council, scope (SECURITY V5): the
// uploader can read its report, and the council it named neither lists it
// nor opens it (with the uploader's email and file name). It returns the
// coverage to record: the months the file named, for scope.
func filedUnder(sub *domain.Submission, scope int, keys []store.CouncilMonth) []store.CouncilMonth {
	sub.Council = scope
	seen := map[string]bool{}
	out := make([]store.CouncilMonth, 0, len(keys))
	for _, k := range keys {
		if !seen[k.Month] {
			seen[k.Month] = true
			out = append(out, store.CouncilMonth{Council: scope, Month: k.Month})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out
}
