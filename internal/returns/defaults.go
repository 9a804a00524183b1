package returns

import "github.com/resilience-dashboard/resilience/internal/config"

// Defaults of Context and Limits for a field left zero: the
// configuration's (package config), so that a caller building them in code
// gets what the server and the import command get unconfigured.
var (
	defaultTolerance    = config.Default().Tolerance
	defaultMinAbsChange = config.Default().MinChange
	defaultMinPoints    = config.Default().MinChangePoints
	defaultNoiseSDs     = config.Default().NoiseSDs
	defaultMaxFileBytes = config.Default().MaxUploadBytes()
)
