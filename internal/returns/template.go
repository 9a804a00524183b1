package returns

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// HeaderRequired heads the template's last column, after Note, which says
// "Yes" for an indicator that must have a value. The parser finds columns
// by header name, so it may ignore this one.
const HeaderRequired = "Required"

// Limits that the template's data validation puts on the Value cells. They
// only help the person typing: the server validates every upload again,
// whatever the workbook allowed.
const (
	tplMaxCount = 10_000_000
	tplMaxRatio = 1000
)

// The Return sheet's layout as WriteTemplate writes it. Parsing must not
// rely on these positions (a council may insert rows or columns).
const (
	tplTitleCell = "A1"
	tplHeaderRow = 8
	tplFirstRow  = tplHeaderRow + 1
	tplTitle     = "Resilience monthly return"
	tplLastCol   = "G"
	tplValueCol  = "E"
	tplNoteCol   = "F"
	tplInputFill = "FFF7BF" // pale yellow: "type here"
	tplFont      = "Arial"  // the font GOV.UK documents fall back to
	tplFontSize  = 11
	tplInstrWide = 90 // the Instructions sheet's one column, in characters
)

// tplColumns are the Return sheet's columns, left to right, with their
// widths in characters.
var tplColumns = []struct {
	header string
	width  float64
}{
	{HeaderCode, 12}, // at least; widened to the longest code
	{HeaderIndicator, 30},
	{HeaderDefinition, 58},
	{HeaderUnit, 20},
	{HeaderValue, 13},
	{HeaderNote, 30},
	{HeaderRequired, 10},
}

// The Return sheet is protected without a password. Protection is there so
// that a label, a code or the metadata is not overwritten by accident; it
// is not a security control (the server checks every upload, whatever the
// workbook allowed, and Excel's sheet passwords are trivially removed). A
// password would have to be published to councils anyway, or would lock a
// data lead out of a sheet they legitimately want to annotate or re-lay
// out (the parser finds labels and headers by name, so it may).
const tplSheetPassword = ""

