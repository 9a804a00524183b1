package auth_test

import (
	"regexp"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/auth"
)

// SECURITY.md W6: a generated password passes the policy, has the readable
// shape (4 groups of 5, no 0/o/1/l/i), and 1000 draws are all different.
func TestRandomPasswordPassesPolicyAndIsDistinct(t *testing.T) {
	shape := regexp.MustCompile(`^[2-9a-hjkmnp-z]{5}(-[2-9a-hjkmnp-z]{5}){3}$`)
	seen := make(map[string]bool, 1000)
	for range 1000 {
		p := auth.RandomPassword()
		if !shape.MatchString(p) {
			t.Fatalf("RandomPassword() = %q; want 4 groups of 5 unambiguous characters", p)
		}
		if err := auth.CheckPassword(p, "jane.smith@northshire.gov.uk"); err != nil {
			t.Fatalf("CheckPassword(RandomPassword() = %q) = %v", p, err)
		}
		if seen[p] {
			t.Fatalf("RandomPassword() repeated %q", p)
		}
		seen[p] = true
	}
}
