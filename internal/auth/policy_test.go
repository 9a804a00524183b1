package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The messages a council user sees; spelled out here so a change to the
// wording is a deliberate change to this test too.
const (
	msgEmpty      = "Enter a password"
	msgTooShort   = "Password must be 12 characters or more"
	msgTooLong    = "Password must be 256 characters or fewer"
	msgCharacters = "Password must only include letters, numbers, spaces and symbols"
	msgRepeated   = "Password must not be the same character repeated"
	msgSequence   = "Password must not be a sequence of numbers or letters, such as 123456789012"
	msgEmail      = "Password must not include the part of your email address before the @"
	msgCommon     = "Password is too common: choose a longer phrase, such as three random words"
)

// SECURITY.md W6: at least 12 characters, at most 256, common passwords
// refused, no composition rules. Each row is one person's attempt and the
// message they should see ("" means accepted).
func TestCheckPasswordPolicy(t *testing.T) {
	const email = "jane.smith@northshire.gov.uk"
	for _, c := range []struct {
		name     string
		password string
		email    string
		want     string
	}{
		{"Empty", "", email, msgEmpty},

		// Length, counted in characters.
		{"11CharactersFails", "plum-river!", email, msgTooShort},
		{"12CharactersPasses", "plum-rivers!", email, ""},
		{"AccentedCountedAsRunes11Fails", "café-crème!", email, msgTooShort}, // 13 bytes
		{"AccentedCountedAsRunes12Passes", "café-crème-ü", email, ""},
		{"CJK11RunesFails", "日本語のパスワードです", email, msgTooShort}, // 33 bytes
		{"CJK12RunesPasses", "日本語のパスワードですね", email, ""},
		{"256CharactersPasses", strings.Repeat("ab", 128), email, ""},
		{"257CharactersFails", strings.Repeat("ab", 128) + "c", email, msgTooLong},

		// Characters that could never be typed again.
		{"TabFails", "correct\thorse battery", email, msgCharacters},
		{"InvalidUTF8Fails", "correct horse \xff\xfe", email, msgCharacters},

		// Common passwords, ignoring case, spaces around and endings added.
		{"CommonFails", "qwertyuiop123", email, msgCommon},
		{"CommonAnyCaseFails", "QwertyUIOP123", email, msgCommon},
		{"CommonWithSpacesAroundFails", "  Password1234  ", email, msgCommon},
		{"CommonWith1BangAppendedFails", "basketball1!", email, msgCommon},
		{"CommonCapitalisedWith1BangFails", "Basketball1!", email, msgCommon},
		{"CommonWithYearAppendedFails", "Manchester2025!", email, msgCommon},
		{"ServiceWordWithYearFails", "Safeguarding2025!", email, msgCommon},
		{"ServicePhraseFails", "Children's Services", email, msgCommon},
		{"ServicePhraseCurlyApostropheFails", "Children’s Services", email, msgCommon},
		{"WelcomeFails", "Welcome12345", email, msgCommon},
		{"CommonWordInsideAPhrasePasses", "manchester tram at midnight", email, ""},

		// The email's local part, with or without separators.
		{"EmailLocalPartFails", "jane.smith-is-great", email, msgEmail},
		{"EmailLocalPartAnyCaseFails", "Jane.Smith2025!!", email, msgEmail},
		{"EmailLocalPartWithoutDotFails", "JaneSmith-rocks-2025", email, msgEmail},
		{"EmailSubaddressIgnoredFails", "jane.smith-is-great", "jane.smith+dcs@northshire.gov.uk", msgEmail},
		{"ShortLocalPartIgnoredPasses", "always alert penguin", "al@northshire.gov.uk", ""},
		{"NoEmailPasses", "jane.smith-is-great", "", ""},

		// One character repeated, or a run.
		{"RepeatedLetterFails", "aaaaaaaaaaaa", email, msgRepeated},
		{"RepeatedDigitFails", "000000000000", email, msgRepeated},
		{"RepeatedWithSpacesFails", "  zzzzzzzzzzzz  ", email, msgRepeated},
		{"OnlySpacesFails", strings.Repeat(" ", 12), email, msgRepeated},
		{"DigitRunFails", "123456789012", email, msgSequence},
		{"DigitRunDownFails", "210987654321", email, msgSequence},
		{"LetterRunFails", "abcdefghijklm", email, msgSequence},
		{"NonRunOfDigitsPasses", "739204816553", email, ""},

		// No composition rules: lower-case words with spaces are fine.
		{"CorrectHorseBatteryStaplePasses", "correct horse battery staple", email, ""},
		{"LongRandomPhrasePasses", "velvet tractor sings at dawn", email, ""},
		{"LettersOnlyPasses", "lorryumbrellafjord", email, ""},
		{"RandomGroupsPass", "k7mq2-xv9ra-3hbtc-wn8pe", email, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := auth.CheckPassword(c.password, c.email)
			if c.want == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v; want nil", c.password, err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("CheckPassword(%q) = %v; want *domain.Error %q", c.password, err, c.want)
			}
			if de.Code != domain.EINVALID || de.Message != c.want {
				t.Errorf("CheckPassword(%q) = %s %q; want %s %q", c.password, de.Code, de.Message, domain.EINVALID, c.want)
			}
		})
	}
}

// SECURITY.md W6: the limits templates show are the ones enforced.
func TestPasswordLengthLimits(t *testing.T) {
	if auth.MinPasswordLength != 12 || auth.MaxPasswordLength != 256 {
		t.Errorf("limits are %d to %d; SECURITY.md W6 says 12, and 256 is the agreed maximum",
			auth.MinPasswordLength, auth.MaxPasswordLength)
	}
}
