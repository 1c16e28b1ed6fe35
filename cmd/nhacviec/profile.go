package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles is a benchmark knob: with NHACVIEC_CPUPROFILE=FILE the
// process writes a CPU profile to FILE, and with NHACVIEC_MEMPROFILE=FILE
// an allocation profile ("go tool pprof -sample_index=alloc_space"), both
// when it exits normally (SIGTERM, Ctrl-C). The load tool
// (cmd/nhacviec-load) sets them; see BENCHMARKS.md.
func startProfiles() (stop func()) {
	cpu := os.Getenv("NHACVIEC_CPUPROFILE")
	mem := os.Getenv("NHACVIEC_MEMPROFILE")
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "nhacviec: NHACVIEC_CPUPROFILE:", err)
		} else {
			cpuFile = f
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err == nil {
				runtime.GC()
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "nhacviec: NHACVIEC_MEMPROFILE:", err)
			}
		}
	}
}
