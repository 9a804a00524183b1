package dashboard

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Config holds the rules the read model computes by.
type Config struct {
	// BaselineYears are the years whose same calendar month makes the
	// pre-pandemic baseline.
	BaselineYears []int
	// Pressure is the pressure-point rule; Matrix splits the resilience
	// matrix into quadrants.
	Pressure analytics.PressureConfig
	Matrix   analytics.MatrixConfig
}

// withDefaults fills what is unset.
func (c Config) withDefaults() Config {
	if len(c.BaselineYears) == 0 {
		c.BaselineYears = slices.Clone(analytics.DefaultBaselineYears)
	}
	if len(c.Pressure.BaselineYears) == 0 {
		c.Pressure.BaselineYears = c.BaselineYears
	}
	c.Pressure = c.Pressure.WithDefaults()
	if c.Matrix.PressureSplit == 0 {
		c.Matrix.PressureSplit = analytics.DefaultPressureSplit
	}
	if c.Matrix.ConditionsSplit == 0 {
		c.Matrix.ConditionsSplit = analytics.DefaultConditionsSplit
	}
	return c
}

// Config returns the rules the snapshot was computed by.
func (d *Snapshot) Config() Config { return d.cfg }

// checkEvery is how often a request looks at the store's data version, so
// a burst of requests costs one database read, not one each.
const checkEvery = 250 * time.Millisecond

// Model keeps the current snapshot. Readers take the snapshot published
// last and never wait for an update: the one request that finds the data
// version moved (or the caller of Refresh) builds the next snapshot aside,
// redoing only what changed, and swaps it in.
type Model struct {
	db  *store.DB
	cfg Config

	current atomic.Pointer[Snapshot]
	checked atomic.Int64 // unix nanoseconds of the last version check
	// updating is held by the one goroutine bringing the model up to date.
	updating sync.Mutex
	now      func() time.Time
	// taken counts the council-months taken in since the last checkpoint
	// (under updating).
	taken int
	// started says how the first snapshot was made: "checkpoint" or
	// "figures".
	started string
	// Logger hears of a checkpoint that could not be kept, and of each
	// data version taken in; nil is quiet.
	Logger *slog.Logger
	// loads counts the snapshots made by reading the figures afresh (a
	// start, or a change too large to apply); updates those brought up to
	// date by applying only what changed.
	loads, updates atomic.Int64
}

// Counts reports how many snapshots the model has loaded afresh and how
// many it has brought up to date incrementally, so a test (or an
// operator) can tell a change from another instance was applied, not
// rebuilt.
func (m *Model) Counts() (loads, updates int64) { return m.loads.Load(), m.updates.Load() }

// New returns a model over db; the first Snapshot loads it.
func New(db *store.DB, cfg Config) *Model {
	return &Model{db: db, cfg: cfg.withDefaults(), now: time.Now}
}

// Snapshot returns the current snapshot, loading it on first use and, at
// most every 250 ms, bringing it up to date with the store first. While
// another request is updating it, it returns the snapshot published last
// rather than wait.
func (m *Model) Snapshot(ctx context.Context) (*Snapshot, error) {
	d := m.current.Load()
	if d == nil {
		return m.Refresh(ctx)
	}
	if m.now().UnixNano()-m.checked.Load() < int64(checkEvery) {
		return d, nil
	}
	if !m.updating.TryLock() {
		return d, nil
	}
	defer m.updating.Unlock()
	return m.refreshLocked(ctx)
}

// Refresh brings the model up to date with the store now, waiting for an
// update another request has begun, and returns the new snapshot: the
// web calls it after storing a return, so the uploader's next page shows
// it.
func (m *Model) Refresh(ctx context.Context) (*Snapshot, error) {
	m.updating.Lock()
	defer m.updating.Unlock()
	return m.refreshLocked(ctx)
}

func (m *Model) refreshLocked(ctx context.Context) (*Snapshot, error) {
	m.checked.Store(m.now().UnixNano())
	d := m.current.Load()
	if d == nil {
		// A start: the checkpoint and the returns since, or every figure.
		cp, ok, err := fromCheckpoint(ctx, m.db, m.cfg)
		if err != nil {
			return nil, err
		}
		if !ok {
			if d, err = load(ctx, m.db, m.cfg); err != nil {
				return nil, err
			}
			m.started = "figures"
			m.loads.Add(1)
			m.current.Store(d)
			m.checkpoint(ctx, d)
			return d, nil
		}
		d, m.started = cp, "checkpoint"
		m.loads.Add(1)
	}
	version, err := m.db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	if version == d.Version {
		m.current.Store(d)
		return d, nil
	}
	next, taken, err := d.update(ctx, m.db, version)
	if err != nil {
		return nil, err
	}
	m.current.Store(next)
	if taken < 0 {
		m.loads.Add(1)
	} else {
		m.updates.Add(1)
	}
	if m.Logger != nil {
		m.Logger.Info("read model brought up to date", "from", d.Version, "to", version, "incremental", taken >= 0, "council_months", taken)
	}
	// Published first, warmed after: the caller (an upload waiting to
	// answer) does not wait for it, and a reader who comes first computes
	// what it needs itself.
	go next.warm()
	if m.taken += taken; taken < 0 || m.taken >= checkpointEvery {
		m.checkpoint(ctx, next)
	}
	return next, nil
}

// warm computes, once a snapshot is published, what the first reader of
// every kind would otherwise wait for: the pressure points of the month
// the overview opens on, which draw on every council's series, and every
// council's projections. It reads
// only the snapshot, never the database.
func (d *Snapshot) warm() {
	if m, ok := d.PressureMonth(); ok {
		d.Pressure(m)
	}
	// Projections: those of the councils the update did not touch came
	// over from the snapshot before; the rest are made now.
	d.ProjectAll()
}

// checkpoint keeps d's figures for the next start. A failure costs only
// that start's speed, so it is logged, not returned.
func (m *Model) checkpoint(ctx context.Context, d *Snapshot) {
	m.taken = 0
	if err := m.db.SaveCheckpoint(ctx, d.Version, d.returnsSeen, encodeCheckpoint(d)); err != nil && m.Logger != nil {
		m.Logger.Warn("read model checkpoint not kept", "err", err)
	}
}
