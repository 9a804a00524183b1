package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Who may do what with returns: council staff see their own council's,
// data leads (and LGA officers and administrators, for any council)
// upload.
var (
	returnsViewers  = Access{CouncilParam: "number"}
	templateReaders = Access{CouncilParam: "council"}
	submitters      = Access{Roles: []domain.Role{domain.RoleUploader, domain.RoleLGA, domain.RoleAdmin}}
)

// returnsHome sends council staff to their council's returns and lets
// others choose a council.
func (s *Server) returnsHome(c *gin.Context) {
	u := currentUser(c)
	if u.Role.Scoped() {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/returns", u.Council))
		return
	}
	if n, err := strconv.Atoi(c.Query("council")); err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/returns", n))
		return
	}
	councils, err := s.db.Councils(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	s.render(c, http.StatusOK, "returns-home", pageData{Title: "Monthly returns", Breadcrumbs: []crumb{{"Home", "/"}},
		Body: returnsHomePage{Councils: councils, CanUpload: canSubmit(u), CanTrack: u.Role == domain.RoleLGA || u.Role == domain.RoleAdmin}})
}

type returnsHomePage struct {
	Councils  []domain.Council
	CanUpload bool
	// CanTrack is true for those who may see the returns tracker.
	CanTrack bool
}

func canSubmit(u *domain.User) bool {
	return u != nil && (u.Role == domain.RoleUploader || u.Role == domain.RoleLGA || u.Role == domain.RoleAdmin)
}

type councilReturnsPage struct {
	Council domain.Council
	// Years is the grid: two calendar years of months, newest first, each
	// cell linking to its month; Window says which, with the links to the
	// years either side.
	Years       []gridYear
	Window      gridWindow
	WindowLabel string
	// FirstLabel is the council's first month of returns ("Jan 2017").
	FirstLabel  string
	Submissions []domain.Submission
	Months      []monthOption
	CanUpload   bool
	MaxMB       int64
	// Due says which month is due next and by when; nil for a council
	// that no longer exists.
	Due *dueNotice
	// Replaced marks stored uploads whose figures later versions replaced
	// ("replaced", "partly replaced").
	Replaced map[int64]string
	// Notes are the explanations and notes on the current figures of the
	// months in the grid; NotesTotal counts them all.
	Notes      []figureNote
	NotesTotal int
}

type monthOption struct {
	Value, Label string
	Selected     bool
}