// WriteTemplate writes the monthly return workbook for one council and month.
//
// The workbook has two sheets: Instructions (first), which says what the
// return is and how to fill it in, and Return (active when opened), which
// holds the metadata (council, DfE LA number, month, template version) in
// columns A and B of rows 3 to 6, a header row at row 8 and one row per
// indicator below it, in catalogue order. Only the Value and Note cells are
// unlocked; the Return sheet is protected (without a password, see
// tplSheetPassword) and each Value cell carries data validation for its unit.
// All text, including the catalogue's, goes in as text, never as a formula
// (SECURITY U10).
func WriteTemplate(w io.Writer, council domain.Council, month domain.Month, indicators []domain.Indicator) error {
	if council.Number <= 0 || strings.TrimSpace(council.Name) == "" {
		return domain.Errorf(domain.EINVALID, "a template needs a council with a DfE LA number and a name")
	}
	if month.IsZero() || month.Month < 1 || month.Month > 12 {
		return domain.Errorf(domain.EINVALID, "a template needs a month")
	}
	if len(indicators) == 0 {
		return domain.Errorf(domain.EINVALID, "a template needs at least one indicator")
	}
	inds := slices.Clone(indicators)
	slices.SortStableFunc(inds, func(a, b domain.Indicator) int { return cmp.Compare(a.Position, b.Position) })
	seen := map[string]bool{}
	for _, ind := range inds {
		if strings.TrimSpace(ind.Code) == "" {
			return domain.Errorf(domain.EINVALID, "an indicator in the catalogue has no code")
		}
		if seen[ind.Code] {
			return domain.Errorf(domain.EINVALID, "indicator %s appears twice in the catalogue", ind.Code)
		}
		seen[ind.Code] = true
		if _, ok := tplUnits[ind.Unit]; !ok {
			return domain.Errorf(domain.EINVALID, "indicator %s has unit %q; the template knows count, percent and ratio", ind.Code, ind.Unit)
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	b := &tplBook{f: f}
	b.check(f.SetDefaultFont(tplFont))
	b.newStyles()
	b.instructions(council, month, inds)
	b.returnSheet(council, month, inds)
	b.properties(council, month)
	if b.err != nil {
		return fmt.Errorf("writing the return template: %w", b.err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing the return template: %w", err)
	}
	return nil
}

// TemplateFileName is a safe download name, e.g. "resilience-return-202-2021-01.xlsx".
func TemplateFileName(council domain.Council, month domain.Month) string {
	return fmt.Sprintf("resilience-return-%d-%s.xlsx", council.Number, month)
}

// tplUnit describes how a Value cell of one unit is typed and checked.
type tplUnit struct {
	words string // for the Unit column
	typ   excelize.DataValidationType
	min   any
	max   any
	// input and error messages of the data validation: a title of at most
	// 32 characters and a message of at most 255.
	inputTitle, input string
	errorTitle, error string
}

var tplUnits = map[string]tplUnit{
	domain.UnitCount: {
		words: "count (whole number)",
		typ:   excelize.DataValidationTypeWhole, min: 0, max: tplMaxCount,
		inputTitle: "Whole number",
		input:      "Enter a whole number of 0 or more, for example 42. If you do not have the figure, leave this blank and say why in the Note column.",
		errorTitle: "Enter a whole number",
		error:      "This must be a whole number from 0 to 10,000,000, with no decimal places or text. Use the Note column to explain anything unusual.",
	},
	domain.UnitPercent: {
		words: "percent (0 to 100)",
		typ:   excelize.DataValidationTypeDecimal, min: 0.0, max: 100.0,
		inputTitle: "Percentage from 0 to 100",
		input:      "Enter a percentage from 0 to 100 without the % sign, for example 12.5 for 12.5%. If you do not have the figure, leave this blank and say why in the Note column.",
		errorTitle: "Enter a percentage from 0 to 100",
		error:      "This must be a number from 0 to 100, without the % sign. For example, enter 12.5 for 12.5%.",
	},
	domain.UnitRatio: {
		words: "ratio (number, decimals allowed)",
		typ:   excelize.DataValidationTypeDecimal, min: 0.0, max: float64(tplMaxRatio),
		inputTitle: "Number, decimals allowed",
		input:      "Enter a number of 0 or more, for example 17.5. If you do not have the figure, leave this blank and say why in the Note column.",
		errorTitle: "Enter a number",
		error:      "This must be a number from 0 to 1,000, for example 17.5, with no text.",
	},
}

// tplUnitWords describes a unit in the template's Unit column, e.g. "count
// (whole number)".
func tplUnitWords(u string) string {
	if x, ok := tplUnits[u]; ok {
		return x.words
	}
	return u
}

// tplBook writes one workbook, keeping the first error so that the many small
// excelize calls read as a list of what the workbook holds.
type tplBook struct {
	f   *excelize.File
	err error

	title, hint, label, meta, header, cell, wrapped, centred, input, inputWrapped int
	docTitle, heading, para, bullet                                               int
}

func (b *tplBook) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

// text puts s in a cell as text: never a formula, whatever it starts with.
func (b *tplBook) text(sheet, cell, s string) {
	b.check(b.f.SetCellStr(sheet, cell, s))
}

func (b *tplBook) value(sheet, cell string, v any) {
	b.check(b.f.SetCellValue(sheet, cell, v))
}

func (b *tplBook) style(sheet, from, to string, id int) {
	b.check(b.f.SetCellStyle(sheet, from, to, id))
}

func (b *tplBook) newStyle(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	b.check(err)
	return id
}

// Colours from the GOV.UK palette.
const (
	tplBorderColour = "B1B4B6"
	tplGrey         = "F3F2F1"
	tplHeaderFill   = "DEE0E2"
)

func (b *tplBook) newStyles() {
	border := []excelize.Border{
		{Type: "left", Color: tplBorderColour, Style: 1},
		{Type: "right", Color: tplBorderColour, Style: 1},
		{Type: "top", Color: tplBorderColour, Style: 1},
		{Type: "bottom", Color: tplBorderColour, Style: 1},
	}
	solid := func(colour string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}
	}
	top := &excelize.Alignment{Vertical: "top"}
	topWrap := &excelize.Alignment{Vertical: "top", WrapText: true}
	unlocked := &excelize.Protection{Locked: false}

	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Family: tplFont, Bold: bold, Size: size}
	}
	plain, bold := font(false, tplFontSize), font(true, tplFontSize)

	b.title = b.newStyle(&excelize.Style{Font: font(true, 16)})
	b.hint = b.newStyle(&excelize.Style{Font: plain})
	b.label = b.newStyle(&excelize.Style{Font: bold, Alignment: top})
	b.meta = b.newStyle(&excelize.Style{Font: plain, Fill: solid(tplGrey), Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}})
	b.header = b.newStyle(&excelize.Style{
		Font: bold, Fill: solid(tplHeaderFill), Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	b.cell = b.newStyle(&excelize.Style{Font: plain, Border: border, Alignment: top})
	b.wrapped = b.newStyle(&excelize.Style{Font: plain, Border: border, Alignment: topWrap})
	b.centred = b.newStyle(&excelize.Style{Font: plain, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
	b.input = b.newStyle(&excelize.Style{Font: plain, Fill: solid(tplInputFill), Border: border, Alignment: top, Protection: unlocked})
	b.inputWrapped = b.newStyle(&excelize.Style{Font: plain, Fill: solid(tplInputFill), Border: border, Alignment: topWrap, Protection: unlocked})

	b.docTitle = b.newStyle(&excelize.Style{Font: font(true, 16), Alignment: topWrap})
	b.heading = b.newStyle(&excelize.Style{Font: font(true, 13), Alignment: &excelize.Alignment{Vertical: "bottom", WrapText: true}})
	b.para = b.newStyle(&excelize.Style{Font: plain, Alignment: topWrap})
	b.bullet = b.newStyle(&excelize.Style{Font: plain, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true, Indent: 1}})
}

// tplLine is one line of the Instructions sheet.
type tplLine struct {
	kind string // "title", "heading", "para" or "bullet"
	text string
}

// tplInstructions is what the Instructions sheet says, in GOV.UK style:
// plain words, short sentences, the reader addressed as "you".
func tplInstructions(council domain.Council, month domain.Month, inds []domain.Indicator) []tplLine {
	required := 0
	for _, ind := range inds {
		if ind.Required {
			required++
		}
	}
	monthWords := month.Start().Format("January 2006")
	return []tplLine{
		{"title", tplTitle + ": instructions"},
		{"para", fmt.Sprintf("This return is for %s (DfE LA number %d) for %s.", council.Name, council.Number, monthWords)},

		{"heading", "What this return is"},
		{"para", "Each month, councils send a small set of figures about children's services to the Resilience dashboard. The figures cover elective home education, children's social care, early help, special educational needs and disabilities (SEND), and the children's social care workforce."},
		{"para", "The dashboard shows how demand on services is changing, compared with the council's statistical neighbours, its region and England."},

		{"heading", "Who fills it in"},
		{"para", "The council's data lead for children's services, or someone they ask. You need an uploader account on the dashboard for this council to upload the return."},

		{"heading", "How to fill it in"},
		{"bullet", "• Go to the " + ReturnSheet + " sheet. Each row is one indicator."},
		{"bullet", fmt.Sprintf("• Enter one figure for each indicator in the %s column (the yellow cells). Do not type anywhere else except the %s column.", HeaderValue, HeaderNote)},
		{"bullet", "• Enter counts as whole numbers, for example 42."},
		{"bullet", "• Enter percentages as a number from 0 to 100 without the % sign, for example 12.5 for 12.5%. If you type the % sign, Excel stores the figure as a fraction (0.125) and it will be wrong."},
		{"bullet", "• Enter ratios, such as average caseload, as a number, for example 17.5."},
		{"bullet", "• Counts of things that happen, such as referrals, are for the whole calendar month. Counts of children, such as children in need, are on the last day of the month. Each definition says which."},
		{"bullet", fmt.Sprintf("• %d of the %d indicators must have a figure: they say Yes in the %s column. If you do not have a figure for any other indicator, leave it blank.", required, len(inds), HeaderRequired)},
		{"bullet", fmt.Sprintf("• Use the %s column to explain anything unusual, for example a large change since last month, a figure you could not provide, or a change in how you count.", HeaderNote)},
		{"bullet", "• Save the file as an Excel workbook (.xlsx) and upload it to the dashboard."},

		{"heading", "Checks when you upload"},
		{"para", "The dashboard checks your return when you upload it. Every message tells you the sheet, the cell and the rule, so you can find what to change. There are 2 kinds of message."},
		{"para", "Errors stop the return being accepted. You must correct them and upload the return again. For example:"},
		{"bullet", "• a required figure is missing"},
		{"bullet", "• a figure is not a number"},
		{"bullet", "• a count is negative or not a whole number"},
		{"bullet", "• a percentage is below 0 or above 100"},
		{"bullet", "• the return is for a different council, for a month that has not ended yet or for a month before 2017"},
		{"bullet", "• an indicator code is unknown or appears twice"},
		{"bullet", "• the template version is not the current one"},
		{"para", "Queries do not stop the return, but you must explain each one before it is accepted. For example:"},
		{"bullet", "• a figure has changed a lot since the month before"},
		{"bullet", "• more children are on a child protection plan, or looked after, than are children in need"},
		{"bullet", "• a figure is larger than the total it is part of"},
		{"bullet", "• a figure is far outside the council's own past figures"},
		{"para", "If you upload a corrected return for the same month, it replaces the earlier one. Earlier versions are kept."},

		{"heading", "Do not change the layout"},
		{"para", fmt.Sprintf("Do not rename the sheets, change the labels in cells A3 to A6, change the headings in row %d or change the indicator codes. The dashboard finds your figures by these names.", tplHeaderRow)},
		{"para", fmt.Sprintf("The %s sheet is protected so that only the %s and %s cells can be changed. You do not need to unprotect it.", ReturnSheet, HeaderValue, HeaderNote)},
		{"para", fmt.Sprintf("This is template version %s. Download a new template from the dashboard for each month. Returns made with an older template version are not accepted.", TemplateVersion)},

		{"heading", "Definitions"},
		{"para", fmt.Sprintf("The definition of each indicator is on the %s sheet, in the %s column next to its figure. Read it before you enter the figure.", ReturnSheet, HeaderDefinition)},
	}
}

func (b *tplBook) instructions(council domain.Council, month domain.Month, inds []domain.Indicator) {
	const sheet = InstructionsSheet
	b.check(b.f.SetSheetName("Sheet1", sheet))
	b.check(b.f.SetColWidth(sheet, "A", "A", tplInstrWide))
	row := 0
	for _, in := range tplInstructions(council, month, inds) {
		row++
		if in.kind == "heading" && row > 2 {
			row++ // a blank line before each heading
		}
		cell := fmt.Sprintf("A%d", row)
		b.text(sheet, cell, in.text)
		switch in.kind {
		case "title":
			b.style(sheet, cell, cell, b.docTitle)
			b.check(b.f.SetRowHeight(sheet, row, 24))
		case "heading":
			b.style(sheet, cell, cell, b.heading)
			b.check(b.f.SetRowHeight(sheet, row, 20))
		case "bullet":
			b.style(sheet, cell, cell, b.bullet)
			b.check(b.f.SetRowHeight(sheet, row, tplRowHeight(tplInstrWide-3, in.text)))
		default:
			b.style(sheet, cell, cell, b.para)
			b.check(b.f.SetRowHeight(sheet, row, tplRowHeight(tplInstrWide, in.text)))
		}
	}
	noGrid := false
	b.check(b.f.SetSheetView(sheet, 0, &excelize.ViewOptions{ShowGridLines: &noGrid}))
	// excelize leaves the used range at A1; readers that trust it (some
	// read row by row) would see nothing.
	b.check(b.f.SetSheetDimension(sheet, fmt.Sprintf("A1:A%d", row)))
	b.pageSetup(sheet, "portrait", fmt.Sprintf("'%s'!$A$1:$A$%d", sheet, row), "", council, month)
}

func (b *tplBook) returnSheet(council domain.Council, month domain.Month, inds []domain.Indicator) {
	const sheet = ReturnSheet
	idx, err := b.f.NewSheet(sheet)
	b.check(err)
	for i, c := range tplColumns {
		col, err := excelize.ColumnNumberToName(i + 1)
		b.check(err)
		width := c.width
		if c.header == HeaderCode {
			width = tplCodeWidth(inds)
		}
		b.check(b.f.SetColWidth(sheet, col, col, width))
	}

	b.text(sheet, tplTitleCell, tplTitle)
	b.style(sheet, tplTitleCell, tplTitleCell, b.title)
	b.check(b.f.SetRowHeight(sheet, 1, 24))
	b.text(sheet, "A2", fmt.Sprintf("Enter one figure for each indicator in the yellow %s cells. The %s sheet explains how.", HeaderValue, InstructionsSheet))
	b.style(sheet, "A2", "A2", b.hint)

	meta := []struct {
		label string
		value any
	}{
		{LabelCouncilName, council.Name},
		{LabelCouncilNumber, council.Number},
		{LabelMonth, month.String()}, // a string, so Excel does not make it a date
		{LabelTemplateVersion, TemplateVersion},
	}
	for i, m := range meta {
		a, v := fmt.Sprintf("A%d", 3+i), fmt.Sprintf("B%d", 3+i)
		b.text(sheet, a, m.label)
		b.style(sheet, a, a, b.label)
		if s, ok := m.value.(string); ok {
			b.text(sheet, v, s)
		} else {
			b.value(sheet, v, m.value)
		}
		b.style(sheet, v, v, b.meta)
	}

	for i, c := range tplColumns {
		cell, err := excelize.CoordinatesToCellName(i+1, tplHeaderRow)
		b.check(err)
		b.text(sheet, cell, c.header)
	}
	b.style(sheet, fmt.Sprintf("A%d", tplHeaderRow), fmt.Sprintf("%s%d", tplLastCol, tplHeaderRow), b.header)
	b.check(b.f.SetRowHeight(sheet, tplHeaderRow, 20))

	rowsByUnit := map[string][]int{}
	for i, ind := range inds {
		r := tplFirstRow + i
		at := func(col string) string { return fmt.Sprintf("%s%d", col, r) }
		b.text(sheet, at("A"), ind.Code)
		b.text(sheet, at("B"), ind.Label)
		b.text(sheet, at("C"), ind.Definition)
		b.text(sheet, at("D"), tplUnitWords(ind.Unit))
		required := "No"
		if ind.Required {
			required = "Yes"
		}
		b.text(sheet, at("G"), required)
		b.style(sheet, at("A"), at("A"), b.cell)
		b.style(sheet, at("B"), at("D"), b.wrapped)
		b.style(sheet, at(tplValueCol), at(tplValueCol), b.input)
		b.style(sheet, at(tplNoteCol), at(tplNoteCol), b.inputWrapped)
		b.style(sheet, at("G"), at("G"), b.centred)
		rowsByUnit[ind.Unit] = append(rowsByUnit[ind.Unit], r)
		b.check(b.f.SetRowHeight(sheet, r, max(
			tplRowHeight(tplColumns[1].width, ind.Label),
			tplRowHeight(tplColumns[2].width, ind.Definition),
			tplRowHeight(tplColumns[3].width, tplUnitWords(ind.Unit)),
		)))
	}
	last := tplFirstRow + len(inds) - 1
	b.check(b.f.SetSheetDimension(sheet, fmt.Sprintf("A1:%s%d", tplLastCol, last)))

	for _, name := range []string{domain.UnitCount, domain.UnitPercent, domain.UnitRatio} {
		rows := rowsByUnit[name]
		if len(rows) == 0 {
			continue
		}
		u := tplUnits[name]
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(tplColumnRanges(tplValueCol, rows))
		b.check(dv.SetRange(u.min, u.max, u.typ, excelize.DataValidationOperatorBetween))
		dv.SetInput(u.inputTitle, u.input)
		dv.SetError(excelize.DataValidationErrorStyleStop, u.errorTitle, u.error)
		b.check(b.f.AddDataValidation(sheet, dv))
	}

	// Freeze the title, metadata and header rows, and the Code and
	// Indicator columns, so an indicator's name stays in view beside its
	// figure.
	first := fmt.Sprintf("%s%d", tplValueCol, tplFirstRow)
	b.check(b.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: tplHeaderRow,
		TopLeftCell: fmt.Sprintf("C%d", tplFirstRow), ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomRight"}},
	}))

	b.check(b.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		Password:            tplSheetPassword,
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
	}))

	b.pageSetup(sheet, "landscape",
		fmt.Sprintf("%s!$A$1:$%s$%d", sheet, tplLastCol, last),
		fmt.Sprintf("%s!$%d:$%d", sheet, tplHeaderRow, tplHeaderRow), council, month)
	b.f.SetActiveSheet(idx)
}

