// Package domain holds the nouns of the product: councils, indicators,
// months, observations, returns and the one error type every other package
// speaks. It imports nothing of ours.
package domain
