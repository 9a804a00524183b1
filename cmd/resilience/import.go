package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// exitError carries a process exit code other than 1.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Exit codes of the import command.
const (
	exitStored   = 0
	exitErrors   = 1
	exitQueries  = 2
	importUsage  = "Usage: resilience import [--database FILE] [--explain-queries FILE.json] [--tolerance 0.25] [--reconcile-tolerance 0.05] [--min-change 10] [--min-change-points 2] [--noise-sds 3] [--max-upload-mb 25] FILE...\n"
	maxExplained = 2000
	// maxCommandLine caps the command line recorded as the submitter (a
	// shell glob can name thousands of files).
	maxCommandLine = 1000
)

// commandLine is what the import records as the submitter of each file:
// the command as it was given, arguments quoted where a shell would need
// them.
func commandLine(args []string) string {
	parts := []string{"command line: resilience import"}
	for _, a := range args {
		// A PostgreSQL address is recorded without its password.
		if i := strings.Index(a, "postgres"); i >= 0 && store.IsPostgresURL(a[i:]) {
			a = a[:i] + store.RedactURL(a[i:])
		}
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	line := strings.Join(parts, " ")
	if len(line) > maxCommandLine {
		line = line[:maxCommandLine-3] + "..."
	}
	return line
}

// runImport stores returns from files with administrator rights, as the
// web upload would: exit 0 when stored (or identical to what is held), 1
// on errors, 2 when queries wait for explanations.
func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	explainFile := fl.String("explain-queries", "", "JSON file of explanations: {\"QUERY KEY\": \"text\"}, keys as the report prints them")
	quiet := fl.Bool("quiet", false, "no progress bar")
	cfg, err := config.Parse(config.Import, fl, args)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if fl.NArg() == 0 {
		fmt.Fprint(stderr, importUsage)
		return errors.New("import: name at least one file")
	}
	explanations := map[string]string{}
	if *explainFile != "" {
		b, err := os.ReadFile(*explainFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &explanations); err != nil {
			return fmt.Errorf("%s: not a JSON object of explanations: %w", *explainFile, err)
		}
	}
	db, err := openDB(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := intake.New(db, cfg)
	interactive := *explainFile == "" && isTerminal(stdin)
	submitter := commandLine(args)
	worst := exitStored
	for _, path := range fl.Args() {
		code, err := importOne(ctx, svc, path, submitter, explanations, interactive, *quiet, stdin, stdout, stderr)
		if err != nil {
			return err
		}
		// Errors outrank queries: a file that cannot be stored at all is
		// the first thing to put right.
		if code == exitErrors || worst == exitStored {
			worst = code
		}
	}
	switch worst {
	case exitErrors:
		return &exitError{code: exitErrors, msg: "import: errors block at least one file; nothing from it was stored"}
	case exitQueries:
		return &exitError{code: exitQueries, msg: "import: queries need explanations (--explain-queries FILE)"}
	}
	return nil
}

func importOne(ctx context.Context, svc *intake.Service, path, submitter string, explanations map[string]string, interactive, quiet bool,
	stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	bar := newImportBar(stderr, quiet)
	req := intake.Request{Path: path, FileName: filepath.Base(path), Submitter: submitter,
		Source: "cli", Explanations: explanations, Progress: bar.update}
	res, err := svc.Submit(ctx, req)
	bar.finish()
	if err != nil && res == nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	printReport(stdout, path, res)
	if res.Status == domain.StatusAwaiting && interactive {
		answers := askExplanations(stdin, stderr, res.Messages)
		if res, err = svc.Explain(ctx, res.Submission.ID, answers, submitter, 0, ""); err != nil {
			return 0, err
		}
		printReport(stdout, path, res)
	}
	switch res.Status {
	case domain.StatusRejected:
		return exitErrors, nil
	case domain.StatusAwaiting:
		return exitQueries, nil
	}
	return exitStored, nil
}

// printReport writes what became of one file, every message with its
// cell, and each council's outcome.
func printReport(w io.Writer, path string, res *intake.Result) {
	sub := res.Submission
	fmt.Fprintf(w, "%s: %s", path, strings.ReplaceAll(res.Status, "_", " "))
	if sub != nil {
		fmt.Fprintf(w, " (upload %d, layout %s, %d values, months %s, sha256 %s)", sub.ID, orDash(sub.Layout), sub.RowCount, orDash(sub.Months), sub.SHA256)
	}
	fmt.Fprintln(w)
	if res.Status == domain.StatusUnchanged {
		if res.Existing != 0 {
			fmt.Fprintf(w, "  The file is identical to the current return (upload %d); nothing changed.\n", res.Existing)
		} else {
			fmt.Fprintln(w, "  Every figure in the file is identical to the one held; nothing changed.")
		}
	}
	bulk := sub != nil && sub.Layout != string(returns.LayoutTemplate)
	for _, m := range res.Messages {
		where := m.Cell
		if m.Sheet != "" {
			where = m.Sheet + "!" + m.Cell
		}
		fmt.Fprintf(w, "  %-5s %-5s %-12s %s\n", strings.ToUpper(m.Severity), m.Rule, where, m.Text)
		if bulk && m.Severity == domain.SeverityQuery && m.Council != 0 {
			fmt.Fprintf(w, "        council %d, %s, %s\n", m.Council, m.Indicator, m.Month)
		}
		if m.Severity == domain.SeverityQuery {
			if m.Explanation != "" {
				fmt.Fprintf(w, "        explained: %s\n", m.Explanation)
			} else {
				fmt.Fprintf(w, "        key for --explain-queries: %q\n", m.Key())
			}
		}
	}
	printChanges(w, res.Changes)
	if len(res.Councils) > 1 {
		fmt.Fprintln(w, "  Councils:")
		for _, c := range res.Councils {
			fmt.Fprintf(w, "    %d: %d values, %d months, %d errors, %d queries\n", c.Council, c.Rows, len(c.Months), c.Errors, c.Queries)
		}
	}
}

// askExplanations prompts for an explanation of each query at the terminal.
func askExplanations(stdin io.Reader, stderr io.Writer, ms []domain.Message) map[string]string {
	out := map[string]string{}
	rd := bufio.NewReader(stdin)
	for _, m := range ms {
		if m.Severity != domain.SeverityQuery || m.Explanation != "" {
			continue
		}
		fmt.Fprintf(stderr, "\n%s\nExplanation (blank to leave it): ", m.Text)
		line, err := rd.ReadString('\n')
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > maxExplained {
				line = line[:maxExplained]
			}
			out[m.Key()] = line
		}
		if err != nil {
			break
		}
	}
	return out
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// importBar draws the progress of one import on stderr.
type importBar struct {
	mu    sync.Mutex
	w     io.Writer
	bar   *progressbar.ProgressBar
	stage string
}

func newImportBar(w io.Writer, quiet bool) *importBar {
	if quiet {
		return &importBar{}
	}
	return &importBar{w: w, bar: progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetDescription("reading"))}
}

func (b *importBar) update(stage string, done, total int) {
	if b.bar == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if stage != b.stage {
		b.stage = stage
		b.bar.Describe(stage)
		if total > 0 {
			b.bar.ChangeMax(total)
		} else {
			b.bar.ChangeMax(-1)
		}
	}
	_ = b.bar.Set(done)
}

func (b *importBar) finish() {
	if b.bar == nil {
		return
	}
	_ = b.bar.Finish()
	fmt.Fprintln(b.w)
}
