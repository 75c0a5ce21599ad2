//go:build tools

// Package components only names the Kubernetes commands the test bed builds, so
// that `go mod tidy` records every module they need in go.sum.
package components

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	// Generates pkg/generated/openapi, which this release does not ship in its module.
	_ "k8s.io/kube-openapi/cmd/openapi-gen"
)
