package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// queryPageSize is how many queries a page of a rule's group lists: a
// bulk load's thousand queries are explained a group at a time, never
// through one giant form.
const queryPageSize = 100

// changesShown caps the changed figures a report page lists; the rest are
// counted.
const changesShown = 200

// queryGroups is a report's queries grouped by rule (the rule each is
// listed under, its first), with one group's queries a page at a time.
type queryGroups struct {
	Groups []queryGroup
	// The group shown: its rule, the rule's title, how many of its queries
	// still wait for an explanation, and one page of its queries.
	Rule, Title string
	Waiting     int
	Rows        []queryRow
	Page, Pages int
	Links       []pageLink
	Prev, Next  string
	// CanExplain offers the form that explains the checked queries, or
	// every query of the rule, with one explanation.
	CanExplain bool
}

type queryGroup struct {
	Rule, Title, Href string
	Count, Waiting    int
	Current           bool
}

// queryRow is one query as the grouped view lists it: where it is, and
// the council (name and number), indicator and month it concerns.
type queryRow struct {
	domain.Message
	Key, Where, Council, Indicator, Month string
}

type pageLink struct {
	Number        int
	Href          string
	Current, Skip bool
}

// changesView is what a resubmission changes, as the report lists it.
type changesView struct {
	Rows             []changeRow
	More             int
	Total, Replaced  int
	Stored, Rejected bool
}

type changeRow struct {
	Where, Council, Indicator, Month, Old, New string
}

// groupedQueries reports whether a report lists its queries by rule, a
// page at a time: a bulk file's, or any with more than a page of them.
func groupedQueries(sub *domain.Submission, queries int) bool {
	return queries > 0 && (sub.Layout != string(returns.LayoutTemplate) || queries > queryPageSize)
}

// names looks up council names and indicator labels for a report, each
// council once.
type names struct {
	s          *Server
	ctx        context.Context
	councils   map[int]string
	indicators map[string]domain.Indicator
}

func (s *Server) reportNames(ctx context.Context) *names {
	n := &names{s: s, ctx: ctx, councils: map[int]string{}, indicators: map[string]domain.Indicator{}}
	if inds, err := s.db.Indicators(ctx); err == nil {
		for _, ind := range inds {
			n.indicators[ind.Code] = ind
		}
	}
	return n
}

// name is a council's name, or "" when it is not known.
func (n *names) name(number int) string {
	name, ok := n.councils[number]
	if !ok {
		if co, err := n.s.db.Council(n.ctx, number); err == nil {
			name = co.Name
		}
		n.councils[number] = name
	}
	return name
}

// council names a council "Camden (202)", or by number alone when its
// name is not known.
func (n *names) council(number int) string {
	if number == 0 {
		return ""
	}
	if name := n.name(number); name != "" {
		return fmt.Sprintf("%s (%d)", name, number)
	}
	return strconv.Itoa(number)
}

// indicator names an indicator "Children looked after (CSC_CLA)".
func (n *names) indicator(code string) string {
	if ind, ok := n.indicators[code]; ok && ind.Label != "" {
		return ind.Label + " (" + code + ")"
	}
	return code
}

