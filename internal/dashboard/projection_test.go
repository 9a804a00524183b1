package dashboard

import (
	"context"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Projections are made once per snapshot; a return for one council
// makes only that council's again, and the next snapshot carries every
// other council's over unchanged.
func TestProjectionsUpdatedForTouchedCouncilsOnly(t *testing.T) {
	db, m := openModel(t)
	ctx := context.Background()
	d, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.ProjectAll()
	ind := d.ByCode["CSC_REFERRALS"]
	touched, other := testCouncils[0], testCouncils[1]
	before, kept := d.Projection(ind, touched), d.Projection(ind, other)
	if !before.OK || !kept.OK {
		t.Fatalf("no projection: %s / %s", before.ReasonText(), kept.ReasonText())
	}
	if again := d.Projection(ind, touched); again != before {
		t.Error("a projection was made twice in one snapshot")
	}
	storeFigures(t, db, "template", domain.Observation{Council: touched, Indicator: "CSC_REFERRALS", Month: d.Last.String(), Value: 999})
	next, err := m.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next.mu.Lock()
	_, carried := next.projections[projKey{ind.Code, other}]
	_, redone := next.projections[projKey{ind.Code, touched}]
	next.mu.Unlock()
	if !carried || redone {
		t.Fatalf("after a return for %d: other council carried %v, touched council kept %v", touched, carried, redone)
	}
	if next.Projection(ind, other) != kept {
		t.Error("an untouched council's projection was made again")
	}
	if after := next.Projection(ind, touched); after == before || after.Checks[len(after.Checks)-1].Value != 999 {
		t.Error("the touched council's projection does not include its new figure")
	}
}
