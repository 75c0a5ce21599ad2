//go:build tools

// Package etcd only names the command the test bed builds, so that `go mod tidy` records every
// module it needs in go.sum.
package etcd

import _ "go.etcd.io/etcd/server/v3"
