package auth

import (
	"crypto/rand"
	"strings"
)

// randomAlphabet is lower-case letters and digits without those that are
// easily confused when read aloud or in some fonts: 0/o, 1/l/i. 31 symbols.
const randomAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// The shape of a RandomPassword: 4 groups of 5, about 99 bits of entropy
// (20 × log2 31), far beyond guessing either online or offline.
const (
	randomGroups    = 4
	randomGroupSize = 5
)

// RandomPassword returns a new strong random password, such as
// "k7mq2-xv9ra-3hbtc-wn8pe", for an administrator to give to a new user or
// read out when resetting one. It uses crypto/rand and passes CheckPassword.
// (With a given email it could in principle contain a 4-character local
// part; the chance is about 1 in 50,000, so a caller that must be certain
// can check and draw again.)
func RandomPassword() string {
	for {
		p := randomGrouped()
		// A draw that trips the policy is vanishingly unlikely with this
		// alphabet and separators, but checking makes the promise exact.
		if CheckPassword(p, "") == nil {
			return p
		}
	}
}

// randomGrouped draws randomGroups groups of randomGroupSize characters from
// randomAlphabet, joined by '-'.
func randomGrouped() string {
	const n = randomGroups * randomGroupSize
	// Bytes at or above limit are rejected so every symbol is equally
	// likely (256 is not a multiple of 31).
	const limit = 256 - 256%len(randomAlphabet)
	chars := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(chars) < n {
		// crypto/rand.Read never fails since Go 1.24: it crashes the program
		// rather than return predictable bytes.
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) < limit && len(chars) < n {
				chars = append(chars, randomAlphabet[int(b)%len(randomAlphabet)])
			}
		}
	}
	var sb strings.Builder
	for g := range randomGroups {
		if g > 0 {
			sb.WriteByte('-')
		}
		sb.Write(chars[g*randomGroupSize : (g+1)*randomGroupSize])
	}
	return sb.String()
}
