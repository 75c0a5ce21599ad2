// Command pause is the test bed's sandbox ("pause") process.
//
// It is PID 1 of every pod sandbox the local test bed creates: it holds the
// pod's namespaces open, sleeps until it is told to stop, exits 0 on SIGINT
// or SIGTERM, and reaps any zombie that gets reparented to it (SIGCHLD).
// Standard library only; built static with CGO_ENABLED=0 by ../build.sh.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is printed for -v; build.sh does not override it.
const version = "kubedebug-testbed-pause/1"

func reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
	}
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "-v" || os.Args[1] == "--version") {
		fmt.Println(version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "pause: warning: not running as PID 1")
	}

	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range sigs {
		switch sig {
		case syscall.SIGCHLD:
			reap()
		default:
			fmt.Fprintf(os.Stderr, "pause: shutting down, got signal %v\n", sig)
			os.Exit(0)
		}
	}
}
