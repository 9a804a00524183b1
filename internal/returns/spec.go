// Package returns holds everything about a council's monthly return: the
// safety pre-scan of uploaded files, the template workbook, layout
// detection (template, wide, long, EES CSV), parsing and the validation
// rules.
package returns

// TemplateVersion identifies the layout of the return template. Uploads of
// a template with another version are refused, so a council never submits
// into a layout the validator no longer reads.
const TemplateVersion = "RES-MR-2026.1"

// The template's sheets and labels. Parsing finds them by name and label,
// never by position, so a council may insert rows or columns.
const (
	InstructionsSheet = "Instructions"
	ReturnSheet       = "Return"

	LabelCouncilName     = "Council"
	LabelCouncilNumber   = "DfE LA number"
	LabelMonth           = "Month"
	LabelTemplateVersion = "Template version"

	HeaderCode       = "Code"
	HeaderIndicator  = "Indicator"
	HeaderDefinition = "Definition"
	HeaderUnit       = "Unit"
	HeaderValue      = "Value"
	HeaderNote       = "Note"
)
