package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"golang.org/x/term"
)

const usersUsage = `Usage:
  resilience users add --email EMAIL --role uploader|dcs|lga|admin [--council 202] [--password-stdin]
  resilience users reset-password --email EMAIL [--password-stdin]
  resilience users disable --email EMAIL
  resilience users enable --email EMAIL
  resilience users list

The password is asked for at the terminal, or read from standard input with
--password-stdin. Works while the server runs. Someone given a password
this way must choose their own when they first sign in; only the first
account of a new database (the administrator running the command, who
chose their own password) is spared that.
`

// runUsers manages accounts from the command line; every change is written
// to the audit log with the command line as the actor.
func runUsers(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usersUsage)
		return errors.New("users: say add, reset-password, disable, enable or list")
	}
	sub, args := args[0], args[1:]
	fl := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	email := fl.String("email", "", "the person's email address")
	role := fl.String("role", "", "uploader, dcs, lga or admin")
	council := fl.Int("council", 0, "DfE number of the council, for uploader and dcs")
	passwordStdin := fl.Bool("password-stdin", false, "read the password from standard input")
	cfg, err := config.Parse(config.Users, fl, args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	actor := "command line: resilience users " + sub
	switch sub {
	case "add":
		svc := accounts.Service{DB: db}
		account := accounts.Account{Email: *email, Role: *role, Council: *council, How: "added from the command line"}
		// The account is checked before the password is asked for.
		problems, err := svc.Check(ctx, account)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			msgs := make([]string, len(problems))
			for i, p := range problems {
				msgs[i] = p.Message
			}
			return domain.Errorf(domain.EINVALID, "%s", strings.Join(msgs, "; "))
		}
		if account.Password, err = readPassword(stdin, stderr, *passwordStdin); err != nil {
			return err
		}
		// The first account is the operator's own: they chose its
		// password. Anyone else's was chosen for them.
		n, err := db.CountUsers(ctx)
		if err != nil {
			return err
		}
		account.MustChange = n > 0
		u, _, err := svc.Create(ctx, account, domain.AuditEntry{Actor: actor})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %s as %s%s.\n", u.Email, u.Role.Label(), councilSuffix(u.Council))
		if u.MustChangePassword {
			fmt.Fprintln(stdout, "They must choose their own password when they first sign in.")
		}
	case "reset-password":
		if *email == "" {
			return errors.New("users reset-password: give --email")
		}
		u, err := db.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		password, err := readPassword(stdin, stderr, *passwordStdin)
		if err != nil {
			return err
		}
		svc := accounts.Service{DB: db}
		if err := svc.SetPassword(ctx, u, password, domain.AuditEntry{Actor: actor}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Set a new password for %s; they must choose their own when they next sign in.\n", u.Email)
	case "disable", "enable":
		if *email == "" {
			return errors.New("users " + sub + ": give --email")
		}
		u, err := db.SetUserDisabled(ctx, *email, sub == "disable", domain.AuditEntry{Actor: actor})
		if err != nil {
			return err
		}
		if u.Disabled {
			fmt.Fprintf(stdout, "Disabled %s; their sessions end at their next request.\n", u.Email)
		} else {
			fmt.Fprintf(stdout, "Enabled %s.\n", u.Email)
		}
	case "list":
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tROLE\tCOUNCIL\tSTATUS\tLAST SIGN-IN")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			c := "-"
			if u.Council != 0 {
				c = fmt.Sprint(u.Council)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, c, status, orDash(u.LastSignIn))
		}
		return tw.Flush()
	default:
		fmt.Fprint(stderr, usersUsage)
		return fmt.Errorf("users: unknown subcommand %q", sub)
	}
	return nil
}

// readPassword reads the new password from standard input or, at a
// terminal, asks for it twice without echo.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("no terminal to ask for the password: use --password-stdin")
	}
	fmt.Fprint(stderr, "Password (12 characters or more): ")
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, "Same password again: ")
	p2, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	if string(p1) != string(p2) {
		return "", errors.New("the two passwords are different")
	}
	return string(p1), nil
}

func councilSuffix(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" for council %d", n)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