// tplRowHeight estimates, in points, the height a row needs to show text
// wrapped in a column width characters wide. Neither Excel nor LibreOffice
// reliably fits row heights to wrapped text when opening a file, so the
// template sets them. The estimate wraps words greedily. Column widths are
// measured in widths of the digit 0, and a line of ordinary Arial text
// holds about 1.2 characters per 0 (LibreOffice's render of the template
// shows 1.2 to 1.25); it takes 1.1, so that a row errs towards a little too
// tall rather than text cut off.
func tplRowHeight(width float64, text string) float64 {
	const lineHeight, padding = 14.5, 4.0
	capacity := max(int(width*1.1)-1, 1)
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines++
		n := 0
		for _, word := range strings.Fields(para) {
			w := len([]rune(word))
			switch {
			case n == 0:
				n = w
			case n+1+w <= capacity:
				n += 1 + w
			default:
				lines++
				n = w
			}
			for n > capacity { // a word longer than the line
				lines++
				n -= capacity
			}
		}
	}
	return float64(lines)*lineHeight + padding
}

// tplColumnRanges writes the cells of col in the given rows, ascending, as
// a space-separated list of ranges: "E9:E25 E27".
func tplColumnRanges(col string, rows []int) string {
	var out []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if j == i {
			out = append(out, fmt.Sprintf("%s%d", col, rows[i]))
		} else {
			out = append(out, fmt.Sprintf("%s%d:%s%d", col, rows[i], col, rows[j]))
		}
		i = j + 1
	}
	return strings.Join(out, " ")
}

