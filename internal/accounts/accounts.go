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
		return out, nil
	}
	if a.Council == 0 {
		return append(out, Problem{FieldCouncil, "Select the council this person works for (its DfE number, for example 202)"}), nil
	}
	c, err := s.DB.Council(ctx, a.Council)
	if domain.ErrorCode(err) == domain.ENOTFOUND || err == nil && !c.Current {
		return append(out, Problem{FieldCouncil, "There is no current council with DfE number " + strconv.Itoa(a.Council)}), nil
	}
	return out, err
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
	u := &domain.User{Email: domain.NormaliseEmail(a.Email), Role: role}
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
