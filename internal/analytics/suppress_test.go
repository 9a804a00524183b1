package analytics

import (
	"math"
	"testing"
)

func TestSuppressCount(t *testing.T) {
	tests := []struct {
		v          float64
		shown      string
		suppressed bool
	}{
		{0, "0", false}, // no child: identifies nobody
		{1, "c", true},
		{3, "c", true},
		{5, "c", true}, // 5 is still small
		{6, "6", false},
		{0.5, "c", true}, // a stray fraction is still a small number
		{1808, "1808", false},
		{math.NaN(), "x", false},
	}
	for _, tt := range tests {
		shown, suppressed := SuppressCount(tt.v)
		if shown != tt.shown || suppressed != tt.suppressed {
			t.Errorf("SuppressCount(%v) = %q, %v; want %q, %v", tt.v, shown, suppressed, tt.shown, tt.suppressed)
		}
		if SuppressRate(tt.v) != tt.suppressed {
			t.Errorf("SuppressRate(%v) = %v; want %v", tt.v, !tt.suppressed, tt.suppressed)
		}
	}
}

func TestRoundTo10(t *testing.T) {
	tests := []struct{ v, want float64 }{
		{15, 20}, // half away from zero
		{25, 30}, // not 20: this is not round-half-to-even
		{14, 10},
		{5, 10},
		{4, 0},
		{0, 0},
		{1234, 1230},
		{1235, 1240},
		{-15, -20},
		{-14, -10},
	}
	for _, tt := range tests {
		if got := RoundTo10(tt.v); got != tt.want {
			t.Errorf("RoundTo10(%v) = %v; want %v", tt.v, got, tt.want)
		}
	}
	if got := RoundTo10(-4); got != 0 || math.Signbit(got) {
		t.Errorf("RoundTo10(-4) = %v; want plain 0", got)
	}
}