// figure writes a value as its indicator's unit reads.
func (n *names) figure(code string, v float64) string {
	ind := n.indicators[code]
	switch {
	case ind.Unit == domain.UnitCount && v >= 0 && v == float64(int64(v)):
		return dashboard.FormatCount(v)
	case ind.Unit == domain.UnitPercent:
		return strconv.FormatFloat(v, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func monthLabel(s string) string {
	if m, err := domain.ParseMonth(s); err == nil {
		return m.Label()
	}
	return s
}

func where(sheet, cell string) string {
	if sheet != "" && cell != "" {
		return sheet + "!" + cell
	}
	return sheet + cell
}

// ruleTitles maps rule IDs to their titles.
func ruleTitles() map[string]string {
	out := map[string]string{}
	for _, r := range returns.Rules() {
		out[r.ID] = r.Title
	}
	return out
}

// buildQueryGroups groups a report's queries by rule and picks the page
// of one group that the address asks for (?rule=Q01&page=3), or the
// first group with queries still waiting.
func buildQueryGroups(c *gin.Context, sub *domain.Submission, queries []domain.Message, canExplain bool, nm *names) *queryGroups {
	titles := ruleTitles()
	by := map[string][]domain.Message{}
	var order []string
	for _, m := range queries {
		if _, ok := by[m.Rule]; !ok {
			order = append(order, m.Rule)
		}
		by[m.Rule] = append(by[m.Rule], m)
	}
	slices.Sort(order)
	g := &queryGroups{CanExplain: canExplain}
	rule := strings.ToUpper(strings.TrimSpace(c.Query("rule")))
	if _, ok := by[rule]; !ok {
		rule = ""
	}
	base := fmt.Sprintf("/returns/submissions/%d", sub.ID)
	for _, r := range order {
		q := queryGroup{Rule: r, Title: titles[r], Count: len(by[r]), Href: base + "?rule=" + url.QueryEscape(r)}
		for _, m := range by[r] {
			if m.Explanation == "" {
				q.Waiting++
			}
		}
		if rule == "" && q.Waiting > 0 {
			rule = r
		}
		g.Groups = append(g.Groups, q)
	}
	if rule == "" && len(order) > 0 {
		rule = order[0]
	}
	ms := by[rule]
	for i := range g.Groups {
		if g.Groups[i].Rule == rule {
			g.Groups[i].Current = true
			g.Waiting = g.Groups[i].Waiting
		}
	}
	g.Rule, g.Title = rule, titles[rule]
	g.Pages = max(1, (len(ms)+queryPageSize-1)/queryPageSize)
	g.Page, _ = strconv.Atoi(c.Query("page"))
	g.Page = min(max(g.Page, 1), g.Pages)
	href := func(p int) string { return fmt.Sprintf("%s?rule=%s&page=%d", base, url.QueryEscape(rule), p) }
	for _, m := range ms[(g.Page-1)*queryPageSize : min(g.Page*queryPageSize, len(ms))] {
		g.Rows = append(g.Rows, queryRow{Message: m, Key: m.Key(), Where: where(m.Sheet, m.Cell),
			Council: nm.council(m.Council), Indicator: nm.indicator(m.Indicator), Month: monthLabel(m.Month)})
	}
	if g.Pages > 1 {
		for p := 1; p <= g.Pages; p++ {
			// The first and last pages and those next to the current one;
			// one gap mark stands for the pages between.
			if p == 1 || p == g.Pages || p >= g.Page-1 && p <= g.Page+1 {
				g.Links = append(g.Links, pageLink{Number: p, Href: href(p), Current: p == g.Page})
			} else if n := len(g.Links); n == 0 || !g.Links[n-1].Skip {
				g.Links = append(g.Links, pageLink{Skip: true})
			}
		}
		if g.Page > 1 {
			g.Prev = href(g.Page - 1)
		}
		if g.Page < g.Pages {
			g.Next = href(g.Page + 1)
		}
	}
	return g
}

// buildChanges lists what a resubmission changes, for its report.
func (s *Server) buildChanges(ctx context.Context, sub *domain.Submission, nm *names) (*changesView, error) {
	ch, err := s.db.Changes(ctx, sub.ID)
	if err != nil || ch.Replaced == 0 {
		return nil, err
	}
	v := &changesView{Total: ch.Total(), Replaced: ch.Replaced, More: ch.More, Stored: sub.Status == domain.StatusStored}
	for i, x := range ch.List {
		if i >= changesShown {
			v.More += len(ch.List) - i
			break
		}
		old := "new"
		if x.Old != nil {
			old = nm.figure(x.Indicator, *x.Old)
		}
		v.Rows = append(v.Rows, changeRow{Where: where(x.Sheet, x.Cell), Council: nm.council(x.Council),
			Indicator: nm.indicator(x.Indicator), Month: monthLabel(x.Month), Old: old, New: nm.figure(x.Indicator, x.New)})
	}
	return v, nil
}

// explainGroup takes the grouped view's form: one explanation for the
// checked queries of a page, or for every query of the rule still
// without one. It goes back to the same page, which says what was saved,
// or to the report once the return is stored.
func (s *Server) explainGroup(c *gin.Context, sub *domain.Submission, payload string) {
	rule := strings.ToUpper(strings.TrimSpace(c.PostForm("rule")))
	page, _ := strconv.Atoi(c.PostForm("page"))
	text := strings.TrimSpace(c.PostForm("explanation"))
	back := fmt.Sprintf("/returns/submissions/%d?rule=%s&page=%d", sub.ID, url.QueryEscape(rule), max(page, 1))
	var a intake.Answers
	notice := ""
	switch c.PostForm("apply") {
	case "rule":
		a = intake.Answers{Rule: rule, ForRule: text}
	case "checked":
		keys := c.PostFormArray("key")
		a.ByKey = map[string]string{}
		for _, k := range keys {
			a.ByKey[k] = text
		}
		if len(keys) == 0 {
			notice = "Select at least one query on this page, or choose to explain every query under " + rule + "."
		}
	default:
		notice = "Choose whether the explanation is for the selected queries or for every query under " + rule + "."
	}
	if notice == "" && text == "" {
		notice = "Write the explanation."
	}
	if notice != "" {
		c.Request.URL.RawQuery = url.Values{"rule": {rule}, "page": {strconv.Itoa(max(page, 1))}}.Encode()
		s.renderReport(c, statusFor(domain.EUNPROCESSABLE), sub, payload, notice)
		return
	}
	u := currentUser(c)
	res, err := s.intake.Answer(c.Request.Context(), sub.ID, a, u.Email, scopeOf(u), c.ClientIP())
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			c.Request.URL.RawQuery = url.Values{"rule": {rule}, "page": {strconv.Itoa(max(page, 1))}}.Encode()
			s.renderReport(c, statusFor(domain.EUNPROCESSABLE), sub, payload, domain.ErrorMessage(err))
			return
		}
		s.handleError(c, err)
		return
	}
	if res.Status == domain.StatusStored {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/returns/submissions/%d", sub.ID))
		return
	}
	c.Redirect(http.StatusSeeOther, back+"&saved=1")
}

// scopeOf is the one council a user may submit for, or 0 for any.
func scopeOf(u *domain.User) int {
	if u.Role.Scoped() {
		return u.Council
	}
	return 0
}

// apiExplanations is the body of POST /api/v1/returns/{id}/explanations.
type apiExplanations struct {
	Explanations map[string]string `json:"explanations"`
	Rule         string            `json:"rule"`
	Explanation  string            `json:"explanation"`
}

// apiExplainReturn explains a waiting upload's queries through the API:
// single queries by key, and one explanation for every query of a rule
// still without one. It answers with the report as POST /api/v1/returns
// gives it: 201 once the return is stored, 409 while queries still wait.
func (s *Server) apiExplainReturn(c *gin.Context) {
	// Whose upload it is comes first: another council's is not found,
	// whatever the body says (SECURITY V5).
	sub, _, err := s.visibleSubmission(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	var body apiExplanations
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil && err != io.EOF {
		s.handleError(c, domain.Errorf(domain.EINVALID,
			`Send a JSON object: {"explanations": {"QUERY KEY": "text"}, "rule": "Q01", "explanation": "text for every query of that rule"} (%s).`, jsonProblem(err)))
		return
	}
	empty := len(body.Explanations) == 0 && strings.TrimSpace(body.Rule) == "" && strings.TrimSpace(body.Explanation) == ""
	if empty && sub.Status == domain.StatusAwaiting {
		s.handleError(c, domain.Errorf(domain.EINVALID, `Give "explanations" (query key to text), or a "rule" and its "explanation".`))
		return
	}
	u := currentUser(c)
	res, err := s.intake.Answer(c.Request.Context(), sub.ID, intake.Answers{ByKey: body.Explanations, Rule: body.Rule, ForRule: body.Explanation},
		u.Email, scopeOf(u), c.ClientIP())
	if err != nil {
		s.handleError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(outcomeStatus(res.Status, nil), s.apiReportNamed(c.Request.Context(), res))
}

// jsonProblem says briefly what was wrong with a JSON body.
func jsonProblem(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// apiReportNamed is apiReport with each message's council named and the
// figures a resubmission changes.
func (s *Server) apiReportNamed(ctx context.Context, res *intake.Result) gin.H {
	out := apiReport(res)
	nm := s.reportNames(ctx)
	for _, m := range out["messages"].([]gin.H) {
		if n, _ := m["la_number"].(int); n != 0 {
			m["council_name"] = nm.name(n)
		}
	}
	if res.Changes != nil {
		out["changes"] = res.Changes
	}
	return out
}
