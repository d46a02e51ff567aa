package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerComm is the kernel's (15-byte) command name of terraform-provider-zerotrust_v<version>.
const providerComm = "terraform-provi"

// providerWatch polls the provider processes the CLI starts (its direct children: go-plugin runs the
// plugin binary) and keeps each one's VmHWM, the kernel's high-water mark of its resident set. A
// high-water mark only grows, so the last reading before the process exits is its peak, missing at most
// what it allocates in its last poll interval (20 ms) on the way out.
type providerWatch struct {
	cli  int
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak map[int]int64
}

func watchProviders(cliPid int) *providerWatch {
	w := &providerWatch{cli: cliPid, done: make(chan struct{}), peak: map[int]int64{}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			w.poll()
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the watch and returns the highest peak of any provider process and how many there were.
func (w *providerWatch) stop() (peakKB int64, processes int) {
	close(w.done)
	w.wg.Wait()
	for _, kb := range w.peak {
		peakKB = max(peakKB, kb)
	}
	return peakKB, len(w.peak)
}

func (w *providerWatch) poll() {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(w.cli) + "/task/*/children")
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread or the CLI ended
		}
		for _, field := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			comm, err := os.ReadFile("/proc/" + field + "/comm")
			if err != nil || strings.TrimSpace(string(comm)) != providerComm {
				continue
			}
			if kb := vmHWM(pid); kb > 0 {
				w.mu.Lock()
				w.peak[pid] = max(w.peak[pid], kb)
				w.mu.Unlock()
			}
		}
	}
}

// vmHWM reads the peak resident set size of a process in KiB, 0 if it is gone.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