// councilReturns shows a council's return status, two calendar years at a
// time (?before= and ?from= page back to its first month), its upload
// history, and the template and upload forms; with ?month=YYYY-MM, that
// month's return.
func (s *Server) councilReturns(c *gin.Context) {
	ctx := c.Request.Context()
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	co, err := s.db.Council(ctx, n)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if q := strings.TrimSpace(c.Query("month")); q != "" {
		s.returnMonth(c, co, q)
		return
	}
	first, newest := domain.ReturnMonths(co, s.now())
	w, err := returnsWindow(c, n, first, newest)
	if err != nil {
		s.handleError(c, err)
		return
	}
	from, to := w.First, w.Last
	if from.Before(first) {
		from = first
	}
	if newest.Before(to) {
		to = newest
	}
	var grid []domain.MonthStatus
	held := map[string]*store.MonthReturn{}
	if !to.Before(from) {
		if grid, err = s.db.ReturnStatus(ctx, n, from, to); err != nil {
			s.handleError(c, err)
			return
		}
		if held, err = s.db.CouncilMonthReturns(ctx, n, from, to); err != nil {
			s.handleError(c, err)
			return
		}
	}
	_, required, err := s.requiredCodes(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	subs, err := s.db.CouncilSubmissions(ctx, n, 50)
	if err != nil {
		s.handleError(c, err)
		return
	}
	due, err := s.nextDue(ctx, co)
	if err != nil {
		s.handleError(c, err)
		return
	}
	page := councilReturnsPage{Council: co, Submissions: subs, CanUpload: canSubmit(currentUser(c)), MaxMB: s.limits.MaxFileBytes >> 20, Due: due,
		Window: w, FirstLabel: first.Label(), WindowLabel: fmt.Sprintf("%d and %d", w.First.Year, w.Last.Year),
		Years: returnsGrid(n, w, first, newest, co.ExistedIn(domain.MonthOf(s.now().UTC())), grid, held, required)}
	// The template picker offers the last 36 months a return may cover
	// for the council, and starts at the month due next, when a template
	// can be made for it yet.
	pick := newest
	if due != nil && !newest.Before(due.Month) && !due.Month.Before(newest.Add(-35)) {
		pick = due.Month
	}
	if page.Replaced, err = s.replacedLabels(ctx, n, subs); err != nil {
		s.handleError(c, err)
		return
	}
	if page.Notes, page.NotesTotal, err = s.councilNotes(ctx, n, grid); err != nil {
		s.handleError(c, err)
		return
	}
	for i := 0; i < 36 && !newest.Add(-i).Before(first); i++ {
		m := newest.Add(-i)
		page.Months = append(page.Months, monthOption{Value: m.String(), Label: m.Label(), Selected: m == pick})
	}
	s.render(c, http.StatusOK, "returns-council", pageData{Title: co.Name + " returns",
		Breadcrumbs: []crumb{{"Home", "/"}, {co.Name, fmt.Sprintf("/councils/%d", n)}},
		Scripts:     []string{"js/upload.js"}, Body: page})
}

// returnTemplate downloads the return workbook for a council and month.
func (s *Server) returnTemplate(c *gin.Context) {
	ctx := c.Request.Context()
	n, err := strconv.Atoi(c.Query("council"))
	if err != nil {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Choose a council: ?council= takes a DfE number, for example 202."))
		return
	}
	co, err := s.db.Council(ctx, n)
	if err != nil {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %d.", n))
		return
	}
	m, err := domain.ParseMonth(c.Query("month"))
	if err != nil {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Choose a month written as YYYY-MM, for example 2021-01."))
		return
	}
	all, err := s.db.AllCouncils(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if err := domain.CheckReturnMonth(co, m, s.now(), all); err != nil {
		s.handleError(c, err)
		return
	}
	inds, err := s.db.Indicators(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := returns.WriteTemplate(&buf, co, m, inds); err != nil {
		s.handleError(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, returns.TemplateFileName(co, m)))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// intakeRequest builds the request for an upload from the signed-in user.
func (s *Server) intakeRequest(c *gin.Context, path, name, source string) intake.Request {
	u := currentUser(c)
	req := intake.Request{Path: path, FileName: name, Submitter: u.Email, UserID: u.ID, Source: source, Remote: c.ClientIP()}
	if u.Role.Scoped() {
		req.ScopeCouncil = u.Council
	}
	return req
}

// uploadReturn receives a file from the upload form and processes it in
// the background; the next page shows its progress.
func (s *Server) uploadReturn(c *gin.Context) {
	path, name, _, err := s.receiveUpload(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	j := s.startJob(c.Request.Context(), s.intakeRequest(c, path, name, "web"), currentUser(c).ID, c.GetString(requestIDKey))
	c.Redirect(http.StatusSeeOther, "/returns/jobs/"+j.ID)
}

type jobPage struct {
	ID       string
	Snapshot jobSnapshot
}

// userJob finds the signed-in user's job of the address, on whichever
// instance it runs; nil when there is none (or it is someone else's).
func (s *Server) userJob(c *gin.Context) (*store.UploadJob, error) {
	r, err := s.uploadJob(c.Request.Context(), c.Param("id"))
	if err != nil || r == nil || r.UserID != currentUser(c).ID {
		return nil, err
	}
	return r, nil
}

// returnJob shows an upload's progress; when it has finished, it goes on
// to the validation report, or says what became of the file. A finished
// job never shows the progress page again, whose script would reload it
// for ever. A job that failed shows its error through the one error map;
// an internal failure (a panic included) shows only the reference it was
// logged under, the upload's request ID.
func (s *Server) returnJob(c *gin.Context) {
	j, err := s.userJob(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if j == nil {
		s.handleError(c, errJobGone)
		return
	}
	snap := snapshotOf(j)
	switch {
	case snap.Finished && snap.Submission != 0:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/returns/submissions/%d", snap.Submission))
	case snap.Finished && snap.Unchanged:
		s.unchangedReport(c, snap.Existing)
	case snap.Finished && j.Error == errUploadLost.Message:
		s.showError(c, withHeading(j.Err(), lostHeading), j.RequestID)
	case snap.Finished:
		s.showError(c, j.Err(), j.RequestID)
	default:
		s.render(c, http.StatusOK, "returns-job", pageData{Title: "Checking your return", Scripts: []string{"js/upload.js"},
			Body: jobPage{ID: j.ID, Snapshot: snap}})
	}
}

// unchangedMessage is what an upload identical to the return held says,
// on the web as through the API and the command line.
const unchangedMessage = "This file is identical to the current return; nothing changed."

// unchangedReport answers an upload identical to what is held: the report
// of the upload that holds it, saying that nothing changed.
func (s *Server) unchangedReport(c *gin.Context, existing int64) {
	sub, payload, err := s.db.Submission(c.Request.Context(), existing)
	u := currentUser(c)
	if err != nil || sub.Demo || (u.Role.Scoped() && sub.Council != u.Council) {
		s.render(c, http.StatusOK, "returns-unchanged", pageData{Title: "Nothing changed",
			Breadcrumbs: []crumb{{"Home", "/"}, {"Returns", "/returns"}}, Body: unchangedPage{Message: unchangedMessage}})
		return
	}
	s.renderReportInfo(c, http.StatusOK, sub, payload, "", fmt.Sprintf("%s It is held as upload %d, shown below.", unchangedMessage, sub.ID))
}

// unchangedPage says an upload changed nothing, when the upload that
// holds the same figures cannot be shown.
type unchangedPage struct{ Message string }

// returnJobProgress tells upload.js how far a job has got; for a job this
// server does not know (after a restart) it answers 404 with a message
// the page shows instead of polling on.
func (s *Server) returnJobProgress(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	j, err := s.userJob(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if j == nil {
		s.handleError(c, errJobGone)
		return
	}
	snap := snapshotOf(j)
	if snap.Finished && snap.Submission != 0 {
		snap.Next = fmt.Sprintf("/returns/submissions/%d", snap.Submission)
	} else if snap.Finished {
		// The job's page shows the outcome once it has finished.
		snap.Next = "/returns/jobs/" + j.ID
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, snap)
}

// reportShown caps the messages a report page lists, so a bulk load with
// thousands of findings stays a usable page; the rest are counted.
const reportShown = 200

type reportPage struct {
	Submission  *domain.Submission
	Council     *domain.Council
	Errors      []domain.Message
	Queries     []domain.Message
	MoreErrors  int
	MoreQueries int
	Councils    []councilOutcomeView
	CanExplain  bool
	// Notice is a problem to put right; Info is news, such as an upload
	// that changed nothing.
	Notice string
	Info   string
	// Unchanged marks the report shown for an upload identical to the
	// return held; Saved, explanations kept while other queries wait.
	Unchanged, Saved bool
	// Waiting counts the queries still without an explanation.
	Waiting int
	// Grouped lists many queries (a bulk load's) by rule, a page at a
	// time; Changes is what a resubmission changes.
	Grouped *queryGroups
	Changes *changesView
}

type councilOutcomeView struct {
	Number int
	Name   string
	// Months is space-separated, as monthSpan takes it.
	Months  string
	Rows    int
	Errors  int
	Queries int
}

// visibleSubmission loads a submission the user may see: council staff see
// only their own council's.
func (s *Server) visibleSubmission(c *gin.Context) (*domain.Submission, string, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, "", domain.Errorf(domain.ENOTFOUND, "There is no such upload.")
	}
	sub, payload, err := s.db.Submission(c.Request.Context(), id)
	if err != nil {
		return nil, "", err
	}
	u := currentUser(c)
	if sub.Demo || (u.Role.Scoped() && sub.Council != u.Council) {
		return nil, "", domain.Errorf(domain.ENOTFOUND, "There is no upload with reference %d.", id)
	}
	return sub, payload, nil
}

// submissionReport lists every error and query with its cell, and for a
// return waiting for explanations, the form to give them.
func (s *Server) submissionReport(c *gin.Context) {
	sub, payload, err := s.visibleSubmission(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	s.renderReport(c, http.StatusOK, sub, payload, "")
}

func (s *Server) renderReport(c *gin.Context, status int, sub *domain.Submission, payload, notice string) {
	s.renderReportInfo(c, status, sub, payload, notice, "")
}

func (s *Server) renderReportInfo(c *gin.Context, status int, sub *domain.Submission, payload, notice, info string) {
	ctx := c.Request.Context()
	page := reportPage{Submission: sub, CanExplain: sub.Status == domain.StatusAwaiting && canSubmit(currentUser(c)), Notice: notice, Info: info,
		Unchanged: info != "", Saved: c.Query("saved") != "" && sub.Status == domain.StatusAwaiting}
	nm := s.reportNames(ctx)
	messages := sub.Messages()
	var queries []domain.Message
	for _, m := range messages {
		if m.Severity != domain.SeverityError {
			queries = append(queries, m)
			if m.Explanation == "" {
				page.Waiting++
			}
		}
	}
	if groupedQueries(sub, len(queries)) {
		page.Grouped = buildQueryGroups(c, sub, queries, page.CanExplain, nm)
		messages = slices.DeleteFunc(messages, func(m domain.Message) bool { return m.Severity != domain.SeverityError })
	}
	if sub.Status != domain.StatusRejected {
		changes, err := s.buildChanges(ctx, sub, nm)
		if err != nil {
			s.handleError(c, err)
			return
		}
		page.Changes = changes
	}
	for _, m := range messages {
		switch {
		case m.Severity == domain.SeverityError && len(page.Errors) < reportShown:
			page.Errors = append(page.Errors, m)
		case m.Severity == domain.SeverityError:
			page.MoreErrors++
		case len(page.Queries) < reportShown:
			page.Queries = append(page.Queries, m)
		default:
			page.MoreQueries++
		}
	}
	if page.MoreQueries > 0 {
		page.CanExplain = false
	}
	if sub.Council != 0 {
		if co, err := s.db.Council(ctx, sub.Council); err == nil {
			page.Council = &co
		}
	}
	if page.Council == nil && sub.Councils != "" {
		// A bulk load: each council's figures, months, errors and queries,
		// as the command line and the API report them.
		outs, err := s.intake.Outcomes(ctx, sub, payload)
		if err != nil {
			s.handleError(c, err)
			return
		}
		for _, o := range outs {
			name := strconv.Itoa(o.Council)
			if co, err := s.db.Council(ctx, o.Council); err == nil {
				name = co.Name
			}
			page.Councils = append(page.Councils, councilOutcomeView{Number: o.Council, Name: name,
				Months: strings.Join(o.Months, " "), Rows: o.Rows, Errors: o.Errors, Queries: o.Queries})
		}
	}
	crumbs := []crumb{{"Home", "/"}}
	if page.Council != nil {
		crumbs = append(crumbs, crumb{page.Council.Name, fmt.Sprintf("/councils/%d", page.Council.Number)},
			crumb{"Returns", fmt.Sprintf("/councils/%d/returns", page.Council.Number)})
	} else {
		crumbs = append(crumbs, crumb{"Returns", "/returns"})
	}
	s.render(c, status, "returns-report", pageData{Title: "Upload " + strconv.FormatInt(sub.ID, 10), Breadcrumbs: crumbs, Body: page})
}

// explainSubmission takes the explanations given on the report page and,
// once every query has one, stores the return.
func (s *Server) explainSubmission(c *gin.Context) {
	sub, payload, err := s.visibleSubmission(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if c.PostForm("apply") != "" || c.PostForm("rule") != "" {
		s.explainGroup(c, sub, payload)
		return
	}
	explanations := map[string]string{}
	for _, m := range sub.Messages() {
		if v := strings.TrimSpace(c.PostForm("explain-" + explanationField(m))); v != "" {
			explanations[m.Key()] = v
		}
	}
	u := currentUser(c)
	scope := 0
	if u.Role.Scoped() {
		scope = u.Council
	}
	res, err := s.intake.Explain(c.Request.Context(), sub.ID, explanations, u.Email, scope, c.ClientIP())
	if err != nil {
		s.handleError(c, err)
		return
	}
	if res.Status == domain.StatusStored {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/returns/submissions/%d", sub.ID))
		return
	}
	s.renderReport(c, statusFor(domain.EUNPROCESSABLE), res.Submission, payload, "Every query needs an explanation before the return can be submitted.")
}

// explanationField names a query's textarea: a form-safe version of its key.
func explanationField(m domain.Message) string {
	r := strings.NewReplacer("|", "-", "!", "-", " ", "-", ":", "-")
	return r.Replace(m.Rule + "-" + m.Sheet + "-" + m.Cell)
}

// apiSubmitReturn is the JSON door: a multipart upload with a "file" and,
// optionally, "explanations" as a JSON object from query key (as reported,
// or "RULE|CELL") to text. It answers 201 when stored, 200 when identical
// to what is held, 409 when queries need explanations and 422 on errors.
func (s *Server) apiSubmitReturn(c *gin.Context) {
	path, name, values, err := s.receiveUpload(c)
	if path != "" {
		defer removeFile(path)
	}
	if err != nil {
		s.handleError(c, err)
		return
	}
	req := s.intakeRequest(c, path, name, "api")
	if raw := strings.TrimSpace(values["explanations"]); raw != "" {
		if err := json.Unmarshal([]byte(raw), &req.Explanations); err != nil {
			s.handleError(c, domain.Errorf(domain.EINVALID, "explanations must be a JSON object from query key to text."))
			return
		}
	}
	res, err := s.intake.Submit(c.Request.Context(), req)
	// Gone before the answer is sent, not after, so a client that has its
	// answer finds nothing left behind (SECURITY U9).
	removeFile(path)
	if err != nil && res == nil {
		s.handleError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(outcomeStatus(res.Status, err), s.apiReportNamed(c.Request.Context(), res))
}

func apiReport(res *intake.Result) gin.H {
	msgs := res.Messages
	if msgs == nil {
		msgs = []domain.Message{}
	}
	keyed := make([]gin.H, len(msgs))
	for i, m := range msgs {
		keyed[i] = gin.H{"key": m.Key(), "rule": m.Rule, "rules": m.AllRules(), "severity": m.Severity, "sheet": m.Sheet, "cell": m.Cell,
			"la_number": m.Council, "month": m.Month, "indicator": m.Indicator, "message": m.Text, "explanation": m.Explanation}
	}
	out := gin.H{"status": res.Status, "messages": keyed, "councils": res.Councils}
	if res.Submission != nil {
		out["submission"] = res.Submission
		if res.Status == domain.StatusUnchanged {
			out["note"] = unchangedMessage
			out["existing_submission_id"] = res.Existing
		}
	}
	return out
}
