package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The projection API: 12 months beyond Camden's last figure (Sep 2026),
// each with its intervals in order, counts at or above zero, and the
// backtest beside it; as the document describes it.
func TestProjectionAPI(t *testing.T) {
	e := newHomeEnv(t)
	lga := e.signIn("lga@proj.test", e.addUser("lga@proj.test", domain.RoleLGA, 0))
	doc := loadOpenAPI(t)
	op := doc.Paths.Find("/api/v1/councils/{number}/projection").Get
	status, body, _ := e.get(lga, "/api/v1/councils/202/projection?indicator=CSC_CLA&horizon=12")
	checkResponse(t, "projection", op, status, body)
	var got struct {
		Projected bool   `json:"projected"`
		LastMonth string `json:"last_month"`
		Unit      string `json:"unit"`
		Points    []struct {
			Month                                        string
			Forecast, Lower80, Upper80, Lower95, Upper95 float64
		} `json:"points"`
		Backtest struct {
			MAE, NaiveMAE, RelativeMAE, Coverage80, Coverage95 *float64
			Forecasts                                          int
		} `json:"backtest"`
		AccuracyText string `json:"accuracy_text"`
	}
	// The JSON names are snake_case; decode the points by hand.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(body), &got)
	var points []map[string]any
	_ = json.Unmarshal(raw["points"], &points)
	var bt map[string]any
	_ = json.Unmarshal(raw["backtest"], &bt)
	if !got.Projected || got.LastMonth != "2026-09" || got.Unit != "count" || len(points) != 12 {
		t.Fatalf("projection: projected %v, last %q, unit %q, %d points\n%.600s", got.Projected, got.LastMonth, got.Unit, len(points), body)
	}
	if points[0]["month"] != "2026-10" || points[11]["month"] != "2027-09" {
		t.Errorf("months %v to %v; want 2026-10 to 2027-09", points[0]["month"], points[11]["month"])
	}
	for _, p := range points {
		f, l8, u8, l9, u9 := p["forecast"].(float64), p["lower_80"].(float64), p["upper_80"].(float64), p["lower_95"].(float64), p["upper_95"].(float64)
		if !(0 <= l9 && l9 <= l8 && l8 <= f && f <= u8 && u8 <= u9) {
			t.Errorf("%v: intervals out of order: %v", p["month"], p)
		}
	}
	for _, k := range []string{"mae", "naive_mae", "relative_mae", "coverage_80", "coverage_95"} {
		if _, ok := bt[k].(float64); !ok {
			t.Errorf("backtest %s = %v; want a number", k, bt[k])
		}
	}
	if bt["forecasts"].(float64) < 100 {
		t.Errorf("backtest rests on %v forecasts; want the last three years' origins", bt["forecasts"])
	}
	if !strings.Contains(got.AccuracyText, "80% range held") {
		t.Errorf("accuracy text %q", got.AccuracyText)
	}

	// A shorter horizon, a percentage and mistakes.
	_, body, _ = e.get(lga, "/api/v1/councils/202/projection?indicator=SEND_ATTEND_ALL&horizon=3")
	_ = json.Unmarshal([]byte(body), &raw)
	_ = json.Unmarshal(raw["points"], &points)
	if len(points) != 3 {
		t.Errorf("horizon=3 gave %d points", len(points))
	}
	for _, p := range points {
		if p["upper_95"].(float64) > 100 || p["lower_95"].(float64) < 0 {
			t.Errorf("a percentage out of 0–100: %v", p)
		}
	}
	for path, want := range map[string]int{
		"/api/v1/councils/202/projection":                              http.StatusBadRequest,
		"/api/v1/councils/202/projection?indicator=NOPE":               http.StatusNotFound,
		"/api/v1/councils/202/projection?indicator=CSC_CLA&horizon=13": http.StatusBadRequest,
	} {
		if status, _, _ := e.get(lga, path); status != want {
			t.Errorf("%s: %d; want %d", path, status, want)
		}
	}
}

// A council with too few months says so instead of projecting.
func TestProjectionRefusedWhenTooShort(t *testing.T) {
	e := newTestEnv(t, Config{})
	lga := e.signIn("lga@short.test", e.addUser("lga@short.test", domain.RoleLGA, 0))
	_, body, _ := e.get(lga, "/api/v1/councils/202/projection?indicator=CSC_REFERRALS")
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got["projected"] != false || got["reason"] != "too_short" || !strings.Contains(got["reason_text"].(string), "36 months") ||
		len(got["points"].([]any)) != 0 {
		t.Errorf("a short series: %.500s", body)
	}
}

