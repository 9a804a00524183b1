package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// trackerFixture is a database with the reference data, and the codes of
// the required indicators.
func trackerFixture(t *testing.T, d Dialect) (*DB, []string) {
	t.Helper()
	db := MustOpenDialect(t, d)
	ctx := context.Background()
	if _, err := db.LoadReference(ctx, mustReference(t), "v1"); err != nil {
		t.Fatal(err)
	}
	inds, err := db.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	for _, ind := range inds {
		if ind.Required {
			required = append(required, ind.Code)
		}
	}
	if len(required) < 2 {
		t.Fatalf("the catalogue has %d required indicators; the test needs two or more", len(required))
	}
	return db, required
}

// figures gives every council named a figure for each code in each month.
func figures(councils []int, months []string, codes []string) []domain.Observation {
	var obs []domain.Observation
	for _, n := range councils {
		for _, m := range months {
			for _, code := range codes {
				obs = append(obs, domain.Observation{Council: n, Indicator: code, Month: m, Value: 10})
			}
		}
	}
	return obs
}

func storeFigures(t *testing.T, db *DB, by string, obs []domain.Observation, msgs []domain.Message) *domain.Submission {
	t.Helper()
	sub := &domain.Submission{SubmittedBy: by, Source: "test", FileName: by + ".xlsx", SHA256: fmt.Sprintf("%s-%d", by, len(obs))}
	sub.SetMessages(msgs)
	if err := db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: by}, nil); err != nil {
		t.Fatal(err)
	}
	return sub
}

func waitForExplanations(t *testing.T, db *DB, by string, obs []domain.Observation) *domain.Submission {
	t.Helper()
	sub := &domain.Submission{SubmittedBy: by, Source: "test", FileName: by + ".xlsx", Status: domain.StatusAwaiting}
	sub.SetMessages([]domain.Message{{Rule: "Q01", Severity: domain.SeverityQuery, Text: "unusual"}})
	if err := db.RecordSubmission(context.Background(), sub, obs, "[]", domain.AuditEntry{Actor: by}); err != nil {
		t.Fatal(err)
	}
	return sub
}

