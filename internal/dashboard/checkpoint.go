package dashboard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/resilience-dashboard/resilience/internal/store"
)

// A checkpoint keeps a snapshot's figures in the database as compact
// blobs, one part per indicator, so a start reads them and the returns
// added since (milliseconds) instead of every figure row (a second at
// national scale). A part's layout, little-endian: "RMC2"; the indicator
// code as a length (u16) and its bytes; then runs of one council: LA
// number (u16), the count of months (u16), and that many pairs of month
// index (u16) and value (f64).
const checkpointMagic = "RMC2"

// checkpointEvery is how many council-months the model may take in since
// its last checkpoint before it keeps a new one.
const checkpointEvery = 1000

// encodeCheckpoint writes d's figures, a part per indicator.
func encodeCheckpoint(d *Snapshot) [][]byte {
	var parts [][]byte
	for _, ind := range d.Indicators {
		byCouncil, ok := d.Values[ind.Code]
		if !ok {
			continue
		}
		n := 0
		for _, s := range byCouncil {
			n += s.len()
		}
		b := make([]byte, 0, 8+len(ind.Code)+n*10+len(byCouncil)*4)
		b = append(b, checkpointMagic...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(ind.Code)))
		b = append(b, ind.Code...)
		for council, s := range byCouncil {
			if s.len() == 0 {
				continue
			}
			b = binary.LittleEndian.AppendUint16(b, uint16(council))
			b = binary.LittleEndian.AppendUint16(b, uint16(s.len()))
			s.each(func(idx int, v float64) {
				b = binary.LittleEndian.AppendUint16(b, uint16(idx))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			})
		}
		parts = append(parts, b)
	}
	return parts
}

var errCheckpoint = errors.New("dashboard: the checkpoint cannot be read")

// decodePart reads one part written by encodeCheckpoint into d's Values
// (which hold an empty map for every catalogue indicator); an indicator
// no longer in the catalogue is skipped.
func decodePart(d *Snapshot, b []byte) error {
	if len(b) < 6 || string(b[:4]) != checkpointMagic {
		return errCheckpoint
	}
	b = b[4:]
	l := int(binary.LittleEndian.Uint16(b))
	b = b[2:]
	if len(b) < l {
		return errCheckpoint
	}
	byCouncil := d.Values[string(b[:l])]
	b = b[l:]
	for len(b) > 0 {
		if len(b) < 4 {
			return errCheckpoint
		}
		council, count := int(binary.LittleEndian.Uint16(b)), int(binary.LittleEndian.Uint16(b[2:]))
		b = b[4:]
		if len(b) < count*10 {
			return errCheckpoint
		}
		if byCouncil == nil {
			b = b[count*10:]
			continue
		}
		s := &series{}
		for range count {
			s.set(int(binary.LittleEndian.Uint16(b)), math.Float64frombits(binary.LittleEndian.Uint64(b[2:])))
			b = b[10:]
		}
		byCouncil[council] = s
	}
	return nil
}

// fromCheckpoint builds a snapshot from the checkpoint kept in db and
// everything else read afresh, as of the checkpoint's data version: the
// caller brings it up to date with update. ok is false when there is no
// usable checkpoint.
func fromCheckpoint(ctx context.Context, db *store.DB, cfg Config) (*Snapshot, bool, error) {
	var version string
	var seen int64
	found := false
	d, err := loadWithout(ctx, db, cfg, "", 0, func(d *Snapshot) error {
		var err error
		version, seen, found, err = db.Checkpoint(ctx, func(part []byte) error { return decodePart(d, part) })
		return err
	})
	if errors.Is(err, errCheckpoint) || err == nil && !found {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read model checkpoint: %w", err)
	}
	d.Version, d.returnsSeen = version, seen
	return d, true, nil
}
