package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// runRefdata regenerates the project's reference files from DfE's and
// ONS's published ones; rebuild the binary afterwards to embed them.
func runRefdata(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("refdata", flag.ContinueOnError)
	fl.SetOutput(stderr)
	from := fl.String("from", "../shared/reference", "folder holding DfE's and ONS's published files")
	to := fl.String("to", "data/reference", "folder to write the project's reference files to")
	if _, err := config.Parse(config.Refdata, fl, args); err != nil {
		return err
	}
	if err := reference.Generate(*from, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Reference data written to %s from %s. Rebuild the binary to embed it.\n", *to, *from)
	return nil
}