// Each state a council's month can be in, from the figures and uploads
// held, computed for every council at once.
func TestMonthReturnsStates(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, required := trackerFixture(t, dialect)
		ctx := context.Background()
		const month, before = "2026-10", "2026-09"

		// 202: every required indicator, no queries.
		storeFigures(t, db, "camden", figures([]int{202}, []string{month}, required), nil)
		// 301: all but the first required indicator (a bulk load may leave
		// some out).
		storeFigures(t, db, "barking", figures([]int{301}, []string{month}, required[1:]), nil)
		// 302: complete, with a query about this month that was explained.
		storeFigures(t, db, "barnet", figures([]int{302}, []string{month}, required), []domain.Message{
			{Rule: "Q01", Severity: domain.SeverityQuery, Council: 302, Month: month, Indicator: required[0], Text: "rose", Explanation: "a new team"}})
		// 303: complete, then a resubmission waiting for explanations.
		storeFigures(t, db, "bexley", figures([]int{303}, []string{month}, required), nil)
		waiting := waitForExplanations(t, db, "bexley-again", figures([]int{303}, []string{month}, required))
		// 305 and 306: only in a bulk load waiting for explanations that
		// names two months.
		bulk := waitForExplanations(t, db, "lga-bulk", figures([]int{305, 306}, []string{before, month}, required))
		// 307 and 308: one stored bulk load whose only query concerns 308, and
		// another query about 307 in a different month.
		storeFigures(t, db, "lga-stored", figures([]int{307, 308}, []string{before, month}, required), []domain.Message{
			{Rule: "Q03", Severity: domain.SeverityQuery, Council: 308, Month: month, Text: "far from history", Explanation: "checked"},
			{Rule: "Q03", Severity: domain.SeverityQuery, Council: 307, Month: before, Text: "far from history", Explanation: "checked"},
			{Rule: "E01", Severity: domain.SeverityError, Council: 307, Month: month, Text: "not counted: an error is no query"}})
		// 304 has nothing.

		m, _ := domain.ParseMonth(month)
		got, err := db.MonthReturns(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		state := func(n int) string {
			if r, ok := got[n]; ok {
				return r.State(required)
			}
			return (&MonthReturn{Council: n}).State(required)
		}
		for n, want := range map[int]string{
			202: domain.ReturnComplete, 301: domain.ReturnPartial, 302: domain.ReturnExplained, 303: domain.ReturnWaiting,
			304: domain.ReturnMissing, 305: domain.ReturnWaiting, 306: domain.ReturnWaiting, 307: domain.ReturnComplete, 308: domain.ReturnExplained,
		} {
			if s := state(n); s != want {
				t.Errorf("council %d: state %s; want %s (%+v)", n, s, want, got[n])
			}
		}
		if _, ok := got[304]; ok {
			t.Errorf("council 304 has nothing and should be absent: %+v", got[304])
		}
		if miss := got[301].MissingRequired(required); !slices.Equal(miss, required[:1]) {
			t.Errorf("301 misses %v; want %v", miss, required[:1])
		}
		if miss := (&MonthReturn{}).MissingRequired(required); !slices.Equal(miss, required) {
			t.Errorf("no return misses %v; want every required indicator", miss)
		}
		// The last upload is the one waiting, when there is one.
		if id, _, by, _ := got[303].LastUpload(); id != waiting.ID || by != "bexley-again" {
			t.Errorf("303's last upload %d by %s; want %d by bexley-again", id, by, waiting.ID)
		}
		if id, _, by, _ := got[306].LastUpload(); id != bulk.ID || by != "lga-bulk" {
			t.Errorf("306's last upload %d by %s; want the bulk load %d", id, by, bulk.ID)
		}
		if id, at, by, _ := got[202].LastUpload(); id == 0 || by != "camden" || at == "" {
			t.Errorf("202's last upload %d at %q by %s; want camden's", id, at, by)
		}

		// Another month: the bulk load still waits for it; 202 has nothing.
		prev, _ := domain.ParseMonth(before)
		got, err = db.MonthReturns(ctx, prev)
		if err != nil {
			t.Fatal(err)
		}
		if got[305] == nil || got[305].State(required) != domain.ReturnWaiting || got[202] != nil {
			t.Errorf("September: 305 %+v, 202 %+v; want 305 waiting and 202 absent", got[305], got[202])
		}
		if got[307].State(required) != domain.ReturnExplained || got[308].State(required) != domain.ReturnComplete {
			t.Errorf("September: 307 %s, 308 %s; want the query about 307 to count for September only",
				got[307].State(required), got[308].State(required))
		}

		// Storing Bexley's figures again replaces the waiting upload, and the
		// month is complete once more.
		storeFigures(t, db, "bexley-third", figures([]int{303}, []string{month}, required), nil)
		got, err = db.MonthReturns(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if s := got[303].State(required); s != domain.ReturnComplete {
			t.Errorf("303 after a stored resubmission: %s; want complete", s)
		}
	})
}

func TestAllCouncilsAndHeld(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, required := trackerFixture(t, dialect)
		ctx := context.Background()
		all, err := db.AllCouncils(ctx)
		if err != nil {
			t.Fatal(err)
		}
		current, err := db.Councils(ctx)
		if err != nil {
			t.Fatal(err)
		}
		numbers := map[int]domain.Council{}
		for _, c := range all {
			numbers[c.Number] = c
		}
		if len(all) <= len(current) {
			t.Errorf("%d councils with predecessors; want more than the %d current ones", len(all), len(current))
		}
		may2020, may2022 := domain.Month{Year: 2020, Month: time.May}, domain.Month{Year: 2022, Month: time.May}
		if c, ok := numbers[928]; !ok || !c.ExistedIn(may2020) || c.ExistedIn(may2022) {
			t.Errorf("Northamptonshire 928: %+v; want it listed, existing in May 2020 and not May 2022", c)
		}
		if c, ok := numbers[940]; !ok || c.ExistedIn(may2020) || !c.ExistedIn(may2022) {
			t.Errorf("North Northamptonshire 940: %+v; want it existing in May 2022 and not May 2020", c)
		}

		storeFigures(t, db, "camden", figures([]int{202}, []string{"2026-08", "2026-10"}, required[:1]), nil)
		held, err := db.CouncilHeld(ctx, 202, domain.Month{Year: 2026, Month: time.August}, domain.Month{Year: 2026, Month: time.October})
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != 2 || !slices.Equal(held["2026-08"], required[:1]) || !slices.Equal(held["2026-10"], required[:1]) {
			t.Errorf("CouncilHeld = %v; want August and October holding %v", held, required[:1])
		}
	})
}
