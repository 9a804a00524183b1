package intake

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// The payload of a submission waiting for explanations is the JSON of
// pending. A national bulk file's holds 440,640 figures, some 33 MB, so it
// is written straight from the parsed file and read back a batch at a
// time: json.Marshal and json.Unmarshal of the figures as one slice took
// a slice of them besides (28 MB) and two or three copies of the text,
// some 300 MB at the peak.

// pendingPayload writes, byte for byte, what json.Marshal gives for
// pending{Councils: councils, Observations: p.Observations(), Official:
// official}.
func pendingPayload(councils []CouncilOutcome, p *returns.Parsed, official []domain.OfficialValue) (string, error) {
	var b strings.Builder
	// About 75 bytes a figure; capacity not written to costs no memory.
	b.Grow(100*p.Len() + 1024)
	b.WriteByte('{')
	sep := ""
	if len(councils) > 0 {
		j, err := json.Marshal(councils)
		if err != nil {
			return "", err
		}
		b.WriteString(`"councils":`)
		b.Write(j)
		sep = ","
	}
	enc := observationJSON{texts: map[string]string{}}
	n := 0
	err := p.EachObservation(func(o domain.Observation) error {
		if n == 0 {
			b.WriteString(sep + `"observations":[`)
		} else {
			b.WriteByte(',')
		}
		n++
		return enc.write(&b, o)
	})
	if err != nil {
		return "", err
	}
	if n > 0 {
		b.WriteByte(']')
		sep = ","
	}
	if len(official) > 0 {
		j, err := json.Marshal(official)
		if err != nil {
			return "", err
		}
		b.WriteString(sep + `"official":`)
		b.Write(j)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// observationJSON writes observations as encoding/json does, encoding each
// distinct indicator and month once.
type observationJSON struct {
	texts map[string]string
	buf   []byte
}

func (e *observationJSON) text(s string, cache bool) (string, error) {
	if t, ok := e.texts[s]; ok {
		return t, nil
	}
	j, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	if cache && len(e.texts) < 10000 {
		e.texts[s] = string(j)
	}
	return string(j), nil
}

func (e *observationJSON) write(b *strings.Builder, o domain.Observation) error {
	ind, err := e.text(o.Indicator, true)
	if err != nil {
		return err
	}
	month, err := e.text(o.Month, true)
	if err != nil {
		return err
	}
	e.buf = append(e.buf[:0], `{"la_number":`...)
	e.buf = strconv.AppendInt(e.buf, int64(o.Council), 10)
	e.buf = append(e.buf, `,"indicator":`...)
	e.buf = append(e.buf, ind...)
	e.buf = append(e.buf, `,"month":`...)
	e.buf = append(e.buf, month...)
	e.buf = append(e.buf, `,"value":`...)
	if e.buf, err = appendFloat(e.buf, o.Value); err != nil {
		return err
	}
	if o.Note != "" {
		note, err := e.text(o.Note, false)
		if err != nil {
			return err
		}
		e.buf = append(e.buf, `,"note":`...)
		e.buf = append(e.buf, note...)
	}
	e.buf = append(e.buf, '}')
	b.Write(e.buf)
	return nil
}

// appendFloat writes a float64 as encoding/json does.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// readPending reads a waiting submission's payload, giving its figures to
// figures in batches (each batch is reused after the call) and returning
// its official figures. Any valid JSON of pending reads, whatever the
// order of its fields.
func readPending(payload string, figures func([]domain.Observation) error) ([]domain.OfficialValue, error) {
	dec := json.NewDecoder(strings.NewReader(payload))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var official []domain.OfficialValue
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t {
		case "observations":
			if err := readObservations(dec, figures); err != nil {
				return nil, err
			}
		case "official":
			if err := dec.Decode(&official); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	return official, nil
}

// pendingCouncils reads the councils' outcomes of a payload, stopping as
// soon as it has them.
func pendingCouncils(payload string) ([]CouncilOutcome, error) {
	dec := json.NewDecoder(strings.NewReader(payload))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if t == "councils" {
			var out []CouncilOutcome
			err := dec.Decode(&out)
			return out, err
		}
		if t == "observations" {
			if err := readObservations(dec, func([]domain.Observation) error { return nil }); err != nil {
				return nil, err
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return nil, expectDelim(dec, '}')
}

func readObservations(dec *json.Decoder, figures func([]domain.Observation) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil // null: no figures
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return errors.New("observations are not a list")
	}
	batch := make([]domain.Observation, 0, 4096)
	for dec.More() {
		batch = append(batch, domain.Observation{})
		if err := dec.Decode(&batch[len(batch)-1]); err != nil {
			return err
		}
		if len(batch) == cap(batch) {
			if err := figures(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := figures(batch); err != nil {
			return err
		}
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, t)
	}
	return nil
}
