// Package auth holds what the service knows about passwords: how they are
// stored (argon2id, SECURITY.md W1), which ones are allowed (W6), and how to
// make a strong one for a new or reset account. It has no HTTP, session or
// database code, so the web and cmd packages can share it and it can be
// tested on its own.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// The cost of new hashes: OWASP's argon2id setting m=19 MiB, t=2, p=1, the
// floor in SECURITY.md W1. Raising them later is safe: VerifyPassword reads
// the costs from each stored hash, and NeedsRehash tells the sign-in handler
// to store a new hash once the password is known to be right.
const (
	memoryKiB = 19 * 1024
	timeCost  = 2
	threads   = 1
	saltLen   = 16
	keyLen    = 32
)

// Bounds on what VerifyPassword will accept from a stored hash. Anything
// within them can be verified, so costs can go up without a migration;
// anything outside them is a corrupted or hostile row, and verifying it could
// take gigabytes of memory or minutes of CPU per sign-in attempt.
const (
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxTimeCost   = 20
	maxThreads    = 16
	minSaltLen    = 8 // the Argon2 specification's minimum
	maxSaltLen    = 64
	minKeyLen     = 16
	maxKeyLen     = 64
	maxEncodedLen = 256 // the longest valid string is about 210 bytes
)

// ErrInvalidHash is wrapped by every error about a stored hash that cannot be
// parsed or is outside the accepted bounds. It means the row is corrupt, not
// that the password is wrong, so callers should log it as an internal error.
var ErrInvalidHash = errors.New("auth: invalid password hash")

// b64 is the PHC string format's base64: standard alphabet, no padding.
// Strict refuses non-zero trailing bits, so each hash has exactly one
// encoding and a tampered string cannot decode to the same bytes.
var b64 = base64.RawStdEncoding.Strict()

// phcHash is a parsed "$argon2id$v=19$m=…,t=…,p=…$salt$key" string.
type phcHash struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// HashPassword returns an argon2id hash of password in the PHC string format,
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>", with a fresh 16-byte random
// salt, so two hashes of the same password differ. Check the password with
// CheckPassword first; HashPassword accepts anything. The error is non-nil
// only if the system's random source fails.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	h := phcHash{
		memory:  memoryKiB,
		time:    timeCost,
		threads: threads,
		salt:    salt,
		key:     idKey([]byte(password), salt, timeCost, memoryKiB, threads, keyLen),
	}
	return h.String(), nil
}

// VerifyPassword reports whether password matches encoded, a hash made by
// HashPassword (or any argon2id PHC string whose costs are within sane
// bounds, so hashes made with higher costs in future still verify). The key
// is compared in constant time. A wrong password is (false, nil); an
// encoded string that is garbled, not argon2id version 19, or has absurd
// costs is (false, err) with err wrapping ErrInvalidHash, and nothing is
// computed.
func VerifyPassword(password, encoded string) (ok bool, err error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	key := idKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with a lower cost, salt or
// key length than HashPassword uses now, or cannot be parsed. After a
// successful sign-in the caller should then store HashPassword(password),
// which both upgrades the hash and keeps sign-in times for known and unknown
// accounts alike (see VerifyDummy).
func NeedsRehash(encoded string) bool {
	h, err := parseHash(encoded)
	if err != nil {
		return true
	}
	return h.memory < memoryKiB || h.time < timeCost ||
		len(h.salt) < saltLen || len(h.key) < keyLen
}

// dummyHash is a hash, with the current costs, of a random password nobody
// knows. It is made on first use rather than at start-up so that programs
// which import auth but never sign anyone in (tests, the import command)
// do not pay 19 MiB and a few tens of milliseconds for it.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword(RandomPassword())
	if err != nil {
		// Only a broken system random source gets here, and then no
		// password can be hashed at all.
		panic(err)
	}
	return h
})

