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
// plugin binary) and keeps each one's VmHWM, the kernel's high-water mark of its resident set, and its
// CPU time. Both only grow, so the last reading before the process exits is its total, missing at most
// what it does in its last poll interval (20 ms) on the way out.
type providerWatch struct {
	cli  int
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak map[int]int64
	cpu  map[int]time.Duration
}

func watchProviders(cliPid int) *providerWatch {
	w := &providerWatch{cli: cliPid, done: make(chan struct{}), peak: map[int]int64{}, cpu: map[int]time.Duration{}}
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

// stop ends the watch and returns the highest peak of any provider process, how many there were and the
// CPU time they used together.
func (w *providerWatch) stop() (peakKB int64, processes int, cpu time.Duration) {
	close(w.done)
	w.wg.Wait()
	for _, kb := range w.peak {
		peakKB = max(peakKB, kb)
	}
	for _, d := range w.cpu {
		cpu += d
	}
	return peakKB, len(w.peak), cpu
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
			kb := vmHWM(pid)
			if kb == 0 {
				continue // gone since its comm was read: not a provider process to count
			}
			cpu := cpuTime(pid)
			w.mu.Lock()
			w.peak[pid] = max(w.peak[pid], kb)
			w.cpu[pid] = max(w.cpu[pid], cpu)
			w.mu.Unlock()
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

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime reads the user and system CPU time of a process, 0 if it is gone.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces; utime and stime are fields 14
	// and 15, the 12th and 13th after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}
