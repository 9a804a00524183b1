package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

const userColumns = "id, email, password_hash, role, council, disabled, created_at, last_sign_in, must_change_password"

// CreateUser adds a user (already validated, with a password hash) and its
// audit line in one transaction.
func (db *DB) CreateUser(ctx context.Context, u *domain.User, audit domain.AuditEntry) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *txx) error {
		if u.Council != 0 {
			var current bool
			err := tx.GetContext(ctx, &current, "SELECT current FROM councils WHERE la_number = ?", u.Council)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !current {
				return domain.Errorf(domain.EINVALID, "There is no current council with DfE number %d", u.Council)
			} else if err != nil {
				return err
			}
		}
		u.CreatedAt = db.now().UTC().Format(time.RFC3339)
		err := tx.GetContext(ctx, &u.ID, `INSERT INTO users (email, password_hash, role, council, disabled, created_at, must_change_password)
			VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id`, u.Email, u.PasswordHash, u.Role, u.Council, u.CreatedAt, u.MustChangePassword)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "There is already an account for %s", u.Email)
		} else if err != nil {
			return err
		}
		audit.Action, audit.Subject, audit.Council = domain.AuditUserAdded, u.Email, u.Council
		if audit.Detail == "" {
			audit.Detail = "role " + string(u.Role)
		}
		return db.appendAudit(ctx, tx, audit)
	})
}

// UserByEmail finds a user by email address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var u domain.User
	err := db.r.GetContext(ctx, &u, "SELECT "+userColumns+" FROM users WHERE email = ?", domain.NormaliseEmail(email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no account for %s", domain.NormaliseEmail(email))
	}
	return &u, err
}

// UserByID finds a user by ID.
func (db *DB) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	var u domain.User
	err := db.r.GetContext(ctx, &u, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no such account")
	}
	return &u, err
}

// Users lists every user, by email.
func (db *DB) Users(ctx context.Context) ([]domain.User, error) {
	var out []domain.User
	err := db.r.SelectContext(ctx, &out, "SELECT "+userColumns+" FROM users ORDER BY email")
	return out, err
}

// CountUsers counts the accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.r.GetContext(ctx, &n, "SELECT count(*) FROM users")
	return n, err
}

// SetUserDisabled disables or re-enables an account, with its audit line,
// in one transaction. A disabled user's sessions are refused at once by the
// web layer, which checks the account on every request.
func (db *DB) SetUserDisabled(ctx context.Context, email string, disabled bool, audit domain.AuditEntry) (*domain.User, error) {
	email = domain.NormaliseEmail(email)
	var u domain.User
	err := db.inTx(ctx, func(tx *txx) error {
		err := tx.GetContext(ctx, &u, "SELECT "+userColumns+" FROM users WHERE email = ?", email)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "There is no account for %s", email)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, u.ID); err != nil {
			return err
		}
		u.Disabled = disabled
		audit.Action, audit.Subject, audit.Council = domain.AuditUserEnabled, u.Email, u.Council
		if disabled {
			audit.Action = domain.AuditUserDisabled
		}
		return db.appendAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// RecordSignIn notes a successful sign-in on the account and in the audit
// log.
func (db *DB) RecordSignIn(ctx context.Context, u *domain.User, audit domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *txx) error {
		now := db.now().UTC().Format(time.RFC3339)
		if _, err := tx.ExecContext(ctx, "UPDATE users SET last_sign_in = ? WHERE id = ?", now, u.ID); err != nil {
			return err
		}
		audit.Action, audit.Actor, audit.Subject, audit.Council = domain.AuditSignIn, u.Email, u.Email, u.Council
		return db.appendAudit(ctx, tx, audit)
	})
}

// SetPasswordHash replaces a user's password hash (for example when
// hashing parameters are raised).
func (db *DB) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	return db.inTx(ctx, func(tx *txx) error {
		_, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, id)
		return err
	})
}

// SetPassword replaces a user's password hash and says whether they must
// change it at their next sign-in, with one audit line: audit.Action is
// AuditPasswordChanged when people change their own, AuditPasswordReset
// when an administrator sets one.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string, mustChange bool, audit domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *txx) error {
		var u domain.User
		err := tx.GetContext(ctx, &u, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "There is no such account")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?", hash, mustChange, id); err != nil {
			return err
		}
		audit.Subject, audit.Council = u.Email, u.Council
		return db.appendAudit(ctx, tx, audit)
	})
}

// SetUserScope changes a user's role and council, with one audit line
// saying what changed. The council must be current for a data lead or
// DCS; other roles have none.
func (db *DB) SetUserScope(ctx context.Context, id int64, role domain.Role, council int, audit domain.AuditEntry) (*domain.User, error) {
	var u domain.User
	err := db.inTx(ctx, func(tx *txx) error {
		err := tx.GetContext(ctx, &u, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "There is no such account")
		} else if err != nil {
			return err
		}
		before := u
		u.Role, u.Council = role, council
		if err := u.Validate(); err != nil {
			return err
		}
		if u.Council != 0 {
			var current bool
			err := tx.GetContext(ctx, &current, "SELECT current FROM councils WHERE la_number = ?", u.Council)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !current {
				return domain.Errorf(domain.EINVALID, "There is no current council with DfE number %d", u.Council)
			} else if err != nil {
				return err
			}
		}
		if before.Role == u.Role && before.Council == u.Council {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, council = ? WHERE id = ?", u.Role, u.Council, id); err != nil {
			return err
		}
		audit.Action, audit.Subject, audit.Council = domain.AuditUserChanged, u.Email, u.Council
		audit.Detail = "role " + scopeText(before) + " → " + scopeText(u)
		return db.appendAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// scopeText writes a role and council for the audit log: "dcs, council 202".
func scopeText(u domain.User) string {
	if u.Council == 0 {
		return string(u.Role)
	}
	return string(u.Role) + ", council " + strconv.Itoa(u.Council)
}

// SessionDB is the database/sql handle the session store writes to.
func (db *DB) SessionDB() *sql.DB { return db.w.DB.DB }

// SessionReadDB is the handle session look-ups read from: the reader pool,
// so that reading a session never waits behind a write's fsync.
func (db *DB) SessionReadDB() *sql.DB { return db.r.DB.DB }