// VerifyDummy does the same work as VerifyPassword against a hash with the
// current costs, and throws the answer away. Call it when a sign-in names an
// email with no account (or a disabled one), so that the response takes as
// long as a wrong password for a real account and the timing does not tell
// an attacker which emails have accounts.
func VerifyDummy(password string) {
	_, _ = VerifyPassword(password, dummyHash())
}

// hashSlots bounds how many argon2id computations run at once. Each holds
// 19 MiB and a core for its whole run, so running more at once than there are
// cores gains no throughput and only adds memory: without this a burst of 500
// sign-in attempts would need about 10 GB. Callers beyond it queue.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// idKey is argon2.IDKey run in one of hashSlots.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// String encodes h in the PHC string format.
func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.memory, h.time, h.threads,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// parseHash parses and bounds-checks an argon2id PHC string. It is strict:
// one canonical spelling of each number, the parameters in the order m, t, p
// and no others, strict base64. A stored hash is only ever written by
// HashPassword, so anything looser is corruption.
func parseHash(encoded string) (phcHash, error) {
	var h phcHash
	if len(encoded) > maxEncodedLen {
		return h, fmt.Errorf("%w: longer than %d bytes", ErrInvalidHash, maxEncodedLen)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return h, fmt.Errorf("%w: not a PHC string of 5 fields", ErrInvalidHash)
	}
	if parts[1] != "argon2id" {
		return h, fmt.Errorf("%w: algorithm is not argon2id", ErrInvalidHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, fmt.Errorf("%w: argon2 version is not %d", ErrInvalidHash, argon2.Version)
	}

	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: parameters are not m,t,p", ErrInvalidHash)
	}
	m, err := parseParam(params[0], "m", 1, maxMemoryKiB)
	if err != nil {
		return h, err
	}
	t, err := parseParam(params[1], "t", 1, maxTimeCost)
	if err != nil {
		return h, err
	}
	p, err := parseParam(params[2], "p", 1, maxThreads)
	if err != nil {
		return h, err
	}
	// Argon2 needs at least 8 KiB per lane; x/crypto would quietly round
	// up, which would make the hash differ from every other implementation.
	if m < 8*p {
		return h, fmt.Errorf("%w: m=%d is less than 8×p", ErrInvalidHash, m)
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)

	if h.salt, err = parseBytes(parts[4], "salt", minSaltLen, maxSaltLen); err != nil {
		return h, err
	}
	if h.key, err = parseBytes(parts[5], "hash", minKeyLen, maxKeyLen); err != nil {
		return h, err
	}
	return h, nil
}

// parseParam parses "name=value" where value is a decimal in [lo, hi]
// written without sign or leading zeros.
func parseParam(s, name string, lo, hi uint64) (uint64, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: expected parameter %s", ErrInvalidHash, name)
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || strconv.FormatUint(n, 10) != v {
		return 0, fmt.Errorf("%w: %s is not a number", ErrInvalidHash, name)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s=%d is outside %d to %d", ErrInvalidHash, name, n, lo, hi)
	}
	return n, nil
}

// parseBytes decodes a base64 field whose decoded length must be in
// [lo, hi]. The length is checked before decoding as well as after, so a
// huge field is refused without allocating for it.
func parseBytes(s, name string, lo, hi int) ([]byte, error) {
	if len(s) < b64.EncodedLen(lo) || len(s) > b64.EncodedLen(hi) {
		return nil, fmt.Errorf("%w: %s is not %d to %d bytes", ErrInvalidHash, name, lo, hi)
	}
	b, err := b64.DecodeString(s)
	// The decoder skips '\r' and '\n' (found by FuzzParseHash), so compare
	// with the re-encoding to insist on exactly one spelling.
	if err != nil || b64.EncodeToString(b) != s {
		return nil, fmt.Errorf("%w: %s is not base64", ErrInvalidHash, name)
	}
	if len(b) < lo || len(b) > hi {
		return nil, fmt.Errorf("%w: %s is not %d to %d bytes", ErrInvalidHash, name, lo, hi)
	}
	return b, nil
}
