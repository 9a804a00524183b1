package charts

// Colours for every chart, in one place so that each page draws the same
// thing the same way.
//
// Palette is colour-blind safe: the first six are Okabe and Ito's colours
// (2008) without yellow and black, which do not read as lines on white; the
// rest are from Paul Tol's "muted" scheme (2021), which stays apart from
// them for people with the common red-green deficiencies. No colour repeats,
// so a chart of up to len(Palette) series repeats no hue. Draw the selected
// council in CouncilColour, which is not in the palette, and comparators
// from the palette in order (PaletteColour(i)).
var Palette = []string{
	"#0072B2", // blue
	"#D55E00", // vermillion
	"#009E73", // bluish green
	"#CC79A7", // reddish purple
	"#E69F00", // orange
	"#56B4E9", // sky blue
	"#332288", // indigo
	"#882255", // wine
	"#999933", // olive
	"#44AA99", // teal
	"#AA4499", // purple
	"#117733", // green
	"#661100", // brown
}

// CouncilColour draws the council a chart is about: the darkest line,
// drawn thicker (CouncilLineWidth) and over the others (CouncilZ).
const CouncilColour = "#0b0c0c"

// Line widths and drawing order: the selected council strongest and on
// top, comparators thinner and lighter beneath it.
const (
	CouncilLineWidth    = 3.5
	ComparatorLineWidth = 1.5
	// ComparatorOpacity lightens comparators' lines where the selected
	// council is drawn among many (a council beside its neighbours).
	ComparatorOpacity = 0.8
	// CouncilZ is the council's drawing layer; echarts draws series at
	// z 2 unless told otherwise. OfficialZ puts DfE's published figures
	// above every line.
	CouncilZ  = 5
	OfficialZ = 8
)

// Colours of the comparison chart's fixed series, each apart from the
// others and from CouncilColour.
var (
	NeighboursColour = Palette[0] // median (dashed) and middle-half band
	RegionColour     = Palette[2]
	EnglandColour    = Palette[1]
	OfficialColour   = Palette[3] // diamonds, outlined in CouncilColour
	// ProjectionColour draws the projection beyond the council's last
	// month: its own hue, so it never passes for a figure held.
	ProjectionColour = Palette[7]
	// ContextColours draw predecessors' lines beside a successor council.
	ContextColours = []string{Palette[6], Palette[8], Palette[9]}
	// BandFill shades the neighbours' middle half: translucent, so
	// gridlines, markers and timeline shading show through.
	BandFill = "rgba(0, 114, 178, 0.14)"
)

// PaletteColour is the i-th comparator's colour, repeating only after
// every palette colour has been used.
func PaletteColour(i int) string {
	if i < 0 {
		i = -i
	}
	return Palette[i%len(Palette)]
}

// BandLegend is the band's colour in the legend: BandFill without its
// transparency.
const BandLegend = "#99c7e0"