// Exceptions: the JSON list and the Atom feed carry the same months,
// each outside the 95% range projected the month before.
func TestExceptionsAPIAndFeed(t *testing.T) {
	e := newHomeEnv(t)
	lga := e.signIn("lga@exc.test", e.addUser("lga@exc.test", domain.RoleLGA, 0))
	doc := loadOpenAPI(t)
	status, body, _ := e.get(lga, "/api/v1/exceptions?since=2024-01")
	checkResponse(t, "exceptions", doc.Paths.Find("/api/v1/exceptions").Get, status, body)
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no exceptions in nearly three years of eleven councils")
	}
	for _, x := range list {
		v, lo, hi := x["value"].(float64), x["lower_95"].(float64), x["upper_95"].(float64)
		switch x["direction"] {
		case "higher":
			if v <= hi {
				t.Errorf("higher than expected, yet within range: %v", x)
			}
		case "lower":
			if v >= lo {
				t.Errorf("lower than expected, yet within range: %v", x)
			}
		default:
			t.Errorf("direction %v", x["direction"])
		}
		if x["month"].(string) < "2024-01" || !strings.Contains(x["reason"].(string), "than expected") {
			t.Errorf("exception %v", x)
		}
	}
	status, feedBody, h := e.get(lga, "/exceptions.atom?since=2024-01")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", status, h.Get("Content-Type"))
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feedBody), &feed); err != nil {
		t.Fatalf("not Atom: %v", err)
	}
	if feed.ID == "" || feed.Updated == "" || len(feed.Entries) != len(list) {
		t.Fatalf("feed id %q updated %q with %d entries; want %d", feed.ID, feed.Updated, len(feed.Entries), len(list))
	}
	seen := map[string]bool{}
	for _, en := range feed.Entries {
		if en.ID == "" || seen[en.ID] || en.Updated == "" || !strings.Contains(en.Link.Href, "/councils/") || en.Summary == "" {
			t.Errorf("entry %+v", en)
		}
		seen[en.ID] = true
	}
	if status, _, _ := e.get(lga, "/api/v1/exceptions?since=Sept"); status != http.StatusBadRequest {
		t.Errorf("since=Sept: %d", status)
	}
}

// The profile carries the key lines of enquiry near the top, the
// exceptions section, and the LGA's projections page its tables; the
// narrative API gives each sentence with its link and figures.
func TestProfileEnquiryAndProjectionsPage(t *testing.T) {
	e := newHomeEnv(t)
	lga := e.signIn("lga@page.test", e.addUser("lga@page.test", domain.RoleLGA, 0))
	status, body, _ := e.get(lga, "/councils/202?indicator=CSC_CLA")
	if status != http.StatusOK {
		t.Fatalf("profile: %d", status)
	}
	enquiry, headlines := strings.Index(body, `id="enquiry"`), strings.Index(body, `id="headlines"`)
	if enquiry < 0 || headlines < 0 || enquiry > headlines {
		t.Errorf("key lines of enquiry at %d, headlines at %d: want the enquiry first", enquiry, headlines)
	}
	for _, want := range []string{`id="exceptions"`, `id="projection"`, "Children looked after in 12 months (Sep 2027)"} {
		if !strings.Contains(body, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	doc := loadOpenAPI(t)
	status, body, _ = e.get(lga, "/api/v1/councils/202/narrative")
	checkResponse(t, "narrative", doc.Paths.Find("/api/v1/councils/{number}/narrative").Get, status, body)
	var got struct {
		Sentences []struct {
			Text, Href string
			Figures    []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sentences) < 3 {
		t.Errorf("%d sentences: %.500s", len(got.Sentences), body)
	}
	for _, s := range got.Sentences {
		if !strings.ContainsAny(s.Text, "0123456789") || len(s.Figures) == 0 || !strings.HasPrefix(s.Href, "/councils/202") {
			t.Errorf("sentence %+v", s)
		}
	}
	status, body, _ = e.get(lga, "/projections?indicator=CSC_CLA")
	if status != http.StatusOK {
		t.Fatalf("projections page: %d", status)
	}
	for _, want := range []string{"Projected to rise most", "Projected to enter the worst band", "How accurate the projections have been", "/exceptions.atom?since="} {
		if !strings.Contains(body, want) {
			t.Errorf("projections page lacks %q", want)
		}
	}
}
