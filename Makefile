# The only commands a person types.  Everything else lives in scripts/.
#   make            build build/libsluice.{a,so} and build/sluice
#   make run        install what is missing, build, run the demos
#   make test       Release + ASan/UBSan + TSan builds, each running every test
#   make bench      build and run the benchmarks in bench/
#   make bench-peers  run the runtime benchmarks side by side with Go
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS (default 60) each
#   make install    install headers, libraries, the command, sluice.pc (PREFIX=/usr/local)
BUILD  ?= build
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench bench-peers fuzz install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh release $(BUILD)

run: build
	@scripts/run.sh $(BUILD)

test: deps
	@scripts/test.sh

bench: build
	@scripts/install-deps.sh --bench
	@scripts/bench.sh $(BUILD)

fuzz: deps
	@scripts/fuzz.sh

bench-peers: build
	@scripts/bench-peers.sh $(BUILD)

# The prefix is configured (not only passed to --install) so that sluice.pc
# names the directories the files really land in.
install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-tsan
