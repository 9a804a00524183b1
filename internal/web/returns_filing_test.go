package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY V5: an upload refused because it is for another council (E06)
// is filed under the uploader's own council. Its uploader reads its
// report and finds it among the council's uploads; the council it named
// neither lists it nor opens it (with the uploader's email and file
// name).
func TestWrongCouncilUploadFiledUnderUploadersCouncil(t *testing.T) {
	env := newTestEnv(t, Config{})
	lgaPW := env.addUser("lga@filing.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@filing.test", lgaPW)
	leadPW := env.addUser("lead@filing.test", domain.RoleUploader, 202)
	lead := env.signIn("lead@filing.test", leadPW)
	otherPW := env.addUser("lead@other-filing.test", domain.RoleUploader, 301)
	other := env.signIn("lead@other-filing.test", otherPW)
	dcsPW := env.addUser("dcs@other-filing.test", domain.RoleDCS, 301)
	dcs := env.signIn("dcs@other-filing.test", dcsPW)

	month := domain.LastComplete(env.clock.Now()).String()
	file := env.fillTemplate(lga, 301, month, typicalValues())
	snap := env.waitJob(lead, env.formUpload(lead, "for-barking.xlsx", file))
	if !strings.HasPrefix(snap.Next, "/returns/submissions/") {
		t.Fatalf("the upload finished at %q; want its report", snap.Next)
	}
	report := snap.Next
	sub, _, err := env.db.Submission(t.Context(), mustID(t, report))
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != domain.StatusRejected || sub.Council != 202 {
		t.Fatalf("submission %s under council %d; want rejected under 202", sub.Status, sub.Council)
	}

	status, body, _ := env.get(lead, report)
	if status != http.StatusOK || !contains(body, "E06") || !contains(body, "for-barking.xlsx") {
		t.Errorf("the uploader's report: %d, E06 shown %v", status, contains(body, "E06"))
	}
	if status, body, _ := env.get(lead, "/councils/202/returns"); status != http.StatusOK || !contains(body, "for-barking.xlsx") {
		t.Errorf("202's uploads: %d, listing the refused upload %v", status, contains(body, "for-barking.xlsx"))
	}
	for name, c := range map[string]*http.Client{"301's data lead": other, "301's DCS": dcs} {
		if status, body, _ := env.get(c, report); status != http.StatusNotFound || contains(body, "lead@filing.test") {
			t.Errorf("%s opening the refused upload: %d; want 404", name, status)
		}
		if _, body, _ := env.get(c, "/councils/301/returns"); contains(body, "for-barking.xlsx") || contains(body, "lead@filing.test") {
			t.Errorf("%s sees the refused upload among 301's uploads", name)
		}
	}
	if _, body, _ := env.get(lga, "/councils/301/returns"); contains(body, "for-barking.xlsx") {
		t.Error("301's uploads list an upload refused for being 202's lead's")
	}
}
