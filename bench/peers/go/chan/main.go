// Command chan is the Go peer of bench/chan.c: channel throughput in the
// shapes of crossbeam-channel's suite, with the same shape names, flags and
// output, so scripts/bench-peers.sh can set the two side by side.
//
//	chan [-n MESSAGES] [-r REPS] [--tsv] [--tasks] [SHAPE-PATTERN...]
//
// --tasks only renames the shapes task_<shape>: goroutines already are what
// the C program's --tasks runs (lightweight tasks at both ends), so its
// task_ rows have a Go row to stand beside.
//
// Each shape moves n 8-byte integers through one channel (four for the
// select shapes) and reports wall time per message, from making the channels
// to the last goroutine finishing.  Go has no unbounded channel, so the
// unbounded_* shapes use a buffer of n, as crossbeam's own Go peer does:
// they measure the same thing as boundedN_*.  Receivers add up what they get
// and the run is checked against what was sent.
package main

import (
	"flag"
	"fmt"
	"os"
	"path"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const threads = 4 // producers, consumers and select channels

type msg = uint64 // crossbeam sends a usize

// run is one run of one shape, shared by all its goroutines.
type run struct {
	ch       []chan msg
	sum      uint64 // atomic: what the receivers got
	received uint64 // atomic
}

// worker is the part one goroutine (or the main one) plays: idx picks its
// channel in select_rx, count is how many messages it sends or receives.
type worker func(r *run, idx int, count int)

// Senders send 1..count, so the values received add up to a known sum.
func sendOne(r *run, idx, count int) {
	c := r.ch[idx%len(r.ch)]
	for v := msg(1); v <= msg(count); v++ {
		c <- v
	}
}

// sendAny and recvAny select over the four channels of the select shapes,
// written out as crossbeam's Go peer writes them.
func sendAny(r *run, _ int, count int) {
	c0, c1, c2, c3 := r.ch[0], r.ch[1], r.ch[2], r.ch[3]
	for v := msg(1); v <= msg(count); v++ {
		select {
		case c0 <- v:
		case c1 <- v:
		case c2 <- v:
		case c3 <- v:
		}
	}
}

func tally(r *run, sum uint64, count int) {
	atomic.AddUint64(&r.sum, sum)
	atomic.AddUint64(&r.received, uint64(count))
}

func recvOne(r *run, _ int, count int) {
	c := r.ch[0]
	var sum uint64
	for i := 0; i < count; i++ {
		sum += <-c
	}
	tally(r, sum, count)
}

func recvAny(r *run, _ int, count int) {
	c0, c1, c2, c3 := r.ch[0], r.ch[1], r.ch[2], r.ch[3]
	var sum uint64
	for i := 0; i < count; i++ {
		select {
		case v := <-c0:
			sum += v
		case v := <-c1:
			sum += v
		case v := <-c2:
			sum += v
		case v := <-c3:
			sum += v
		}
	}
	tally(r, sum, count)
}

// shape: how many channels, sending and receiving goroutines, and what each
// does.  0 receivers: the main goroutine receives all n; 0 senders: it sends
// all n first and then receives them (seq).
type shape struct {
	name      string
	nch       int
	senders   int
	send      worker
	receivers int
	recv      worker
}

var shapes = []shape{
	{"seq", 1, 0, sendOne, 0, recvOne},
	{"spsc", 1, 1, sendOne, 0, recvOne},
	{"mpsc", 1, threads, sendOne, 0, recvOne},
	{"mpmc", 1, threads, sendOne, threads, recvOne},
	{"select_rx", threads, threads, sendOne, 0, recvAny},
	{"select_both", threads, threads, sendAny, threads, recvAny},
}

const (
	capN         = -2 // as many as there are messages
	capUnbounded = -1 // Go has none: a buffer of n stands in
)

type capacity struct {
	prefix string
	cap    int
}

var capacities = []capacity{
	{"bounded0", 0},
	{"bounded1", 1},
	{"boundedN", capN},
	{"unbounded", capUnbounded},
}

// seq needs room for all n messages: only boundedN and unbounded have it.
func exists(s shape, c capacity) bool { return s.senders > 0 || c.cap < 0 }

// share is goroutine t's part of n split among k.
func share(n, k, t int) int {
	if t < n%k {
		return n/k + 1
	}
	return n / k
}

func spawn(r *run, wg *sync.WaitGroup, k int, fn worker, n int) {
	for t := 0; t < k; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			fn(r, t, share(n, k, t))
		}(t)
	}
}

func expectedSum(s shape, n int) uint64 {
	k := s.senders
	if k == 0 {
		k = 1
	}
	var sum uint64
	for t := 0; t < k; t++ {
		c := uint64(share(n, k, t))
		sum += c * (c + 1) / 2
	}
	return sum
}

