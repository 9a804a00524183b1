package web

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The returns page's month picker offers the months a return may cover
// for the council (domain.ReturnMonths): Northamptonshire's end in March
// 2021, North Northamptonshire's begin in April 2021, and every option
// gives a template the download serves.
func TestReturnsPagePickerFollowsReturnMonths(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	option := regexp.MustCompile(`<option value="(\d{4}-\d\d)"`)
	for _, c := range []struct {
		council, newest, oldest string
	}{
		{"928", "2021-03", "2018-04"},
		{"940", "2026-10", "2023-11"},
	} {
		code, body, _ := e.get(lga, "/councils/"+c.council+"/returns")
		if code != http.StatusOK {
			t.Fatalf("council %s's returns page: %d", c.council, code)
		}
		opts := option.FindAllStringSubmatch(body, -1)
		if len(opts) == 0 || opts[0][1] != c.newest || opts[len(opts)-1][1] != c.oldest {
			t.Errorf("council %s's picker: %d months, %v", c.council, len(opts), opts)
			continue
		}
		for _, m := range []string{opts[0][1], opts[len(opts)-1][1]} {
			if code, _, _ := e.get(lga, "/returns/template?council="+c.council+"&month="+m); code != http.StatusOK {
				t.Errorf("council %s's template for %s: %d", c.council, m, code)
			}
		}
	}
	if code, body, _ := e.get(lga, "/returns/template?council=940&month=2026-11"); code != http.StatusBadRequest || !contains(body, "November 2026 has not ended yet") {
		t.Errorf("a template for the month under way: %d", code)
	}
}
