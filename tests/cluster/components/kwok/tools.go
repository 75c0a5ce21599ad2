//go:build tools

// Package kwok only names the command the test bed builds, so that `go mod tidy` records every
// module it needs in go.sum.
package kwok

import _ "sigs.k8s.io/kwok/cmd/kwok"
