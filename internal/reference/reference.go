// Package reference holds the facts the product is built on: councils and
// their codes, children's populations, statistical neighbours, the indicator
// catalogue, the timeline and DfE's official annual figures. Load reads the
// project's own files (data/reference, embedded in the binary); Generate
// rebuilds those files from DfE's and ONS's published ones.
package reference

import "github.com/resilience-dashboard/resilience/internal/domain"

// Data is the whole reference set, as read from data/reference.
type Data struct {
	Councils    []domain.Council
	Codes       []domain.CouncilCode
	Populations []domain.Population
	Neighbours  []domain.Neighbour
	Indicators  []domain.Indicator
	Timeline    []domain.TimelineEvent
	Official    []domain.OfficialValue
	// Framework is the enabling-conditions framework for self-assessment.
	Framework domain.Framework

	// idx holds the lookups Load builds once; it is nil for a Data built
	// by hand, and the lookup methods then build it on each call.
	idx *index
}

// Levels of geography, as used by domain.Population and
// domain.OfficialValue.
const (
	LevelNational = "national"
	LevelRegional = "regional"
	LevelCouncil  = "council"
)

// EnglandCode is the ONS code of England, the area of every national row.
const EnglandCode = "E92000001"

// LondonRegion is the E12 code of London. ONS and DfE files give London
// boroughs the Inner or Outer London (E13) code as their region; councils
// are placed in London.
const LondonRegion = "E12000007"

// Names of the files in data/reference, in the order Load reads (and
// hashes) them.
const (
	CouncilsFile    = "councils.csv"
	CodesFile       = "council_codes.csv"
	PopulationsFile = "populations.csv"
	NeighboursFile  = "neighbours.csv"
	IndicatorsFile  = "indicators.csv"
	TimelineFile    = "timeline.csv"
	OfficialFile    = "official.csv"
	FrameworkFile   = "framework.json"
	NoticeFile      = "NOTICE"
)

// dataFiles lists the data files in the order Load reads and hashes them:
// the CSV files, then the framework.
var dataFiles = []string{CouncilsFile, CodesFile, PopulationsFile, NeighboursFile, IndicatorsFile, TimelineFile, OfficialFile, FrameworkFile}

// Column headers of the files in data/reference. Load reads by these names
// too, so a hand-edited file with its columns reordered still loads.
var (
	councilsHeader    = []string{"la_number", "ons_code", "name", "region_code", "region_name", "current", "start_date", "end_date", "successors"}
	codesHeader       = []string{"ons_code", "la_number", "valid_from", "valid_to"}
	populationsHeader = []string{"level", "area", "year", "children"}
	neighboursHeader  = []string{"la_number", "rank", "neighbour", "closeness"}
	indicatorsHeader  = []string{"code", "area", "label", "definition", "unit", "kind", "polarity", "denominator", "required", "subset_of", "position"}
	timelineHeader    = []string{"id", "starts", "ends", "kind", "label", "description"}
	officialHeader    = []string{"measure", "indicator", "level", "area", "year", "period_end", "value", "marker"}
)