// runOnce runs one shape once and returns nanoseconds per message.
func runOnce(name string, s shape, c capacity, n int) float64 {
	size := c.cap
	if size < 0 {
		size = n
	}
	start := time.Now()
	r := &run{ch: make([]chan msg, s.nch)}
	for k := range r.ch {
		r.ch[k] = make(chan msg, size)
	}
	var wg sync.WaitGroup
	if s.senders == 0 {
		s.send(r, 0, n)
	}
	spawn(r, &wg, s.senders, s.send, n)
	spawn(r, &wg, s.receivers, s.recv, n)
	if s.receivers == 0 {
		s.recv(r, 0, n)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if r.received != uint64(n) || r.sum != expectedSum(s, n) {
		fmt.Fprintf(os.Stderr, "chan: %s: received %d values adding up to %d, sent %d adding up to %d\n",
			name, r.received, r.sum, n, expectedSum(s, n))
		os.Exit(1)
	}
	return float64(elapsed.Nanoseconds()) / float64(n)
}

type options struct {
	n, reps  int
	tsv      bool
	tasks    bool
	patterns []string
}

func benchShape(o *options, name string, s shape, c capacity) {
	t := make([]float64, o.reps)
	for i := range t {
		t[i] = runOnce(name, s, c, o.n)
	}
	sort.Float64s(t)
	med := t[o.reps/2]
	if o.reps%2 == 0 {
		med = (t[o.reps/2-1] + t[o.reps/2]) / 2
	}
	if o.tsv {
		fmt.Printf("%s\t%.1f\n", name, med)
	} else {
		fmt.Printf("%-24s %10.1f %10.1f %10.1f\n", name, med, t[0], t[o.reps-1])
	}
}

// eachShape calls visit (when not nil) on every selected shape in table
// order; it reports false after a message when a pattern matches none.
func eachShape(o *options, visit func(o *options, name string, s shape, c capacity)) bool {
	used := make([]bool, len(o.patterns))
	for _, c := range capacities {
		for _, s := range shapes {
			name := c.prefix + "_" + s.name
			if o.tasks {
				name = "task_" + name
			}
			if !exists(s, c) {
				continue
			}
			hit := len(o.patterns) == 0
			for i, p := range o.patterns {
				if ok, _ := path.Match(p, name); ok {
					hit, used[i] = true, true
				}
			}
			if hit && visit != nil {
				visit(o, name, s, c)
			}
		}
	}
	ok := true
	for i, u := range used {
		if !u {
			fmt.Fprintf(os.Stderr, "chan: no shape matches '%s'\n", o.patterns[i])
			ok = false
		}
	}
	return ok
}

func usage() {
	fmt.Fprint(flag.CommandLine.Output(), `usage: chan [-n MESSAGES] [-r REPS] [--tsv] [--tasks] [SHAPE-PATTERN...]
  -n MESSAGES  messages per run (default 1000000)
  -r REPS      runs per shape, the median is reported (default 3, at most 64)
  --tsv        print SHAPE<TAB>NS_PER_MSG lines only
  --tasks      name the shapes task_<shape> (to stand beside bench/chan --tasks)
  SHAPE-PATTERN  run only the shapes matching these glob patterns
shapes: {bounded0,bounded1,boundedN,unbounded}_{seq,spsc,mpsc,mpmc,select_rx,select_both}
`)
}

func main() {
	o := &options{}
	flag.Usage = usage
	flag.IntVar(&o.n, "n", 1000000, "messages per run")
	flag.IntVar(&o.reps, "r", 3, "runs per shape")
	flag.BoolVar(&o.tsv, "tsv", false, "tab-separated output")
	flag.BoolVar(&o.tasks, "tasks", false, "name the shapes task_<shape>")
	// Flags may come after shape patterns, as the C program allows.
	args := os.Args[1:]
	for {
		flag.CommandLine.Parse(args) // exits on a bad flag
		if flag.NArg() == 0 {
			break
		}
		o.patterns = append(o.patterns, flag.Arg(0))
		args = flag.Args()[1:]
	}
	if o.n < 1 || o.reps < 1 || o.reps > 64 {
		fmt.Fprintf(os.Stderr, "chan: -n wants at least 1 and -r 1 to 64, got -n %d -r %d\n", o.n, o.reps)
		os.Exit(2)
	}
	if !eachShape(o, nil) {
		usage()
		os.Exit(2)
	}
	if !o.tsv {
		fmt.Printf("%-24s %10s %10s %10s   (n=%d, median of %d)\n", "shape", "ns/msg", "min", "max", o.n, o.reps)
	}
	eachShape(o, benchShape)
}
