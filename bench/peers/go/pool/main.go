// Command pool is the Go peer of bench/pool.c: the pool workloads written
// with goroutines and sync.WaitGroup, with the same names, flags and
// --tsv output, so scripts/bench-peers.sh can set the two side by side.
//
//	pool [-n TASKS] [-r REPS] [-c CUTOFF] [--tsv]
//
//	spawn_wait            spawn TASKS empty goroutines, wait for all (ns/task)
//	fib32_seq             fib(32), plain recursion on one goroutine (ms)
//	fib32                 fib(32) by fork-join, sequential below CUTOFF (ms)
//	parallel_for_1t/2t    a CPU-bound kernel over 65536 indices at
//	                      GOMAXPROCS 1 and 2, in 32 chunks per thread (ms)
//	parallel_for_speedup  1t / 2t (x): 1 and 2 threads take turns, and this
//	                      is the median of the turns' ratios
//
// spawn_wait and fib32 run with the GOMAXPROCS of the environment
// (bench-peers.sh sets 2).  Each figure is the median of REPS runs.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

const (
	forN     = 1 << 16
	forIters = 256
	fibN     = 32
	fib32    = 2178309
)

var cutoff = 10

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func spawnWait(n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
	}
	wg.Wait()
	return time.Since(start)
}

func fibSeq(n int) int {
	if n < 2 {
		return n
	}
	return fibSeq(n-1) + fibSeq(n-2)
}

// Spawn one half, compute the other here, wait: the usual fork-join.
func fib(n int) int {
	if n < cutoff {
		return fibSeq(n)
	}
	var wg sync.WaitGroup
	var x int
	wg.Add(1)
	go func() {
		x = fib(n - 1)
		wg.Done()
	}()
	y := fib(n - 2)
	wg.Wait()
	return x + y
}

func checkFib(r int) {
	if r != fib32 {
		fmt.Fprintf(os.Stderr, "pool: fib(%d) = %d, not %d\n", fibN, r, fib32)
		os.Exit(1)
	}
}

func mix(x uint64) uint64 {
	for k := 0; k < forIters; k++ {
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 29
	}
	return x
}

// One goroutine per chunk, as many chunks as bench/pool.c's automatic grain.
func parallelFor(out []uint64, threads int) time.Duration {
	start := time.Now()
	grain := forN / (threads * 32)
	if grain == 0 {
		grain = 1
	}
	var wg sync.WaitGroup
	for b := 0; b < forN; b += grain {
		e := b + grain
		if e > forN {
			e = forN
		}
		wg.Add(1)
		go func(b, e int) {
			for i := b; i < e; i++ {
				out[i] = mix(uint64(i + 1))
			}
			wg.Done()
		}(b, e)
	}
	wg.Wait()
	return time.Since(start)
}

func checksum(out []uint64) uint64 {
	var s uint64
	for _, v := range out {
		s += v
	}
	return s
}

type row struct {
	name  string
	value float64
	unit  string
}

func main() {
	n := flag.Int("n", 1000000, "tasks for spawn_wait")
	reps := flag.Int("r", 5, "runs per figure (the median is reported)")
	c := flag.Int("c", 10, "fib: sequential below this n")
	tsv := flag.Bool("tsv", false, "print NAME<TAB>VALUE<TAB>UNIT lines")
	flag.Parse()
	if *n <= 0 || *reps <= 0 || *c <= 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	cutoff = *c
	v := make([]float64, *reps)
	var rows []row

	for r := range v {
		v[r] = float64(spawnWait(*n).Nanoseconds()) / float64(*n)
	}
	rows = append(rows, row{"spawn_wait", median(v), "ns/task"})
	for r := range v {
		start := time.Now()
		checkFib(fibSeq(fibN))
		v[r] = ms(time.Since(start))
	}
	rows = append(rows, row{"fib32_seq", median(v), "ms"})
	for r := range v {
		start := time.Now()
		checkFib(fib(fibN))
		v[r] = ms(time.Since(start))
	}
	rows = append(rows, row{"fib32", median(v), "ms"})

	// 1 and 2 threads take turns, so both see the same machine, and the
	// speed-up is the median of each turn's ratio.
	procs := runtime.GOMAXPROCS(0)
	out := make([]uint64, forN)
	v2 := make([]float64, *reps)
	ratio := make([]float64, *reps)
	var sums [2]uint64
	for r := range v {
		for t := 1; t <= 2; t++ {
			runtime.GOMAXPROCS(t)
			for i := range out {
				out[i] = 0
			}
			d := ms(parallelFor(out, t))
			if t == 1 {
				v[r] = d
			} else {
				v2[r] = d
			}
			sums[t-1] = checksum(out)
		}
		ratio[r] = v[r] / v2[r]
		if sums[0] != sums[1] {
			fmt.Fprintln(os.Stderr, "pool: parallel_for results differ between 1 and 2 threads")
			os.Exit(1)
		}
	}
	runtime.GOMAXPROCS(procs)
	rows = append(rows, row{"parallel_for_1t", median(v), "ms"},
		row{"parallel_for_2t", median(v2), "ms"},
		row{"parallel_for_speedup", median(ratio), "x"})

	if *tsv {
		for _, r := range rows {
			fmt.Printf("%s\t%.3f\t%s\n", r.name, r.value, r.unit)
		}
		return
	}
	fmt.Printf("go pool: GOMAXPROCS %d, %d tasks, fib cutoff %d, median of %d runs\n", procs, *n, cutoff, *reps)
	for _, r := range rows {
		fmt.Printf("  %-22s %10.3f %s\n", r.name, r.value, r.unit)
	}
}
