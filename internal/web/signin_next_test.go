package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// nextCases are sign-in "next" values as the server receives them (the
// query or form already decoded once) and whether they are followed.
var nextCases = []struct {
	name, next string
	ok         bool
}{
	{"Page", "/councils/202", true},
	{"PageWithQuery", "/compare?indicator=CSC_CIN&council=202", true},
	{"EscapedQuery", "/councils/202?x=a%20b", true},
	{"Root", "/", true},
	{"Empty", "", false},
	{"Relative", "councils/202", false},
	{"SchemeRelative", "//evil.example/", false},
	{"Absolute", "https://evil.example/", false},
	{"JavaScript", "javascript:alert(1)", false},
	{"Backslash", "/\\evil.example/", false},
	{"BackslashLater", "/a\\b", false},
	// SECURITY W7: a TAB or newline, dropped by browsers, turns these into
	// "//host/".
	{"Tab", "/\t/evil.example/", false},
	{"TabBackslash", "/\t\\evil.example/", false},
	{"Newline", "/\n/evil.example/", false},
	{"CarriageReturn", "/\r/evil.example/", false},
	{"NUL", "/\x00/evil.example/", false},
	// The same, still percent-encoded, as if sent encoded twice: decoded
	// once more they are the same attacks.
	{"EncodedTab", "/%09/evil.example/", false},
	{"EncodedTabBackslash", "/%09%5Cevil.example/", false},
	{"EncodedSlashes", "/%2F%2Fevil.example/", false},
	{"EncodedSlash", "/%2Fevil.example/", false},
	{"EncodedBackslash", "/%5Cevil.example/", false},
	{"EncodedNewline", "/%0a/evil.example/", false},
	{"BadEscape", "/councils/%zz", false},
	{"TooLong", "/" + strings.Repeat("a", 600), false},
}

func TestSafeNext(t *testing.T) {
	for _, tc := range nextCases {
		t.Run(tc.name, func(t *testing.T) {
			got := safeNext(tc.next)
			if tc.ok && got != tc.next {
				t.Errorf("safeNext(%q) = %q; want it kept", tc.next, got)
			}
			if !tc.ok && got != "" {
				t.Errorf("safeNext(%q) = %q; want it refused", tc.next, got)
			}
		})
	}
}

// SECURITY W7, end to end: after signing in, a hostile "next" (here
// /%09/host/ and /%09%5Chost/ in the address, which decode to a TAB and a
// backslash) leads home, never off the site; a page on the site is
// followed. Both the sign-in page's link and the form's field are tried.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("lga@w7.test", domain.RoleLGA, 0)
	for _, tc := range []struct{ raw, want string }{
		{"/%09/evil.example/", "/"},
		{"/%09%5Cevil.example/", "/"},
		{"%2F%2Fevil.example%2F", "/"},
		{"/%2509/evil.example/", "/"},
		{"https:%2F%2Fevil.example", "/"},
		{"/councils/202%3Fx%3D1", "/councils/202?x=1"},
	} {
		// The sign-in page carries next into its form.
		status, body, _ := env.get(env.client(), "/sign-in?next="+tc.raw)
		if status != http.StatusOK {
			t.Fatalf("sign-in page with next=%s: %d", tc.raw, status)
		}
		if tc.want == "/" && contains(body, "evil.example") {
			t.Errorf("the sign-in page keeps next=%s", tc.raw)
		}
		next, err := url.QueryUnescape(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		resp := env.postForm(env.client(), "/sign-in", url.Values{"email": {"lga@w7.test"}, "password": {pw}, "next": {next}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
			t.Errorf("sign in with next=%s: %d to %q; want %q", tc.raw, resp.StatusCode, resp.Header.Get("Location"), tc.want)
		}
	}
}
