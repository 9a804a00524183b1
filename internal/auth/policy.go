package auth

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// MinPasswordLength and MaxPasswordLength bound a password's length in
// characters (Unicode code points, not bytes, so "é" counts once). 12 is
// SECURITY.md W6; 256 allows any passphrase while keeping a pasted novel out
// of the hash. Templates use them in hint text, so the page and the check
// cannot disagree.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// minListedLength is the shortest entry in common-passwords.txt. Shorter
// entries could never pass MinPasswordLength, but 10 and 11 still matter:
// "basketball1!" is "basketball" with two characters added, and CheckPassword
// strips trailing digits and punctuation before looking up.
const minListedLength = 10

// The messages CheckPassword returns, in GOV.UK style: they say what to do,
// and never what the rule is called.
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

// CheckPassword applies the password policy of SECURITY.md W6 for the account
// with the given email, and returns nil or a *domain.Error with code
// domain.EINVALID and a message to show next to the password field.
//
// A password must be 12 to 256 characters; must not be a common password
// (ignoring case, surrounding spaces, and digits or punctuation added at the
// end); must not include the part of the email before the @ when that is 4
// characters or more; and must not be one character repeated or a run such
// as 123456789012. There are deliberately no composition rules ("must
// include a digit"): they make passwords harder to remember without making
// them harder to guess, and NIST SP 800-63B and OWASP ASVS advise against
// them.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n == 0:
		return domain.Errorf(domain.EINVALID, msgEmpty)
	case n < MinPasswordLength:
		return domain.Errorf(domain.EINVALID, msgTooShort)
	case n > MaxPasswordLength:
		return domain.Errorf(domain.EINVALID, msgTooLong)
	case !typeable(password):
		return domain.Errorf(domain.EINVALID, msgCharacters)
	}

	norm := strings.ToLower(strings.TrimSpace(password))
	switch {
	case isRepeated(norm):
		return domain.Errorf(domain.EINVALID, msgRepeated)
	case isSequence(norm):
		return domain.Errorf(domain.EINVALID, msgSequence)
	case containsEmailLocalPart(norm, email):
		return domain.Errorf(domain.EINVALID, msgEmail)
	case isCommon(norm):
		return domain.Errorf(domain.EINVALID, msgCommon)
	}
	return nil
}

// typeable reports whether s is valid UTF-8 with no control characters. A
// password with a stray byte or a tab pasted into it could be stored but
// never typed again, so it is refused while the person can still fix it.
func typeable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// isRepeated reports whether s (already trimmed) has at most one distinct
// character, as in "aaaaaaaaaaaa" or "           x".
func isRepeated(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return !strings.ContainsFunc(s, func(r rune) bool { return r != first })
}

// isSequence reports whether s (already lower-cased and trimmed) is only
// digits or only ASCII letters, each one step up or each one step down from
// the last, wrapping round: "123456789012", "987654321098", "abcdefghijkl".
func isSequence(s string) bool {
	if len(s) < 3 {
		return false
	}
	var base, size byte
	switch {
	case isAll(s, '0', '9'):
		base, size = '0', 10
	case isAll(s, 'a', 'z'):
		base, size = 'a', 26
	default:
		return false
	}
	// s is ASCII here, so bytes are characters.
	step := func(i int) byte { return (s[i] - base + size - (s[i-1] - base)) % size }
	first := step(1)
	if first != 1 && first != size-1 {
		return false
	}
	for i := 2; i < len(s); i++ {
		if step(i) != first {
			return false
		}
	}
	return true
}

// isAll reports whether every byte of s is in [lo, hi].
func isAll(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// containsEmailLocalPart reports whether norm (a lower-cased password)
// includes the part of email before the @, ignoring any "+tag" and comparing
// both with and without separators, so "JaneSmith2025" is caught for
// jane.smith@council.gov.uk. Parts under 4 characters are ignored, because
// "al" or "sue" turn up in good passphrases by chance.
func containsEmailLocalPart(norm, email string) bool {
	local := strings.ToLower(strings.TrimSpace(email))
	if at := strings.LastIndexByte(local, '@'); at >= 0 {
		local = local[:at]
	}
	if plus := strings.IndexByte(local, '+'); plus >= 0 {
		local = local[:plus]
	}
	if utf8.RuneCountInString(local) >= 4 && strings.Contains(norm, local) {
		return true
	}
	compact := lettersAndDigits(local)
	return utf8.RuneCountInString(compact) >= 4 && strings.Contains(lettersAndDigits(norm), compact)
}

// lettersAndDigits returns s without anything but letters and digits.
func lettersAndDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// isCommon reports whether norm (lower-cased and trimmed) is in the common
// password list, either as it is or after removing digits, punctuation and
// spaces from the end one at a time: people meet "add a number and a symbol"
// rules by appending them, and attackers' guessing rules know it.
func isCommon(norm string) bool {
	list := commonPasswords()
	s := norm
	for utf8.RuneCountInString(s) >= minListedLength {
		if _, found := slices.BinarySearch(list, s); found {
			return true
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if unicode.IsLetter(r) {
			return false
		}
		s = s[:len(s)-size]
	}
	return false
}

// commonPasswordsFile is built by scripts/common-passwords.sh: lines starting
// with '#' are its header; every other line is one lower-case password of
// 10 or more characters, sorted bytewise.
//
//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords returns the sorted entries of commonPasswordsFile. The
// strings share the embedded data, so the list costs a slice header per entry
// and is built on first use, not at start-up.
var commonPasswords = sync.OnceValue(func() []string {
	var list []string
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		list = append(list, line)
	}
	// The script sorts the file, but a hand edit out of order must not make
	// the binary search quietly miss entries.
	if !slices.IsSorted(list) {
		slices.Sort(list)
	}
	return list
})
