package charts

import (
	"strings"
	"testing"
)

func TestPaletteHasNoRepeatedColour(t *testing.T) {
	if len(Palette) < 12 {
		t.Fatalf("palette has %d colours, want at least 12", len(Palette))
	}
	seen := map[string]bool{strings.ToLower(CouncilColour): true}
	for _, c := range Palette {
		c = strings.ToLower(c)
		if seen[c] {
			t.Errorf("colour %s repeats (or is the council's colour)", c)
		}
		seen[c] = true
	}
	fixed := []string{NeighboursColour, RegionColour, EnglandColour, OfficialColour, CouncilColour}
	fixed = append(fixed, ContextColours...)
	used := map[string]bool{}
	for _, c := range fixed {
		if used[c] {
			t.Errorf("comparison chart colour %s is used twice", c)
		}
		used[c] = true
	}
	if PaletteColour(len(Palette)) != Palette[0] || PaletteColour(1) != Palette[1] {
		t.Error("PaletteColour does not cycle through the palette")
	}
}
