package dashboard_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/dashboard"
)

// The dashboard goes in front of the fake's handler: the page at /, the API and the controls
// behind it as before.
func Example() {
	f, err := fake.New()
	if err != nil {
		log.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	d, err := dashboard.New(f, h)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(d) // open srv.URL in a browser and sign in with fake.DemoToken
	defer srv.Close()
	defer d.Close() // ends the page's event streams first, so that srv.Close does not wait for them

	res, err := http.Get(srv.URL + "/")
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.StatusCode, strings.Contains(string(page), "<title>circleci-fake dashboard</title>"))
	// Output:
	// 200 true
}
