package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// responseCache keeps rendered responses that depend only on stored data
// and on who is asking, compressed, so that a busy page is rendered once
// per data version rather than once per request (PERFORMANCE P3). Entries
// are keyed by the data version, so accepting a return invalidates them
// all; the least recently used go first when the cache is full.
type responseCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cachedResponse struct {
	key         string
	status      int
	contentType string
	gz          []byte
	headers     map[string]string
}

func newResponseCache(max int) *responseCache {
	return &responseCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (rc *responseCache) get(key string) (*cachedResponse, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.items[key]; ok {
		rc.ll.MoveToFront(el)
		return el.Value.(*cachedResponse), true
	}
	return nil, false
}

func (rc *responseCache) put(r *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.items[r.key]; ok {
		el.Value = r
		rc.ll.MoveToFront(el)
		return
	}
	rc.items[r.key] = rc.ll.PushFront(r)
	for rc.ll.Len() > rc.max {
		old := rc.ll.Back()
		rc.ll.Remove(old)
		delete(rc.items, old.Value.(*cachedResponse).key)
	}
}

// capture records what a handler writes, so it can be cached.
type capture struct {
	gin.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *capture) Write(b []byte) (int, error)       { return w.buf.Write(b) }
func (w *capture) WriteString(s string) (int, error) { return w.buf.WriteString(s) }
func (w *capture) WriteHeader(code int)              { w.status = code }
func (w *capture) WriteHeaderNow()                   {}
func (w *capture) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
func (w *capture) Written() bool { return w.buf.Len() > 0 || w.status != 0 }
func (w *capture) Size() int     { return w.buf.Len() }

// cached wraps a GET handler whose response depends only on the stored
// data, the request's path and query, and the signed-in user. Only 200
// responses are kept.
func (s *Server) cached(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := s.dataset(c.Request.Context())
		if err != nil {
			s.handleError(c, err)
			return
		}
		var user int64
		if u := currentUser(c); u != nil {
			user = u.ID
		}
		key := d.Version + "|" + strconv.FormatInt(user, 10) + "|" + c.GetHeader("Accept") + "|" + c.Request.URL.RequestURI()
		if r, ok := s.cache.get(key); ok {
			writeCached(c, r)
			return
		}
		orig := c.Writer
		cw := &capture{ResponseWriter: orig}
		c.Writer = cw
		h(c)
		c.Writer = orig
		r := &cachedResponse{key: key, status: cw.Status(), contentType: cw.Header().Get("Content-Type"), headers: map[string]string{}}
		for _, name := range []string{"Content-Disposition", "Cache-Control"} {
			if v := cw.Header().Get(name); v != "" {
				r.headers[name] = v
			}
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		_, _ = zw.Write(cw.buf.Bytes())
		_ = zw.Close()
		r.gz = gz.Bytes()
		if r.status == http.StatusOK {
			s.cache.put(r)
		}
		writeCached(c, r)
	}
}

// writeCached sends a cached response, compressed when the client accepts
// gzip.
func writeCached(c *gin.Context, r *cachedResponse) {
	h := c.Writer.Header()
	for k, v := range r.headers {
		h.Set(k, v)
	}
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		c.Data(r.status, r.contentType, r.gz)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.gz))
	if err != nil {
		c.Status(statusFor(domain.EINTERNAL))
		return
	}
	body, _ := io.ReadAll(zr)
	c.Data(r.status, r.contentType, body)
}
