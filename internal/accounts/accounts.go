// Package accounts creates user accounts. It is the one way an account is
// made, whether on the admin page, by the users command or for the first
// run's demo: each is checked the same way (email, role, council,
// password policy), its password hashed, and it is stored with its audit
// line.
package accounts

import (
	"context"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// The fields a Problem names: those of the admin page's form.
const (
	FieldEmail    = "email"
	FieldRole     = "role"
	FieldCouncil  = "council"
	FieldPassword = "password"
)

// Problem is one thing wrong with an account to be made, for the field it
// belongs to, in words for the person making it.
type Problem struct {
	Field, Message string
}

// Account is an account to make.
type Account struct {
	Email string
	// Role is uploader, dcs, lga or admin.
	Role string
	// Council is the DfE number of the council a data lead (uploader) or
	// DCS works for: a current council. Other roles have none, and it is
	// ignored for them.
	Council int
	// Password is the account's password, checked against the policy
	// (auth.CheckPassword), unless Generate asks for a random one.
	Password string
	Generate bool
	// MustChange asks the person to choose their own password at their
	// first sign-in: set when an administrator chose or was shown the
	// password (the users page, the users command), not for demo accounts.
	MustChange bool
	// How says how the account came to be, for the audit line: "added on
	// the users page", "added from the command line", "demo account".
	How string
}

// Service makes accounts in a database.
type Service struct {
	DB *store.DB
}

// Check lists what is wrong with an account, its password aside, in the
// form's order (email, role, council); none when it may be made. The
// error is for a failure to check, not for a problem.
func (s *Service) Check(ctx context.Context, a Account) ([]Problem, error) {
	var out []Problem
	if err := domain.CheckEmail(domain.NormaliseEmail(a.Email)); err != nil {
		out = append(out, Problem{FieldEmail, domain.ErrorMessage(err)})
	}
	role, err := domain.ParseRole(a.Role)
	switch {
	case strings.TrimSpace(a.Role) == "":
		out = append(out, Problem{FieldRole, "Select a role: uploader, dcs, lga or admin"})
	case err != nil:
		out = append(out, Problem{FieldRole, domain.ErrorMessage(err)})
	}
	if !role.Scoped() {
		return out, nil // a council given for another role is ignored
	}
	p, err := s.checkCouncil(ctx, role, a.Council)
	if p != nil {
		out = append(out, *p)
	}
	return out, err
}

// checkCouncil checks a role's council: a data lead or DCS needs a
// current council; an LGA officer or administrator has none, and a
// council given for one is a problem.
func (s *Service) checkCouncil(ctx context.Context, role domain.Role, council int) (*Problem, error) {
	if role == "" {
		return nil, nil
	}
	if !role.Scoped() {
		if council != 0 {
			return &Problem{FieldCouncil, "LGA officers and administrators see every council: choose “No council”"}, nil
		}
		return nil, nil
	}
	if council == 0 {
		return &Problem{FieldCouncil, "Select the council this person works for (its DfE number, for example 202)"}, nil
	}
	c, err := s.DB.Council(ctx, council)
	if domain.ErrorCode(err) == domain.ENOTFOUND || err == nil && !c.Current {
		return &Problem{FieldCouncil, "There is no current council with DfE number " + strconv.Itoa(council)}, nil
	}
	return nil, err
}

// Create makes an account: it checks it (Check, and the password policy),
// hashes its password (a random one when Generate asks) and stores it
// with one audit line whose actor and remote address are audit's. It
// returns the account and its password, which the caller shows once when
// it was made here. A problem is an EINVALID *domain.Error naming the
// first; an email that already has an account, ECONFLICT.
func (s *Service) Create(ctx context.Context, a Account, audit domain.AuditEntry) (*domain.User, string, error) {
	problems, err := s.Check(ctx, a)
	if err != nil {
		return nil, "", err
	}
	if len(problems) > 0 {
		return nil, "", domain.Errorf(domain.EINVALID, "%s", problems[0].Message)
	}
	role, _ := domain.ParseRole(a.Role)
	u := &domain.User{Email: domain.NormaliseEmail(a.Email), Role: role, MustChangePassword: a.MustChange}
	if role.Scoped() {
		u.Council = a.Council
	}
	password := a.Password
	if a.Generate {
		// A random password holds the email's local part about once in
		// 50,000 draws (auth.RandomPassword): draw again.
		for password = auth.RandomPassword(); auth.CheckPassword(password, u.Email) != nil; {
			password = auth.RandomPassword()
		}
	}
	if err := auth.CheckPassword(password, u.Email); err != nil {
		return nil, "", err
	}
	if u.PasswordHash, err = auth.HashPassword(password); err != nil {
		return nil, "", err
	}
	audit.Detail = "role " + string(u.Role)
	if a.How != "" {
		audit.Detail += ", " + a.How
	}
	if err := s.DB.CreateUser(ctx, u, audit); err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// ProblemOf names the field of an error Create returned: the email for an
// account that already exists, the password for the policy, or "" for
// any other.
func ProblemOf(err error) (Problem, bool) {
	switch msg := domain.ErrorMessage(err); {
	case domain.ErrorCode(err) == domain.ECONFLICT:
		return Problem{FieldEmail, msg}, true
	case domain.ErrorCode(err) == domain.EINVALID && strings.HasPrefix(msg, "Password"):
		return Problem{FieldPassword, msg}, true
	}
	return Problem{}, false
}

// Fields of the change-password form.
const (
	FieldCurrentPassword = "current-password"
	FieldNewPassword     = "new-password"
	FieldConfirmPassword = "confirm-password"
)

// PasswordChange is people changing their own password: the one they
// have, and the new one typed twice.
type PasswordChange struct {
	Current, New, Confirm string
}

// ChangePassword checks and stores a user's own new password: the current
// one must be right, the new one typed the same twice, different from the
// current one and within the policy (auth.CheckPassword). It clears the
// must-change flag and writes one audit line. Problems come back for the
// form's fields; the error is for a failure to check or store.
func (s *Service) ChangePassword(ctx context.Context, u *domain.User, p PasswordChange, audit domain.AuditEntry) ([]Problem, error) {
	var out []Problem
	if p.Current == "" {
		out = append(out, Problem{FieldCurrentPassword, "Enter your current password"})
	} else if ok, err := auth.VerifyPassword(p.Current, u.PasswordHash); err != nil || !ok {
		out = append(out, Problem{FieldCurrentPassword, "Your current password is not right: enter the password you signed in with"})
	}
	switch err := auth.CheckPassword(p.New, u.Email); {
	case p.New == "":
		out = append(out, Problem{FieldNewPassword, "Enter a new password"})
	case err != nil:
		out = append(out, Problem{FieldNewPassword, "New " + strings.ToLower(domain.ErrorMessage(err)[:1]) + domain.ErrorMessage(err)[1:]})
	case p.New == p.Current:
		out = append(out, Problem{FieldNewPassword, "Your new password must be different from your current one"})
	case p.Confirm != p.New:
		out = append(out, Problem{FieldConfirmPassword, "The two new passwords are different: type the same new password twice"})
	}
	if len(out) > 0 {
		return out, nil
	}
	hash, err := auth.HashPassword(p.New)
	if err != nil {
		return nil, err
	}
	audit.Action, audit.Actor = domain.AuditPasswordChanged, u.Email
	if err := s.DB.SetPassword(ctx, u.ID, hash, false, audit); err != nil {
		return nil, err
	}
	u.PasswordHash, u.MustChangePassword = hash, false
	return nil, nil
}

// ResetPassword gives an account a new random password, which the
// administrator passes on and the person must change at their next
// sign-in; it returns the password, shown once.
func (s *Service) ResetPassword(ctx context.Context, id int64, audit domain.AuditEntry) (string, error) {
	u, err := s.DB.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	password := auth.RandomPassword()
	for auth.CheckPassword(password, u.Email) != nil {
		password = auth.RandomPassword()
	}
	return password, s.SetPassword(ctx, u, password, audit)
}

// SetPassword sets a password an administrator chose (the users command),
// checked against the policy; the person must change it at their next
// sign-in.
func (s *Service) SetPassword(ctx context.Context, u *domain.User, password string, audit domain.AuditEntry) error {
	if err := auth.CheckPassword(password, u.Email); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	audit.Action = domain.AuditPasswordReset
	return s.DB.SetPassword(ctx, u.ID, hash, true, audit)
}

// ChangeScope changes a user's role and council, checked as a new
// account's are. Problems come back for the form's fields (role,
// council).
func (s *Service) ChangeScope(ctx context.Context, id int64, roleName string, council int, audit domain.AuditEntry) ([]Problem, *domain.User, error) {
	role, err := domain.ParseRole(roleName)
	switch {
	case strings.TrimSpace(roleName) == "":
		return []Problem{{FieldRole, "Select a role"}}, nil, nil
	case err != nil:
		return []Problem{{FieldRole, domain.ErrorMessage(err)}}, nil, nil
	}
	p, err := s.checkCouncil(ctx, role, council)
	if err != nil {
		return nil, nil, err
	}
	if p != nil {
		return []Problem{*p}, nil, nil
	}
	u, err := s.DB.SetUserScope(ctx, id, role, council, audit)
	return nil, u, err
}
