package web

import (
	"log/slog"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/config"
)

// options are the server's settings in the forms its handlers use, all
// taken from one config.Config: nothing here has a default of its own.
type options struct {
	settings config.Config

	Logger          *slog.Logger
	Now             func() time.Time
	BaseURL         string
	TrustedProxies  []string
	IdleTimeout     time.Duration
	SessionLifetime time.Duration
	// ReconcileTolerance is how far a year's monthly figures may differ
	// from DfE's published figure before the reconciliation flags it.
	ReconcileTolerance float64
	// Pressure is the pressure-point rule and Matrix the resilience
	// matrix's splits.
	Pressure analytics.PressureConfig
	Matrix   analytics.MatrixConfig
	// BaselineYears are the years whose same calendar month makes the
	// pre-pandemic baseline, for the profile as for pressure points.
	BaselineYears []int
	// DueDay is the day of the following month by which a month's return
	// is due.
	DueDay int
}

// newOptions checks the caller's settings (config.Default() when none)
// and puts them in the forms the handlers use.
func newOptions(cfg Config) (options, error) {
	set := config.Default()
	if cfg.Settings != nil {
		set = cfg.Settings.Clone()
	}
	if err := set.Check(); err != nil {
		return options{}, err
	}
	o := options{
		settings:           set,
		Logger:             cfg.Logger,
		Now:                cfg.Now,
		BaseURL:            set.BaseURL,
		TrustedProxies:     set.TrustedProxies,
		IdleTimeout:        set.SessionIdleTimeout,
		SessionLifetime:    set.SessionLifetime,
		ReconcileTolerance: set.ReconcileTolerance,
		// Pressure points measure against the same baseline as the profile.
		Pressure: analytics.PressureConfig{BaselineYears: set.BaselineYears, Threshold: set.PressureThreshold,
			WorstBand: set.PressureBand}.WithDefaults(),
		Matrix:        analytics.MatrixConfig{PressureRule: set.MatrixPressureRule, PressureSplit: set.MatrixPressureSplit, ConditionsSplit: set.MatrixConditionsSplit},
		BaselineYears: set.BaselineYears,
		DueDay:        set.DueDay,
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}
