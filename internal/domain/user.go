package domain

import "strings"

// Role is what a user may do. A user holds exactly one.
type Role string

// The roles. Uploaders and DCSs are scoped to one council; LGA officers see
// every council; administrators manage users, reference data and the
// timeline.
const (
	RoleUploader Role = "uploader"
	RoleDCS      Role = "dcs"
	RoleLGA      Role = "lga"
	RoleAdmin    Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleUploader, RoleDCS, RoleLGA, RoleAdmin}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a role: use uploader, dcs, lga or admin", s)
}

// Scoped reports whether the role is tied to one council.
func (r Role) Scoped() bool { return r == RoleUploader || r == RoleDCS }

// Label names the role for people.
func (r Role) Label() string {
	switch r {
	case RoleUploader:
		return "Council data lead (uploader)"
	case RoleDCS:
		return "Director of Children's Services"
	case RoleLGA:
		return "LGA officer"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// User is a person who signs in.
type User struct {
	ID           int64  `db:"id" json:"id"`
	Email        string `db:"email" json:"email"`
	PasswordHash string `db:"password_hash" json:"-"`
	Role         Role   `db:"role" json:"role"`
	// Council is the DfE LA number a scoped user belongs to; 0 otherwise.
	Council    int    `db:"council" json:"council,omitempty"`
	Disabled   bool   `db:"disabled" json:"disabled"`
	CreatedAt  string `db:"created_at" json:"created_at"`
	LastSignIn string `db:"last_sign_in" json:"last_sign_in,omitempty"`
	// MustChangePassword is set when an administrator set the password
	// (a new account or a reset): the person chooses their own before
	// using anything else.
	MustChangePassword bool `db:"must_change_password" json:"must_change_password,omitempty"`
}

// NormaliseEmail trims and lower-cases an email address, so that sign-in
// and uniqueness do not depend on how it was typed.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail checks an email address as accounts keep it (normalised by
// NormaliseEmail), and returns an EINVALID error saying what to enter.
func CheckEmail(email string) error {
	if at := strings.IndexByte(email, '@'); at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n<>") || len(email) > 254 {
		return Errorf(EINVALID, "Enter an email address in the correct format, like name@council.gov.uk")
	}
	return nil
}

// Validate checks a user's email, role and council scope.
func (u *User) Validate() error {
	u.Email = NormaliseEmail(u.Email)
	if err := CheckEmail(u.Email); err != nil {
		return err
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Role.Scoped() && u.Council == 0 {
		return Errorf(EINVALID, "A %s must belong to a council: give its DfE number, for example 202", u.Role)
	}
	if !u.Role.Scoped() {
		u.Council = 0
	}
	return nil
}

// CanSeeCouncil reports whether the user's scope covers a council.
func (u *User) CanSeeCouncil(n int) bool {
	return !u.Role.Scoped() || u.Council == n
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64  `db:"id" json:"id"`
	At      string `db:"at" json:"at"`
	Actor   string `db:"actor" json:"actor"`
	Action  string `db:"action" json:"action"`
	Council int    `db:"council" json:"council,omitempty"`
	Subject string `db:"subject" json:"subject,omitempty"`
	Detail  string `db:"detail" json:"detail,omitempty"`
	Remote  string `db:"remote" json:"remote,omitempty"`
}

// Audit actions.
const (
	AuditSignIn       = "sign_in"
	AuditSignInFailed = "sign_in_failed"
	AuditSignOut      = "sign_out"
	AuditUserAdded    = "user_added"
	AuditUserDisabled = "user_disabled"
	AuditUserEnabled  = "user_enabled"
	// AuditUserChanged records an administrator changing a user's role
	// or council.
	AuditUserChanged = "user_changed"
	// AuditPasswordChanged records people changing their own password;
	// AuditPasswordReset an administrator setting a new one for them.
	AuditPasswordChanged = "password_changed"
	AuditPasswordReset   = "password_reset"
	// AuditAssessmentDraft and AuditAssessmentSubmitted record a council's
	// self-assessment saved as a draft or submitted as a new version.
	AuditAssessmentDraft     = "assessment_draft"
	AuditAssessmentSubmitted = "assessment_submitted"
	// AuditFrameworkChanged records a new version of the framework.
	AuditFrameworkChanged = "framework_changed"
	// Timeline events added, changed or deleted by an administrator.
	AuditTimelineAdded   = "timeline_added"
	AuditTimelineChanged = "timeline_changed"
	AuditTimelineDeleted = "timeline_deleted"
)
