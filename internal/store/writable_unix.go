//go:build unix

package store

import "syscall"

// canWrite asks whether this process may write the file at path, without
// opening it: the answer covers file permissions, an immutable file and a
// read-only file system, for root too.
func canWrite(path string) error {
	const wOK = 2 // W_OK
	return syscall.Access(path, wOK)
}
