// Command task is the Go peer of bench/task.c: goroutines doing what the
// C program's lightweight tasks do, with the same names, flags and output,
// so scripts/bench-peers.sh can set the two side by side.
//
//	task [-n TASKS] [-c CONNS] [-m MESSAGES] [-r REPS] [--tsv] [NAME...]
//
//	spawn_wait  start TASKS (1,000,000) goroutines, each doing wg.Done, and
//	            wait for them (ns/task)
//	parked_rss  TASKS goroutines blocked on one channel: resident memory
//	            grown, divided by TASKS (bytes/task)
//	echo        a TCP echo server and CONNS (1,000) clients on loopback, in
//	            this process (net package): each client sends MESSAGES (100)
//	            64-byte messages one after the other and waits for each echo
//	            (requests/s)
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const msgSize = 64

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "task: "+format+"\n", args...)
	os.Exit(1)
}

func spawnWait(n int) float64 {
	var wg sync.WaitGroup
	var ran int64
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			atomic.AddInt64(&ran, 1)
			wg.Done()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ran != int64(n) {
		die("spawn_wait: a goroutine did not run")
	}
	return float64(elapsed.Nanoseconds()) / float64(n)
}

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		die("cannot read /proc/self/statm: %v", err)
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return resident * int64(os.Getpagesize())
}

func parkedRSS(n int) float64 {
	runtime.GC()
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var parked int64
	before := rssBytes()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			atomic.AddInt64(&parked, 1)
			<-gate
			wg.Done()
		}()
	}
	for atomic.LoadInt64(&parked) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the last ones finish parking
	perTask := float64(rssBytes()-before) / float64(n)
	close(gate)
	wg.Wait()
	return perTask
}

func serve(c net.Conn) {
	buf := make([]byte, msgSize)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			break
		}
		if _, err := c.Write(buf); err != nil {
			break
		}
	}
	c.Close()
}

func client(addr string, msgs int, echoed *int64) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	out, in := make([]byte, msgSize), make([]byte, msgSize)
	for i := range out {
		out[i] = 'e'
	}
	for i := 0; i < msgs; i++ {
		binary.LittleEndian.PutUint64(out, uint64(i))
		if _, err := c.Write(out); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, in); err != nil {
			return err
		}
		if !bytes.Equal(in, out) {
			return fmt.Errorf("echo differs")
		}
		atomic.AddInt64(echoed, 1)
	}
	return nil
}

func echo(conns, msgs int) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("echo: cannot listen on 127.0.0.1: %v", err)
	}
	var servers, clients sync.WaitGroup
	var echoed int64
	start := time.Now()
	servers.Add(1)
	go func() {
		defer servers.Done()
		for i := 0; i < conns; i++ {
			c, err := ln.Accept()
			if err != nil {
				die("echo: accept: %v", err)
			}
			servers.Add(1)
			go func() {
				defer servers.Done()
				serve(c)
			}()
		}
	}()
	var failed int64
	for i := 0; i < conns; i++ {
		clients.Add(1)
		go func() {
			defer clients.Done()
			if client(ln.Addr().String(), msgs, &echoed) != nil {
				atomic.AddInt64(&failed, 1)
			}
		}()
	}
	clients.Wait()
	elapsed := time.Since(start)
	if failed != 0 || echoed != int64(conns*msgs) {
		die("echo: a client failed")
	}
	servers.Wait()
	ln.Close()
	return float64(conns*msgs) / elapsed.Seconds()
}

func median(v []float64) float64 {
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func main() {
	n := flag.Int("n", 1000000, "tasks")
	conns := flag.Int("c", 1000, "echo connections")
	msgs := flag.Int("m", 100, "messages per connection")
	reps := flag.Int("r", 3, "runs, the median is reported")
	tsv := flag.Bool("tsv", false, "tab-separated output")
	var names []string
	args := os.Args[1:]
	for { // flags may come after names, as the C program allows
		flag.CommandLine.Parse(args)
		if flag.NArg() == 0 {
			break
		}
		names = append(names, flag.Arg(0))
		args = flag.Args()[1:]
	}
	if *n < 1 || *conns < 1 || *msgs < 1 || *reps < 1 {
		die("-n, -c, -m and -r want whole numbers of at least 1")
	}
	wanted := func(name string) bool {
		for _, p := range names {
			if ok, _ := path.Match(p, name); ok {
				return true
			}
		}
		return len(names) == 0
	}
	report := func(name string, v float64, unit string) {
		if *tsv {
			fmt.Printf("%s\t%.1f\t%s\n", name, v, unit)
		} else {
			fmt.Printf("  %-12s %14.1f %s\n", name, v, unit)
		}
	}
	if !*tsv {
		fmt.Printf("go goroutines: GOMAXPROCS %d, median of %d runs\n", runtime.GOMAXPROCS(0), *reps)
	}
	v := make([]float64, *reps)
	if wanted("spawn_wait") {
		for r := range v {
			v[r] = spawnWait(*n)
		}
		report("spawn_wait", median(v), "ns/task")
	}
	if wanted("parked_rss") {
		report("parked_rss", parkedRSS(*n), "B/task")
	}
	if wanted("echo") {
		for r := range v {
			v[r] = echo(*conns, *msgs)
		}
		report("echo", median(v), "req/s")
	}
}
