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

// Denominators. Besides these, a denominator may name another count
// indicator of the catalogue: the indicator is then shown as a percentage
// of that one for the same council and month (re-referrals as a
// percentage of referrals, as DfE publishes them).
const (
	DenomChildren = "children_0_17" // rate per 10,000 children aged 0-17
	DenomNone     = "none"
	// DenomReferrals shows an indicator as a percentage of referrals.
	DenomReferrals = "CSC_REFERRALS"
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

// PercentOf is the code of the indicator this one is shown as a
// percentage of, or "" when it is shown otherwise. Its stored figures stay
// counts; the displayed figure for a month is its count over the other
// indicator's count for the same council and month, times 100.
func (i Indicator) PercentOf() string {
	switch i.Denominator {
	case DenomChildren, DenomNone, "":
		return ""
	}
	return i.Denominator
}

// ShownAsPercent reports whether the displayed figure is a percentage,
// either stored as one or worked out as a share of another indicator: its
// changes are then in percentage points.
func (i Indicator) ShownAsPercent() bool { return i.Unit == UnitPercent || i.PercentOf() != "" }

// denominatorNouns names, in the plural, the indicators others may be a
// percentage of.
var denominatorNouns = map[string]string{DenomReferrals: "referrals"}

// DenominatorNoun names what a percentage-of indicator is a percentage of:
// "referrals".
func (i Indicator) DenominatorNoun() string {
	if n, ok := denominatorNouns[i.PercentOf()]; ok {
		return n
	}
	return i.PercentOf()
}

// DisplayUnit is the unit a chart axis shows for the indicator.
func (i Indicator) DisplayUnit() string {
	switch {
	case i.PerChildren():
		return "per 10,000 children"
	case i.PercentOf() != "":
		return "% of " + i.DenominatorNoun()
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