// tplCodeWidth is a width for the Code column that shows the longest code
// on one line: codes are capitals and underscores, wider than the digit 0
// that widths are measured in, and must not wrap or be cut off.
func tplCodeWidth(inds []domain.Indicator) float64 {
	longest := 0
	for _, ind := range inds {
		longest = max(longest, len([]rune(ind.Code)))
	}
	return max(tplColumns[0].width, float64(longest)*1.25+2)
}

// pageSetup makes a sheet print on A4, fitted to the page width, with the
// council and month in the footer; titles, if given, repeat on every page.
func (b *tplBook) pageSetup(sheet, orientation, area, titles string, council domain.Council, month domain.Month) {
	a4, wide, anyHeight := 9, 1, 0
	b.check(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &anyHeight,
	}))
	fit := true
	b.check(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	margin, edge := 0.5, 0.3
	b.check(b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &margin, Right: &margin, Top: &margin, Bottom: &margin, Header: &edge, Footer: &edge,
	}))
	// & starts a code in headers and footers; && is a literal ampersand.
	where := strings.ReplaceAll(fmt.Sprintf("%s, %s, %s", council.Name, month.Start().Format("January 2006"), TemplateVersion), "&", "&&")
	b.check(b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L" + where + "&RPage &P of &N",
	}))
	b.check(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: area, Scope: sheet}))
	if titles != "" {
		b.check(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: titles, Scope: sheet}))
	}
}

func (b *tplBook) properties(council domain.Council, month domain.Month) {
	now := time.Now().UTC().Format(time.RFC3339)
	b.check(b.f.SetDocProps(&excelize.DocProperties{
		Created:     now,
		Modified:    now,
		Title:       fmt.Sprintf("%s: %s, %s", tplTitle, council.Name, month.Start().Format("January 2006")),
		Subject:     fmt.Sprintf("Monthly return of children's services figures for %s (DfE LA number %d), %s", council.Name, council.Number, month),
		Creator:     "Resilience",
		Description: fmt.Sprintf("Template version %s. Enter figures in the Value column of the Return sheet and upload the file to the Resilience dashboard.", TemplateVersion),
		Keywords:    "children's services; monthly return; " + TemplateVersion,
		Language:    "en-GB",
	}))
}
