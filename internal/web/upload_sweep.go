package web

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// uploadPrefix starts the name of every temporary file an upload is saved
// to; the process's ID follows, so that a later start can tell the files
// of a server that died (which nobody will remove) from those of a server
// still running beside it (SECURITY U9).
const uploadPrefix = "resilience-upload-"

// uploadPattern is os.CreateTemp's pattern for this process's uploads.
func uploadPattern() string { return uploadPrefix + "p" + strconv.Itoa(os.Getpid()) + "-*" }

// processStart is roughly when this process started: its own upload files
// are all younger.
var processStart = time.Now()

// staleUploadAge is the age past which any upload file is stale, whoever
// left it: an upload is read, checked and stored in minutes at most.
const staleUploadAge = 24 * time.Hour

// sweepUploads removes the upload files in dir that a server left behind
// when it stopped before it could remove them (a crash, a kill, a power
// cut): those of a process that no longer runs; those of this process's
// ID from before it started (a container restarts with the same ID); and
// any older than staleUploadAge. The files of a server still running are
// left alone. It reports how many it removed.
func sweepUploads(dir string, logger *slog.Logger) int {
	matches, err := filepath.Glob(filepath.Join(dir, uploadPrefix+"*"))
	if err != nil {
		return 0
	}
	removed := 0
	for _, path := range matches {
		info, err := os.Lstat(path)
		if err != nil || !info.Mode().IsRegular() || !staleUpload(filepath.Base(path), info.ModTime()) {
			continue
		}
		if err := os.Remove(path); err != nil {
			logger.Warn("remove a stale upload file", "file", path, "error", err)
			continue
		}
		removed++
	}
	if removed > 0 {
		logger.Info("removed upload files left by a server that stopped", "files", removed, "folder", dir)
	}
	return removed
}

// staleUpload decides one file by its name and modification time.
func staleUpload(name string, modified time.Time) bool {
	if time.Since(modified) > staleUploadAge {
		return true
	}
	rest, ok := strings.CutPrefix(name, uploadPrefix+"p")
	if !ok {
		// Named by an earlier version, without a process ID: only its
		// age can tell.
		return false
	}
	digits, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(digits)
	if !ok || err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return modified.Before(processStart)
	}
	return !processRuns(pid)
}

// processRuns reports whether a process with the ID runs; when it cannot
// tell, it says yes, so a file in doubt is kept.
func processRuns(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	err = p.Signal(syscall.Signal(0))
	return !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH)
}
