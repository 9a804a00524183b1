package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// receiveUpload streams the "file" part of a multipart upload to a
// temporary file, refusing anything over the size limit with 413 before
// any parsing (SECURITY U1). The caller must remove the file. The other
// form fields come back in values.
func (s *Server) receiveUpload(c *gin.Context) (path, name string, values map[string]string, err error) {
	limit := s.limits.MaxFileBytes
	if c.Request.ContentLength > limit+64<<10 {
		return "", "", nil, tooLarge(limit)
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+64<<10)
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		return "", "", nil, domain.Errorf(domain.EINVALID, "Send the file as a form upload (multipart/form-data) in a field named \"file\".")
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", "", nil, domain.Errorf(domain.EINVALID, "The upload could not be read. Choose the file and try again.")
	}
	values = map[string]string{}
	defer func() {
		if err != nil && path != "" {
			os.Remove(path)
			path = ""
		}
	}()
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return path, "", nil, uploadReadError(perr, limit)
		}
		if part.FormName() != "file" {
			b, rerr := io.ReadAll(io.LimitReader(part, 256<<10))
			if rerr != nil {
				return path, "", nil, uploadReadError(rerr, limit)
			}
			values[part.FormName()] = string(b)
			continue
		}
		if path != "" {
			return path, "", nil, domain.Errorf(domain.EINVALID, "Upload one file at a time.")
		}
		name = cleanFileName(part.FileName())
		f, cerr := os.CreateTemp("", uploadPattern())
		if cerr != nil {
			return "", "", nil, cerr
		}
		path = f.Name()
		n, cerr := io.Copy(f, io.LimitReader(part, limit+1))
		if closeErr := f.Close(); cerr == nil {
			cerr = closeErr
		}
		if cerr != nil {
			return path, "", nil, uploadReadError(cerr, limit)
		}
		if n > limit {
			return path, "", nil, tooLarge(limit)
		}
		if n == 0 {
			return path, "", nil, domain.Errorf(domain.EINVALID, "The selected file is empty. Choose the completed return and upload it again.")
		}
	}
	if path == "" {
		return "", "", nil, domain.Errorf(domain.EINVALID, "Select a file to upload.")
	}
	return path, name, values, nil
}

func uploadReadError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	return domain.Errorf(domain.EINVALID, "The upload was interrupted or damaged. Try again.")
}

func tooLarge(limit int64) error {
	return domain.Errorf(domain.ETOOLARGE, "The file is larger than %d MB. Returns are usually much smaller: check it is the right file.", limit>>20)
}

// cleanFileName keeps only the base name of what the browser sent, without
// control characters or path separators, for display and the history
// (SECURITY U9: the name never reaches the file system).
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "" {
		name = "upload"
	}
	if len(name) > 120 {
		name = name[:120]
	}
	return name
}

func removeFile(path string) { _ = os.Remove(path) }
