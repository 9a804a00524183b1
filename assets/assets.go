// Package assets embeds the page templates and the static files (styles,
// scripts and the vendored GOV.UK Frontend and echarts), so the binary
// serves everything itself and works on a network with no internet.
package assets

import "embed"

// Templates holds templates/*.html.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds static/, served under /static/.
//
//go:embed static
var Static embed.FS
