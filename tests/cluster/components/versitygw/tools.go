//go:build tools

// Package versitygw only names the command the test bed builds, so that `go mod tidy` records every
// module it needs in go.sum.
package versitygw

import _ "github.com/versity/versitygw/cmd/versitygw"
