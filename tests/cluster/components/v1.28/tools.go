//go:build tools

// Package components only names the Kubernetes command the version matrix builds, so
// that `go mod tidy` records every module it needs in go.sum.
package components

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
