package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// The payload of an upload waiting for explanations is written without
// encoding/json, so it must be exactly what json.Marshal writes, and read
// back, a batch at a time, to the same figures.
func TestPendingPayloadIsWhatJSONWrites(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	cat, err := svc.catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("la_number,indicator,month,value,note\n")
	notes := []string{"", `a <b> & "c"`, "tab\there, line\nbreak", "café ✓ \u2028", "\x01"}
	values := []string{"300", "1e21", "1e-7", "-0", "12.5", "0.1", "123456789012345678", "2.5e-10", "n/a"}
	for i := 0; i < 5000; i++ {
		m := domain.Month{Year: 2017 + i/12%10, Month: 1}.Add(i % 12)
		fmt.Fprintf(&csv, "%d,%s,%s,%s,\"%s\"\n", 202+i%3, cat.Indicators[i%len(cat.Indicators)].Code, m, values[i%len(values)],
			strings.ReplaceAll(notes[i%len(notes)], `"`, `""`))
	}
	path := filepath.Join(t.TempDir(), "bulk.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	parsed, err := returns.ParseWith(ctx, path, returns.KindCSV, cat, returns.DefaultLimits(), returns.Options{Compact: true})
	if err != nil {
		t.Fatal(err)
	}
	obs := parsed.Observations()
	if len(obs) < 4096 || !strings.Contains(obs[1].Note, "<b>") {
		t.Fatalf("%d figures, note %q; want more than a batch, with notes", len(obs), obs[1].Note)
	}
	v := 3.25
	official := []domain.OfficialValue{{Measure: "cla_rate", Level: "council", Area: "202", Year: 2024, PeriodEnd: "2024-03-31", Value: &v},
		{Measure: "cla_rate", Level: "council", Area: "203", Year: 2024, PeriodEnd: "2024-03-31", Marker: "c"}}
	councils := []CouncilOutcome{{Council: 202, Months: []string{"2017-01"}, Rows: 2, Errors: 1}}

	for _, tc := range []struct {
		name     string
		councils []CouncilOutcome
		parsed   *returns.Parsed
		official []domain.OfficialValue
	}{
		{"All", councils, parsed, official},
		{"FiguresOnly", nil, parsed, nil},
		{"Nothing", nil, &returns.Parsed{}, nil},
		{"OfficialOnly", councils, &returns.Parsed{}, official},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pendingPayload(tc.councils, tc.parsed, tc.official)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(pending{Councils: tc.councils, Observations: tc.parsed.Observations(), Official: tc.official})
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("differs at byte %d: %q; json.Marshal wrote %q", i, got[max(i-40, 0):min(i+40, len(got))], want[max(i-40, 0):min(i+40, len(want))])
			}
			var back []domain.Observation
			batches := 0
			off, err := readPending(got, func(b []domain.Observation) error {
				back = append(back, b...)
				batches++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if wantObs := tc.parsed.Observations(); len(back) != len(wantObs) || len(back) > 0 && !reflect.DeepEqual(back, wantObs) {
				t.Fatalf("read back %d figures in %d batches; want the %d written", len(back), batches, len(wantObs))
			}
			if !reflect.DeepEqual(off, tc.official) {
				t.Fatalf("official %+v; want %+v", off, tc.official)
			}
			if cs, err := pendingCouncils(got); err != nil || !reflect.DeepEqual(cs, tc.councils) {
				t.Fatalf("councils %+v, %v; want %+v", cs, err, tc.councils)
			}
		})
	}
	if _, err := readPending(`{"observations":[{"la_number":"x"}]}`, func([]domain.Observation) error { return nil }); err == nil {
		t.Fatal("a payload that is not pending's JSON was read")
	}
}
