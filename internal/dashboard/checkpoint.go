package dashboard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// A checkpoint keeps a snapshot's figures in the database as one compact
// blob, so a start reads it and the returns added since (a few
// milliseconds) instead of every figure row (a second at national
// scale). Its layout, little-endian: "RMC1"; the number of indicator
// codes, each as a length and its bytes; then runs of one indicator and
// council: indicator position (u16), LA number (u16), the count of months
// (u16), and that many pairs of month index (u16) and value (f64).
const checkpointMagic = "RMC1"

// checkpointEvery is how many council-months the model may take in since
// its last checkpoint before it keeps a new one.
const checkpointEvery = 1000

// encodeCheckpoint writes d's figures.
func encodeCheckpoint(d *Snapshot) []byte {
	n := 0
	for _, byCouncil := range d.Values {
		for _, s := range byCouncil {
			n += len(s)
		}
	}
	b := make([]byte, 0, 16+n*10+len(d.Values)*64)
	b = append(b, checkpointMagic...)
	codes := make([]string, 0, len(d.Values))
	for _, ind := range d.Indicators {
		if _, ok := d.Values[ind.Code]; ok {
			codes = append(codes, ind.Code)
		}
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(codes)))
	for _, c := range codes {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(c)))
		b = append(b, c...)
	}
	for i, code := range codes {
		for council, s := range d.Values[code] {
			if len(s) == 0 {
				continue
			}
			b = binary.LittleEndian.AppendUint16(b, uint16(i))
			b = binary.LittleEndian.AppendUint16(b, uint16(council))
			b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
			for idx, v := range s {
				b = binary.LittleEndian.AppendUint16(b, uint16(idx))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return b
}

var errCheckpoint = errors.New("dashboard: the checkpoint cannot be read")

// decodeCheckpoint reads figures written by encodeCheckpoint into d's
// Values (which hold an empty map for every catalogue indicator); codes
// no longer in the catalogue are skipped.
func decodeCheckpoint(d *Snapshot, b []byte) error {
	if len(b) < 6 || string(b[:4]) != checkpointMagic {
		return errCheckpoint
	}
	b = b[4:]
	u16 := func() (int, bool) {
		if len(b) < 2 {
			return 0, false
		}
		v := binary.LittleEndian.Uint16(b)
		b = b[2:]
		return int(v), true
	}
	nCodes, _ := u16()
	codes := make([]map[int]analytics.Series, nCodes)
	for i := range codes {
		l, ok := u16()
		if !ok || len(b) < l {
			return errCheckpoint
		}
		codes[i] = d.Values[string(b[:l])]
		b = b[l:]
	}
	for len(b) > 0 {
		ind, ok1 := u16()
		council, ok2 := u16()
		count, ok3 := u16()
		if !ok1 || !ok2 || !ok3 || ind >= len(codes) || len(b) < count*10 {
			return errCheckpoint
		}
		s := make(analytics.Series, count)
		for range count {
			idx := int(binary.LittleEndian.Uint16(b))
			s[idx] = math.Float64frombits(binary.LittleEndian.Uint64(b[2:]))
			b = b[10:]
		}
		if codes[ind] != nil {
			codes[ind][council] = s
		}
	}
	return nil
}

// fromCheckpoint builds a snapshot from the checkpoint kept in db and
// everything else read afresh, as of the checkpoint's data version: the
// caller brings it up to date with update. ok is false when there is no
// usable checkpoint.
func fromCheckpoint(ctx context.Context, db *store.DB, cfg Config) (*Snapshot, bool, error) {
	version, seen, data, ok, err := db.Checkpoint(ctx)
	if err != nil || !ok {
		return nil, false, err
	}
	d, err := loadWithout(ctx, db, cfg, version, seen, func(d *Snapshot) error { return decodeCheckpoint(d, data) })
	if errors.Is(err, errCheckpoint) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read model checkpoint: %w", err)
	}
	return d, true, nil
}
