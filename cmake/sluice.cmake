# Helpers every part of the tree uses to declare tests, benchmarks and fuzzers.

# sl_test_suite(TARGET SOURCES src... [LIBS lib...] TESTS name... [LABELS l...] [TIMEOUT s])
# Builds one test executable (linked with libsluice and tests/check.c) and
# registers each named test as its own CTest test: `TARGET name` runs it.
function(sl_test_suite target)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;LIBS;TESTS;LABELS" ${ARGN})
  add_executable(${target} ${A_SOURCES} ${CMAKE_SOURCE_DIR}/tests/check.c)
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests ${CMAKE_SOURCE_DIR}/lib)
  target_link_libraries(${target} PRIVATE sluice_static ${A_LIBS} Threads::Threads)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  foreach(t ${A_TESTS})
    add_test(NAME ${t} COMMAND ${target} ${t})
    set_tests_properties(${t} PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS "${A_LABELS}")
  endforeach()
endfunction()

# sl_bench(NAME SOURCES src... [LIBS lib...]) -> build/bench/NAME
function(sl_bench name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(bench_${name} ${A_SOURCES})
  target_include_directories(bench_${name} PRIVATE ${CMAKE_SOURCE_DIR}/lib ${CMAKE_SOURCE_DIR}/bench)
  target_link_libraries(bench_${name} PRIVATE sluice_static ${A_LIBS} Threads::Threads)
  set_target_properties(bench_${name} PROPERTIES OUTPUT_NAME ${name}
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endfunction()

# sl_fuzzer(NAME SOURCES src... [LIBS lib...] CORPUS dir [RUNS n] [SEEDS kind] [MAX_LEN n])
# With SLUICE_FUZZ (clang): a libFuzzer binary, and a CTest that fuzzes for
# RUNS inputs starting from CORPUS.  Without: the same entry point linked to
# tests/fuzz_replay.c, and a CTest that replays CORPUS through it, so every
# build exercises the target on its seeds.
# Each fuzzer is also listed in build/fuzz/targets.tsv for `make fuzz`
# (scripts/fuzz.sh): NAME, binary, CORPUS, SEEDS, MAX_LEN.  SEEDS names a
# kind of real input that scripts/fuzz-seeds.sh turns into seeds (crates,
# npm modules, pages, pack files); see docs/fuzzing.md.
file(WRITE ${CMAKE_BINARY_DIR}/fuzz/targets.tsv "")
function(sl_fuzzer name)
  cmake_parse_arguments(A "" "CORPUS;RUNS;SEEDS;MAX_LEN" "SOURCES;LIBS" ${ARGN})
  if(NOT A_MAX_LEN)
    set(A_MAX_LEN 65536)
  endif()
  if(NOT A_RUNS)
    set(A_RUNS 20000)
  endif()
  set(exe fuzz_${name})
  if(SLUICE_FUZZ)
    add_executable(${exe} ${A_SOURCES})
    target_compile_options(${exe} PRIVATE -fsanitize=fuzzer)
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
    # libFuzzer writes what it finds into the FIRST corpus directory: make
    # that a scratch directory in the build tree, so the seeds in the
    # source tree are only read.
    set(scratch ${CMAKE_BINARY_DIR}/fuzz/${name}.found)
    file(MAKE_DIRECTORY ${scratch})
    set(args -runs=${A_RUNS} -max_total_time=60 -max_len=${A_MAX_LEN} -timeout=30 -rss_limit_mb=2560 ${scratch} ${A_CORPUS})
  else()
    add_executable(${exe} ${A_SOURCES} ${CMAKE_SOURCE_DIR}/tests/fuzz_replay.c)
    set(args ${A_CORPUS})
  endif()
  target_include_directories(${exe} PRIVATE ${CMAKE_SOURCE_DIR}/lib)
  target_link_libraries(${exe} PRIVATE sluice_static ${A_LIBS} Threads::Threads)
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  add_test(NAME fuzz_${name} COMMAND ${exe} ${args})
  set_tests_properties(fuzz_${name} PROPERTIES TIMEOUT 180 LABELS fuzz)
  # "-" for no SEEDS: the shell's read collapses two tabs in a row, so an
  # empty field would shift MAX_LEN into SEEDS' place.
  set(seeds_field "${A_SEEDS}")
  if(NOT seeds_field)
    set(seeds_field "-")
  endif()
  file(APPEND ${CMAKE_BINARY_DIR}/fuzz/targets.tsv
       "${name}\t${CMAKE_BINARY_DIR}/fuzz/${exe}\t${A_CORPUS}\t${seeds_field}\t${A_MAX_LEN}\n")
endfunction()
