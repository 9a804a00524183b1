package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

type homePage struct {
	// Role and Own pick the shortcuts at the top: a scoped user's own
	// council, the LGA officer's overview, the administrator's pages.
	Role        string
	Own         councilLink
	Query       string
	Count       int
	Shown       int
	LatestMonth string
	Regions     []regionView
}

type regionView struct {
	Name     string
	Councils []councilLink
}

type councilLink struct {
	Number int
	Name   string
	Search string
}

// home lists the current councils by region; ?q= filters them on the
// server so the search works without JavaScript too.
func (s *Server) home(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	councils := d.ByRegion()
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	page := homePage{Query: q, Count: len(councils)}
	if u := currentUser(c); u != nil {
		page.Role = string(u.Role)
		for _, co := range councils {
			if u.Role.Scoped() && co.Number == u.Council {
				page.Own = councilLink{Number: co.Number, Name: co.Name}
			}
		}
	}
	if !d.Last.IsZero() {
		page.LatestMonth = d.Last.Start().Format("January 2006")
	}
	needle := strings.ToLower(q)
	for _, co := range councils {
		key := strings.ToLower(co.Name + " " + strconv.Itoa(co.Number) + " " + co.ONSCode)
		if needle != "" && !strings.Contains(key, needle) {
			continue
		}
		page.Shown++
		if n := len(page.Regions); n == 0 || page.Regions[n-1].Name != co.RegionName {
			page.Regions = append(page.Regions, regionView{Name: co.RegionName})
		}
		r := &page.Regions[len(page.Regions)-1]
		r.Councils = append(r.Councils, councilLink{Number: co.Number, Name: co.Name, Search: key})
	}
	s.render(c, http.StatusOK, "home", pageData{Title: "Councils", Scripts: []string{"js/search.js"}, Body: page})
}
