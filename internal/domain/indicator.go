package domain

// Units of an indicator.
const (
	UnitCount   = "count"
	UnitPercent = "percent"
	UnitRatio   = "ratio"
)

// Kinds of an indicator: a flow is counted during the month, a stock at its
// end.
const (
	KindFlow  = "flow"
	KindStock = "stock"
)

// Polarities say which direction is worse.
const (
	HigherWorse  = "higher_worse"
	HigherBetter = "higher_better"
	Neutral      = "neutral"
)

// Denominators.
const (
	DenomChildren = "children_0_17" // rate per 10,000 children aged 0-17
	DenomNone     = "none"
)

// Areas of the catalogue, in display order.
const (
	AreaEHE       = "ehe"
	AreaSocial    = "social_care"
	AreaEarlyHelp = "early_help"
	AreaSEND      = "send"
	AreaWorkforce = "workforce"
)

// Areas lists the catalogue's areas in display order.
var Areas = []string{AreaEHE, AreaSocial, AreaEarlyHelp, AreaSEND, AreaWorkforce}

// AreaLabel names an area for people.
func AreaLabel(area string) string {
	switch area {
	case AreaEHE:
		return "Elective home education"
	case AreaSocial:
		return "Children's social care"
	case AreaEarlyHelp:
		return "Early help"
	case AreaSEND:
		return "Special educational needs and disabilities (SEND)"
	case AreaWorkforce:
		return "Workforce"
	}
	return area
}

// Indicator is one measure in the monthly return catalogue.
type Indicator struct {
	Code        string `db:"code" json:"code"`
	Area        string `db:"area" json:"area"`
	Label       string `db:"label" json:"label"`
	Definition  string `db:"definition" json:"definition"`
	Unit        string `db:"unit" json:"unit"`
	Kind        string `db:"kind" json:"kind"`
	Polarity    string `db:"polarity" json:"polarity"`
	Denominator string `db:"denominator" json:"denominator"`
	Required    bool   `db:"required" json:"required"`
	// SubsetOf names the indicator this one can never exceed (CPP and CLA
	// are subsets of CIN); empty when none.
	SubsetOf string `db:"subset_of" json:"subset_of,omitempty"`
	// Position orders indicators within the catalogue.
	Position int `db:"position" json:"position"`
}

// PerChildren reports whether the indicator is shown as a rate per 10,000
// children aged 0 to 17.
func (i Indicator) PerChildren() bool { return i.Denominator == DenomChildren }

// DisplayUnit is the unit a chart axis shows for the indicator.
func (i Indicator) DisplayUnit() string {
	switch {
	case i.PerChildren():
		return "per 10,000 children"
	case i.Unit == UnitPercent:
		return "%"
	case i.Unit == UnitRatio:
		return "cases per worker"
	}
	return i.Unit
}

// Observation is one value of one indicator for one council and month.
type Observation struct {
	Council   int     `db:"la_number" json:"la_number"`
	Indicator string  `db:"indicator" json:"indicator"`
	Month     string  `db:"month" json:"month"` // YYYY-MM
	Value     float64 `db:"value" json:"value"`
	Note      string  `db:"note" json:"note,omitempty"`
}

// OfficialValue is one figure from DfE's annual published statistics, kept
// apart from monthly returns. Level is "national", "regional" or "council";
// Area is the ONS code (national, regional) or LA number (council). Marker
// holds DfE's symbol where the value is not published: "c" (suppressed),
// "x" (unavailable), "z" (not applicable) or "low"; Value is then nil.
type OfficialValue struct {
	Measure   string   `db:"measure" json:"measure"`
	Indicator string   `db:"indicator" json:"indicator"`
	Level     string   `db:"level" json:"level"`
	Area      string   `db:"area" json:"area"`
	Year      int      `db:"year" json:"year"`
	PeriodEnd string   `db:"period_end" json:"period_end"`
	Value     *float64 `db:"value" json:"value"`
	Marker    string   `db:"marker" json:"marker,omitempty"`
}
