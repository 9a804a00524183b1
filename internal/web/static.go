package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/assets"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// staticFiles serves the embedded static files from memory, each with a
// precomputed gzip copy. URLs carry a content hash (?v=…), so responses can
// be cached for a year and a new release is fetched at once.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body, gz    []byte
	contentType string
	version     string
}

func newStaticFiles() (*staticFiles, error) {
	sf := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(assets.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(assets.Static, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		f := staticFile{body: body, version: hex.EncodeToString(sum[:6]), contentType: mime.TypeByExtension(path.Ext(name))}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if len(body) > 1024 && !strings.HasSuffix(name, ".png") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			f.gz = buf.Bytes()
		}
		sf.files[name] = f
		return nil
	})
	return sf, err
}

// url returns the versioned address of a static file for templates.
func (sf *staticFiles) url(name string) string {
	if f, ok := sf.files[name]; ok {
		return "/static/" + name + "?v=" + f.version
	}
	return "/static/" + name
}

func (sf *staticFiles) serve(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("path"), "/")
	f, ok := sf.files[name]
	if !ok {
		failText(c, domain.Errorf(domain.ENOTFOUND, "not found"))
		return
	}
	h := c.Writer.Header()
	if c.Query("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	h.Set("ETag", `"`+f.version+`"`)
	h.Add("Vary", "Accept-Encoding")
	if c.GetHeader("If-None-Match") == `"`+f.version+`"` {
		c.Status(http.StatusNotModified)
		return
	}
	// A byte range is served from the plain file; the load benchmark asks
	// for a range the size of a page to compare like with like.
	if c.GetHeader("Range") != "" {
		h.Set("Content-Type", f.contentType)
		http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(f.body))
		return
	}
	if f.gz != nil && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		c.Data(http.StatusOK, f.contentType, f.gz)
		return
	}
	c.Data(http.StatusOK, f.contentType, f.body)
}
