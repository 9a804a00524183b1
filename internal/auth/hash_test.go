package auth_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/resilience-dashboard/resilience/internal/auth"
)

const testPassword = "velvet tractor sings at dawn"

// mustHash hashes password or stops the test.
func mustHash(tb testing.TB, password string) string {
	tb.Helper()
	h, err := auth.HashPassword(password)
	if err != nil {
		tb.Fatalf("HashPassword: %v", err)
	}
	return h
}

// SECURITY.md W1: a stored hash verifies with the password it was made from.
func TestHashPasswordRoundTrip(t *testing.T) {
	h := mustHash(t, testPassword)
	ok, err := auth.VerifyPassword(testPassword, h)
	if err != nil || !ok {
		t.Fatalf("VerifyPassword(right password) = %v, %v; want true, nil", ok, err)
	}
	if auth.NeedsRehash(h) {
		t.Errorf("NeedsRehash(new hash) = true; want false")
	}
}

// SECURITY.md W1: a wrong password, even one differing only in case or a
// trailing space, is (false, nil): wrong, but not an error to log.
func TestVerifyPasswordRejectsWrongPassword(t *testing.T) {
	h := mustHash(t, testPassword)
	for _, wrong := range []string{"", "Velvet tractor sings at dawn", testPassword + " ", "velvet tractor sings at dusk"} {
		ok, err := auth.VerifyPassword(wrong, h)
		if ok || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

// SECURITY.md W1: each hash has its own random salt, so equal passwords do
// not give equal hashes and one cracked hash does not reveal others.
func TestHashPasswordSaltsEachHash(t *testing.T) {
	a, b := mustHash(t, testPassword), mustHash(t, testPassword)
	if a == b {
		t.Fatalf("two hashes of the same password are equal: %s", a)
	}
	saltA, saltB := strings.Split(a, "$")[4], strings.Split(b, "$")[4]
	if saltA == saltB {
		t.Errorf("two hashes share the salt %s", saltA)
	}
}

// SECURITY.md W1: new hashes are argon2id with OWASP's costs, m=19 MiB, t=2,
// p=1, a 16-byte salt and a 32-byte key, in the standard PHC string format.
func TestHashPasswordUsesArgon2idWithOWASPCosts(t *testing.T) {
	h := mustHash(t, testPassword)
	// 16 bytes is 22 base64 characters unpadded; 32 bytes is 43.
	want := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !want.MatchString(h) {
		t.Errorf("HashPassword = %s; want it to match %s", h, want)
	}
}

// SECURITY.md W1: hashes with higher costs, or made by another
// implementation, still verify, so costs can be raised without a migration.
// The hash is the example in argon2-cffi's README (m=64 MiB, t=3, p=4).
func TestVerifyPasswordAcceptsHigherCostsAndOtherImplementations(t *testing.T) {
	const cffi = "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg"
	if ok, err := auth.VerifyPassword("correct horse battery staple", cffi); !ok || err != nil {
		t.Errorf("VerifyPassword(argon2-cffi hash) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := auth.VerifyPassword("Tr0ub4dor&3", cffi); ok || err != nil {
		t.Errorf("VerifyPassword(wrong, argon2-cffi hash) = %v, %v; want false, nil", ok, err)
	}
	if auth.NeedsRehash(cffi) {
		t.Errorf("NeedsRehash(higher costs) = true; want false")
	}
}

// SECURITY.md W1: a tampered salt or key is a wrong password, never a
// match; a garbled string is an error wrapping ErrInvalidHash, never a panic.
func TestVerifyPasswordRejectsTamperedAndGarbledHashes(t *testing.T) {
	good := mustHash(t, testPassword)
	parts := strings.Split(good, "$")
	flip := func(field int) string {
		b, err := base64.RawStdEncoding.DecodeString(parts[field])
		if err != nil {
			t.Fatal(err)
		}
		b[0] ^= 1
		p := append([]string(nil), parts...)
		p[field] = base64.RawStdEncoding.EncodeToString(b)
		return strings.Join(p, "$")
	}
	with := func(field int, value string) string {
		p := append([]string(nil), parts...)
		p[field] = value
		return strings.Join(p, "$")
	}

	t.Run("TamperedIsWrongPassword", func(t *testing.T) {
		for name, h := range map[string]string{"salt": flip(4), "key": flip(5)} {
			if ok, err := auth.VerifyPassword(testPassword, h); ok || err != nil {
				t.Errorf("%s flipped: VerifyPassword = %v, %v; want false, nil", name, ok, err)
			}
		}
	})

	garbled := map[string]string{
		"Empty":               "",
		"Dollar":              "$",
		"PlainText":           testPassword,
		"Bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"Argon2i":             with(1, "argon2i"),
		"Argon2d":             with(1, "argon2d"),
		"Version16":           with(2, "v=16"),
		"NoVersion":           strings.Replace(good, "$v=19", "", 1),
		"TooFewFields":        strings.Join(parts[:5], "$"),
		"TooManyFields":       good + "$extra",
		"LeadingJunk":         "x" + good,
		"ParamsMissing":       with(3, ""),
		"ParamsOutOfOrder":    with(3, "t=2,m=19456,p=1"),
		"ParamsExtra":         with(3, "m=19456,t=2,p=1,keyid=abc"),
		"ParamsSpaces":        with(3, "m=19456, t=2, p=1"),
		"ParamNotNumber":      with(3, "m=lots,t=2,p=1"),
		"ParamNegative":       with(3, "m=-1,t=2,p=1"),
		"ParamPlusSign":       with(3, "m=+19456,t=2,p=1"),
		"ParamLeadingZero":    with(3, "m=019456,t=2,p=1"),
		"ParamOverflow":       with(3, "m=4294967296,t=2,p=1"),
		"MemoryBelow8PerLane": with(3, "m=8,t=2,p=2"),
		"SaltEmpty":           with(4, ""),
		"SaltNotBase64":       with(4, "!!!!!!!!!!!!!!!!!!!!!!"),
		"SaltPadded":          with(4, parts[4]+"=="),
		"SaltTooShort":        with(4, "c2FsdA"), // "salt", 4 bytes
		"SaltTooLong":         with(4, strings.Repeat("A", 100)),
		"KeyEmpty":            with(5, ""),
		"KeyTruncated":        with(5, parts[5][:10]),
		"KeyNotBase64":        with(5, strings.Repeat("*", 43)),
		"KeyNonCanonical":     with(5, parts[5][:42]+"B"), // non-zero trailing bits
		"KeyWithNewline":      with(5, parts[5][:20]+"\n"+parts[5][20:]),
		"KeyWithCR":           with(5, parts[5][:20]+"\r"+parts[5][20:]),
		"Huge":                with(5, strings.Repeat("A", 1<<20)),
	}
	for name, h := range garbled {
		t.Run(name, func(t *testing.T) {
			ok, err := auth.VerifyPassword(testPassword, h)
			if ok || !errors.Is(err, auth.ErrInvalidHash) {
				t.Errorf("VerifyPassword(%.80q) = %v, %v; want false, ErrInvalidHash", h, ok, err)
			}
			if !auth.NeedsRehash(h) {
				t.Errorf("NeedsRehash(%.80q) = false; want true", h)
			}
		})
	}
}

// SECURITY.md W1: a corrupted row cannot make one sign-in attempt allocate
// gigabytes or run for minutes: costs beyond 1 GiB, 20 passes or 16 lanes
// (and zero costs, which would make x/crypto panic) are refused before any
// hashing.
func TestVerifyPasswordRejectsAbsurdCosts(t *testing.T) {
	const tail = "$c29tZXNhbHRzb21lc2FsdA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg"
	for _, params := range []string{
		"m=1048577,t=2,p=1", // 1 GiB + 1 KiB
		"m=4194304,t=2,p=1", // 4 GiB
		"m=19456,t=21,p=1",
		"m=19456,t=4294967295,p=1",
		"m=19456,t=2,p=17",
		"m=19456,t=2,p=255",
		"m=0,t=2,p=1",
		"m=19456,t=0,p=1",
		"m=19456,t=2,p=0",
	} {
		h := "$argon2id$v=19$" + params + tail
		ok, err := auth.VerifyPassword(testPassword, h)
		if ok || !errors.Is(err, auth.ErrInvalidHash) {
			t.Errorf("VerifyPassword(%s) = %v, %v; want false, ErrInvalidHash", params, ok, err)
		}
	}
	// The bounds themselves are allowed; only parse, since hashing at 1 GiB
	// would be slow.
	if auth.NeedsRehash("$argon2id$v=19$m=1048576,t=20,p=16" + tail) {
		t.Errorf("NeedsRehash(at the bounds) = true; want false")
	}
}

// SECURITY.md W1: hashes made with lower costs, or a shorter salt or key,
// are flagged for rehashing at the next successful sign-in; current and
// higher ones are not.
func TestNeedsRehash(t *testing.T) {
	salt16 := []byte("0123456789abcdef")
	// hashWith builds a PHC string by hand, as an older or newer version of
	// this package would have.
	hashWith := func(m, tc uint32, p uint8, salt []byte, keyLen uint32) string {
		key := argon2.IDKey([]byte(testPassword), salt, tc, m, p, keyLen)
		enc := base64.RawStdEncoding
		return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
			m, tc, p, enc.EncodeToString(salt), enc.EncodeToString(key))
	}
	for _, c := range []struct {
		name string
		hash string
		want bool
	}{
		{"Current", hashWith(19456, 2, 1, salt16, 32), false},
		{"HigherMemory", hashWith(47104, 2, 1, salt16, 32), false},
		{"MoreTime", hashWith(19456, 3, 1, salt16, 32), false},
		{"MoreLanes", hashWith(19456, 2, 2, salt16, 32), false},
		{"LowerMemory", hashWith(8192, 2, 1, salt16, 32), true},
		{"LessTime", hashWith(19456, 1, 1, salt16, 32), true},
		{"ShortSalt", hashWith(19456, 2, 1, salt16[:8], 32), true},
		{"ShortKey", hashWith(19456, 2, 1, salt16, 16), true},
		{"Garbled", "$argon2id$v=19$m=19456", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.NeedsRehash(c.hash); got != c.want {
				t.Errorf("NeedsRehash(%s) = %v; want %v", c.hash, got, c.want)
			}
			// Every well-formed hash verifies whatever its costs, so old
			// accounts can still sign in and be upgraded.
			if c.name != "Garbled" {
				if ok, err := auth.VerifyPassword(testPassword, c.hash); !ok || err != nil {
					t.Errorf("VerifyPassword(%s) = %v, %v; want true, nil", c.hash, ok, err)
				}
			}
		})
	}
}

// SECURITY.md W1: VerifyDummy, called for an unknown email, needs no set-up
// and does not panic; that it costs the same as a real check is shown by
// TestDummyHashHasCurrentCosts.
func TestVerifyDummyNeedsNoSetUp(t *testing.T) {
	auth.VerifyDummy(testPassword)
	auth.VerifyDummy("")
}

// BenchmarkHashPassword measures one hash at the current costs, which is
// also the cost of one sign-in attempt (SECURITY.md W1). OWASP's costs aim at
// tens of milliseconds on a server core.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := auth.HashPassword(testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPassword measures one sign-in check, which should cost the
// same as BenchmarkHashPassword.
func BenchmarkVerifyPassword(b *testing.B) {
	h := mustHash(b, testPassword)
	for b.Loop() {
		if ok, err := auth.VerifyPassword(testPassword, h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
