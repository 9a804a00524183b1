//go:build !unix

package store

import "os"

// canWrite, where there is no access(2), checks only that the file exists
// and is not marked read-only; the write probe does the rest.
func canWrite(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o200 == 0 {
		return os.ErrPermission
	}
	return nil
}
