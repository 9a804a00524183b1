package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

const templateUsage = `Usage: resilience template --council N --month YYYY-MM -o FILE

Writes the monthly return workbook for one council and month, as the
dashboard's download would. It needs no database.

  --council  the council's DfE LA number (202) or ONS code (E09000007)
  --month    the month of the return, YYYY-MM, from 2017-01 to the last
             complete month
  -o         the file to write; a folder to write the usual file name in
             it; or - for standard output
`

// runTemplate writes the monthly return template for one council and
// month from the embedded reference data.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("template", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, templateUsage) }
	councilArg := fl.String("council", "", "the council's DfE LA number or ONS code")
	monthArg := fl.String("month", "", "the month of the return, YYYY-MM")
	out := fl.String("o", "", "the file or folder to write to, or - for standard output")
	if _, err := config.Parse(config.Template, fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return fmt.Errorf("template: unexpected argument %q", fl.Arg(0))
	}
	if strings.TrimSpace(*councilArg) == "" || strings.TrimSpace(*monthArg) == "" || *out == "" {
		fl.Usage()
		return errors.New("template: --council, --month and -o are all needed")
	}

	ref, err := reference.Load(data.Reference)
	if err != nil {
		return fmt.Errorf("template: reading the reference data: %w", err)
	}
	council, err := templateCouncil(ref, *councilArg)
	if err != nil {
		return err
	}
	month, err := templateMonth(council, ref.Councils, *monthArg, time.Now())
	if err != nil {
		return err
	}
	what := fmt.Sprintf("the %s return template for %s (%d, template version %s)", month.Start().Format("January 2006"), council.Name, council.Number, returns.TemplateVersion)

	if *out == "-" {
		if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return errors.New("template: standard output is a terminal; redirect it to a file or use -o FILE")
		}
		if err := returns.WriteTemplate(stdout, council, month, ref.Indicators); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Wrote %s to standard output.\n", what)
		return nil
	}

	path := *out
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, returns.TemplateFileName(council, month))
	}
	if err := writeTemplateFile(ctx, path, func(w io.Writer) error {
		return returns.WriteTemplate(w, council, month, ref.Indicators)
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s to %s.\n", what, path)
	return nil
}

// templateCouncil finds a council, current or former, by DfE LA number
// or ONS code; templateMonth checks it existed in the month.
func templateCouncil(ref *reference.Data, arg string) (domain.Council, error) {
	arg = strings.TrimSpace(arg)
	var (
		c  domain.Council
		ok bool
	)
	if n, err := strconv.Atoi(arg); err == nil {
		c, ok = ref.CouncilByNumber(n)
	} else {
		c, ok = ref.CouncilByCode(arg)
	}
	if !ok {
		return c, fmt.Errorf("template: no council has the DfE LA number or ONS code %q", arg)
	}
	return c, nil
}

// templateMonth reads the month of a return: one of the months a return
// for the council may cover at now (domain.ReturnMonths).
func templateMonth(c domain.Council, all []domain.Council, arg string, now time.Time) (domain.Month, error) {
	m, err := domain.ParseMonth(arg)
	if err != nil {
		return m, fmt.Errorf("template: --month: %s", domain.ErrorMessage(err))
	}
	if err := domain.CheckReturnMonth(c, m, now, all); err != nil {
		return m, fmt.Errorf("template: %s", strings.TrimSuffix(domain.ErrorMessage(err), "."))
	}
	return m, nil
}

// writeTemplateFile writes a file through a temporary file in the same
// folder, renamed into place only once it is complete, so no reader ever
// sees half a file and a failure leaves nothing behind.
func writeTemplateFile(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary name would only confuse
		}
		return fmt.Errorf("template: cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	// CreateTemp makes the file readable by its owner only; a template
	// holds nothing private.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}
