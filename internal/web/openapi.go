package web

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument is the OpenAPI 3 description of /api/v1, written by
// hand beside the handlers it describes. Tests check that it is valid,
// that it lists exactly the /api/v1 routes the server registers, and that
// every documented GET answers with the fields it promises.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiOpenAPI serves the OpenAPI document. It holds no data, so anyone may
// read it, and analysts' tools can load it before signing in.
func (s *Server) apiOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
}
