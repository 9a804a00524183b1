package intake

import (
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// New is the intake as the server and the import command run it: the
// settings' tolerances, minimums, allowance for chance variation, the
// reconciliation query and the upload limit, over db.
func New(db *store.DB, c config.Config) *Service {
	lim := returns.DefaultLimits()
	lim.MaxFileBytes = c.MaxUploadBytes()
	svc := &Service{DB: db, Limits: lim, Tolerance: c.Tolerance, ReconcileTolerance: c.ReconcileTolerance,
		MinAbsChange: orNone(c.MinChange), MinChangePoints: orNone(c.MinChangePoints), NoiseSDs: orNone(c.NoiseSDs)}
	if !c.ReconcileQuery {
		svc.ReconcileTolerance = -1
	}
	return svc
}

// orNone turns a setting's 0 (none) into the validator's negative (none);
// the validator takes 0 for its default.
func orNone(v float64) float64 {
	if v == 0 {
		return -1
	}
	return v
}
