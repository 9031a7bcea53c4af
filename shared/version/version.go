// Package version holds the suite's build version, set at link time by the Makefile:
//
//	go build -ldflags "-X github.com/soccrates-cortex/soccrates/shared/version.Version=v1.2.3"
//
// Each worker also has its own version, the one in its Cortex manifest; --version prints both.
package version

// Version is the suite's build version; "dev" when built without the Makefile.
var Version = "dev"
