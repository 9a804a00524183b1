package web

// withQuery joins a path and an encoded query string into one address for
// a link. Templates must write a link with a query as one value:
// html/template escapes a value placed after a literal "?" as a single
// query component, so href="/pressure.csv?{{.Query}}" would send
// "month%3d…%26region%3d…" and every filter would be lost.
func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}
