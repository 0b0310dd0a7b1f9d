#!/usr/bin/env bash
# pack.sh CASE SLUICE HELPERS: one end-to-end test of sluice pack/unpack/keygen,
# with zstd, age and age-keygen as the peers.  Each CASE is a CTest test
# (see CMakeLists.txt); it runs in a fresh temporary directory and fails
# with a message saying what went wrong.  Exit 77 means "skipped".
# HELPERS is the directory of packdata and with_tty (built from C beside
# this script: a case's data and its terminal cost no interpreter start).
set -euo pipefail
case_name=$1
S=$2
H=$3
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pack-test.XXXXXX")
cleanup() { mountpoint -q "$W/small" 2>/dev/null && umount "$W/small"; rm -rf "$W"; }
trap cleanup EXIT
cd "$W"
export SLUICE_SCRYPT_WORK_FACTOR=10 # our own passphrase files: fast scrypt in tests

fail() { echo "FAIL [$case_name]: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "$1 is not installed (scripts/install-deps.sh pack)"; }
need zstd; need age; need age-keygen

# gen FILE SIZE [SEED]: deterministic mixed data: text-like runs and random runs.
gen() { "$H/packdata" gen "$1" "$2" "${3:-1}"; }
# flip FILE POS MASK: FILE[POS] ^= MASK in place
flip() { "$H/packdata" flip "$@"; }
same() { cmp -s "$1" "$2" || fail "$1 and $2 differ"; }
keys() { "$S" keygen -o id.txt 2>/dev/null; R=$("$S" keygen -y id.txt); }
no_output_left() { # no file named like the output, and no temporary beside it
  local left; left=$(ls -a | grep -E "^$1" || true)
  [ -z "$left" ] || fail "output left behind: $left"
}
# expect_failure MSG_REGEX CMD...: non-zero exit and a message matching MSG_REGEX
expect_failure() {
  local re=$1; shift
  if "$@" 2>err.txt; then fail "succeeded but should have failed: $*"; fi
  grep -Eq -- "$re" err.txt || fail "message '$(cat err.txt)' does not match /$re/"
}
tty_run() { "$H/with_tty" "$@"; }

case "$case_name" in
pack_output_decodes_with_zstd)
  gen in 300000
  "$S" pack -q --chunk 64K in
  [ -f in.zst ] || fail "default output name in.zst not used"
  zstd -q -d -c in.zst > back; same in back
  zstd -q -t in.zst || fail "zstd -t rejects our output"
  ;;
pack_encrypted_output_decrypts_with_age)
  keys; gen in 300000
  "$S" pack -q --chunk 50K -r "$R" in
  [ -f in.zst.age ] || fail "default output name in.zst.age not used"
  age -d -i id.txt in.zst.age | zstd -q -d > back; same in back
  ;;
pack_armored_output_decrypts_with_age)
  keys; gen in 200000
  "$S" pack -q -a --chunk 30K -r "$R" -o in.asc in
  head -1 in.asc | grep -q "^-----BEGIN AGE ENCRYPTED FILE-----$" || fail "no armor"
  age -d -i id.txt in.asc | zstd -q -d > back; same in back
  "$S" unpack -q -i id.txt -o back2 in.asc; same in back2
  ;;
pack_recipients_file_and_several_recipients)
  keys; age-keygen -o id2.txt 2>/dev/null; age-keygen -y id2.txt > rcpts.txt
  gen in 100000
  "$S" pack -q -r "$R" -R rcpts.txt -o in.age in
  age -d -i id2.txt in.age | zstd -q -d > back; same in back
  "$S" unpack -q -i id.txt -o back2 in.age; same in back2
  ;;
pack_passphrase_output_decrypts_with_age)
  echo "correct horse" > pw; gen in 100000
  "$S" pack -q --passphrase-file pw -o in.age in
  grep -aq "^-> scrypt " in.age || fail "no scrypt stanza"
  tty_run "correct horse" age -d -o back.zst in.age
  zstd -q -d -c back.zst > back; same in back
  ;;
pack_reads_passphrase_from_terminal)
  gen in 50000; echo "from the tty" > pw
  tty_run "from the tty" "$S" pack -q -p -o in.age in
  "$S" unpack -q --passphrase-file pw -o back in.age; same in back
  ;;
unpack_reads_zstd_single_frame)
  gen in 3000000
  zstd -q -T0 -3 in -o a.zst
  "$S" unpack -q -o back a.zst; same in back
  zstd -q -T0 -3 -c < in > pipe.zst # from a pipe: no content size, so streamed
  "$S" unpack -q -o back2 pipe.zst; same in back2
  ;;
unpack_reads_zstd_multi_frame)
  gen a 200000 1; gen b 300000 2; gen c 1 3
  zstd -q -T0 a -o a.zst; zstd -q -T0 -c < b > b.zst; zstd -q c -o c.zst
  cat a.zst b.zst c.zst > abc.zst; cat a b c > abc
  "$S" unpack -q -j 3 -o back abc.zst; same abc back
  "$S" pack -q --chunk 10K -o a.pk a; cat a.pk b.zst > mixed.zst; cat a b > ab
  "$S" unpack -q -o back2 mixed.zst; same ab back2
  ;;
unpack_reads_age_x25519)
  age-keygen -o k.txt 2>/dev/null; gen in 400000
  zstd -q -c in | age -e -r "$(age-keygen -y k.txt)" > in.age
  "$S" unpack -q -i k.txt -o back in.age; same in back
  zstd -q -c in | age -e -a -r "$(age-keygen -y k.txt)" > in.asc
  "$S" unpack -q -i k.txt -o back2 in.asc; same in back2
  head -c -1 in.asc > cut.asc # no newline after END: age reads it, so must we
  age -d -i k.txt cut.asc | zstd -q -d | cmp -s - in || fail "age itself refuses the cut armor"
  "$S" unpack -q -i k.txt -o back3 cut.asc; same in back3
  ;;
unpack_reads_age_passphrase)
  # age's own scrypt files (work factor 18), binary and armored, made once
  # by `age -e -p` (age_files/README.md); the scrypt runs side by side.
  # Under the sanitizers the armored file alone: each file's scrypt is
  # libsodium's (not instrumented), 1-2 s of CPU there as here, and
  # unpack reads the dearmored bytes with the very code that reads the
  # binary file (age header, scrypt stanza, payload); the binary age
  # reader runs under them in every other age case.
  seq 1 10000 > want; echo "tty pass" > pw
  one=""
  if [ "${SLUICE_TEST_SANITIZED:-0}" != 1 ]; then
    "$S" unpack -q --passphrase-file pw -o back "$here/age_files/age_passphrase.age" & one=$!
  fi
  "$S" unpack -q --passphrase-file pw -o back2 "$here/age_files/age_passphrase.asc"
  [ -z "$one" ] || { wait $one || fail "unpack of age -e -p output failed"; same want back; }
  same want back2
  ;;
unpack_reads_age_payload_that_is_not_zstd)
  age-keygen -o k.txt 2>/dev/null; r=$(age-keygen -y k.txt)
  for n in 0 1 65535 65536 65537 200000; do
    gen in $n
    age -e -r "$r" -o in.age in
    "$S" unpack -q -f -i k.txt -o back in.age; same in back
  done
  ;;
keygen_keys_work_with_age_and_back)
  "$S" keygen -o ours.txt 2>/dev/null
  [ "$(stat -c %a ours.txt)" = 600 ] || fail "identity file mode is $(stat -c %a ours.txt), not 600"
  grep -q "^# public key: age1" ours.txt || fail "no public key comment"
  # an existing key is never replaced, and the message offers no -f, which keygen does not have
  cp ours.txt kept.txt
  "$S" keygen -o ours.txt 2> err && fail "keygen replaced an existing key"
  cmp -s ours.txt kept.txt || fail "keygen changed an existing key"
  grep -q "ours.txt: already exists (keygen never overwrites a key: remove it first)" err || fail "keygen said: $(cat err)"
  [ "$("$S" keygen -y ours.txt)" = "$(age-keygen -y ours.txt)" ] || fail "keygen -y disagrees with age-keygen -y"
  age-keygen -o theirs.txt 2>/dev/null
  [ "$("$S" keygen -y theirs.txt)" = "$(age-keygen -y theirs.txt)" ] || fail "we read age-keygen's key differently"
  echo hi > msg
  age -e -r "$("$S" keygen -y ours.txt)" msg | zstd -q -c > /dev/null
  zstd -q -c msg | age -e -r "$("$S" keygen -y ours.txt)" > m1.age
  "$S" unpack -q -i ours.txt -o back1 m1.age; same msg back1
  "$S" pack -q -r "$(age-keygen -y theirs.txt)" -o m2.age msg
  age -d -i theirs.txt m2.age | zstd -q -d > back2; same msg back2
  expect_failure "already exists" "$S" keygen -o ours.txt
  ;;
pack_round_trips_stdin_to_stdout)
  keys; gen in 500000
  "$S" pack -q --chunk 20K < in | "$S" unpack -q > back; same in back
  cat in | "$S" pack -q -r "$R" -o - - | "$S" unpack -q -i id.txt - > back2; same in back2
  cat in | "$S" pack -q -a -r "$R" | "$S" unpack -q -i id.txt -o - > back3; same in back3
  ;;
unpack_rejects_wrong_key)
  keys; age-keygen -o other.txt 2>/dev/null; gen in 10000
  "$S" pack -q -r "$R" -o in.age in
  expect_failure "in.age: no identity matched" "$S" unpack -q -i other.txt -o out in.age
  no_output_left out
  expect_failure "in.age: .*give an identity" "$S" unpack -q -o out in.age
  no_output_left out
  ;;
unpack_rejects_wrong_passphrase)
  echo right > pw; echo wrong > pw2; gen in 10000
  "$S" pack -q --passphrase-file pw -o in.age in
  expect_failure "in.age: wrong passphrase" "$S" unpack -q --passphrase-file pw2 -o out in.age
  no_output_left out
  keys; expect_failure "in.age: .*passphrase" "$S" unpack -q -i id.txt -o out in.age < /dev/null
  no_output_left out
  ;;
unpack_rejects_trailing_garbage)
  keys; gen in 50000
  "$S" pack -q -r "$R" -o in.age in; "$S" pack -q -o in.zst in
  "$S" pack -q -a -r "$R" -o in.asc in
  { cat in.age; echo junk; } > g.age; { cat in.zst; echo junk; } > g.zst; { cat in.asc; echo junk; } > g.asc
  expect_failure "g.age: " "$S" unpack -q -i id.txt -o out g.age; no_output_left out
  expect_failure "g.zst: trailing data" "$S" unpack -q -o out g.zst; no_output_left out
  expect_failure "g.asc: armor: trailing data" "$S" unpack -q -i id.txt -o out g.asc; no_output_left out
  ;;
unpack_rejects_foreign_files)
  gen notours 5000
  expect_failure "notours: not a zstd, age or sluice pack file" "$S" unpack -q -o out notours; no_output_left out
  : > empty
  expect_failure "empty: not a zstd" "$S" unpack -q -o out empty; no_output_left out
  printf 'age-encryption.org/v1\n-> X25519 short\nAAAA\n--- x\n' > fake.age
  keys; expect_failure "fake.age: age header" "$S" unpack -q -i id.txt -o out fake.age; no_output_left out
  expect_failure "nothere: cannot open" "$S" unpack -q -o out nothere
  ;;
unpack_names_the_format_of_foreign_compressed_files)
  # what people hand unpack by mistake: say what it is and which tool reads it
  gen in 5000
  gzip -c in > in.gz
  expect_failure "in.gz: not a zstd, age or sluice pack file \(it is gzip data: gzip -d reads it\)" \
    "$S" unpack -q -o out in.gz; no_output_left out
  expect_failure "<stdin>: .*it is gzip data" sh -c "cat in.gz | '$S' unpack -q -o out -"; no_output_left out
  expect_failure "in.gz: .*it is gzip data" "$S" unpack -q --range 0:10 in.gz
  expect_failure "in.gz: .*it is gzip data" "$S" unpack --list in.gz
  tar cf in.tar in
  expect_failure "in.tar: .*it is an uncompressed tar archive: tar reads it" "$S" unpack -q -o out in.tar
  no_output_left out
  for t in "xz:xz data" "bzip2:bzip2 data" "lz4:lz4 data"; do
    tool=${t%%:*}
    command -v "$tool" >/dev/null || continue
    "$tool" -c < in > in.x
    expect_failure "in.x: .*it is ${t#*:}: $tool -d reads it" "$S" unpack -q -o out in.x; no_output_left out
  done
  ;;
pack_and_unpack_report_a_full_disk)
  keys; gen in 300000
  "$S" pack -q -r "$R" -o in.age in
  expect_failure "<stdout>: write error" sh -c "'$S' pack -q -o - in > /dev/full"
  expect_failure "<stdout>: write error" sh -c "'$S' unpack -q -i id.txt -o - in.age > /dev/full"
  mkdir small
  if ! mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    echo "skipped the full-filesystem half: cannot mount a small tmpfs here (needs root)"; exit 77
  fi
  expect_failure "small/in.age: write error: No space left" "$S" pack -q -r "$R" -o small/in.age in
  [ -z "$(ls -A small)" ] || fail "left in the full filesystem: $(ls -A small)"
  expect_failure "small/out: write error: No space left" "$S" unpack -q -i id.txt -o small/out in.age
  [ -z "$(ls -A small)" ] || fail "left in the full filesystem: $(ls -A small)"
  ;;
pack_writes_to_devices_and_fifos_in_place)
  gen in 100000; mkfifo fifo
  cat fifo > got & reader=$!
  "$S" pack -q -o fifo in
  wait $reader
  [ -p fifo ] || fail "the FIFO was replaced by a regular file"
  zstd -q -d -c got | cmp -s - in || fail "wrong data through the FIFO"
  "$S" pack -q -o /dev/null in
  [ -c /dev/null ] || fail "/dev/null is no longer a device"
  "$S" unpack -q -o /dev/null got
  [ -c /dev/null ] || fail "/dev/null is no longer a device"
  ;;
pack_killed_by_sigkill_leaves_no_file)
  # pack reads a FIFO we hold open: once its output holds frames, kill -9.
  # The temporary output has no name (O_TMPFILE), so nothing is left.
  mkfifo feed
  "$S" pack -q --chunk 64K -o out.zst - < feed & pid=$!
  exec 4> feed
  head -c 2000000 /dev/urandom >&4
  fd=""
  for _ in $(seq 100); do # the output's descriptor, once it has data
    for f in /proc/$pid/fd/*; do
      case "$(readlink "$f")" in "$W"/*deleted*|"$W/#"*) [ "$(stat -L -c %s "$f")" -gt 0 ] && fd=$f ;; esac
    done
    [ -n "$fd" ] && break; sleep 0.05
  done
  [ -n "$fd" ] || fail "pack's output never appeared as an unnamed file: $(ls -l /proc/$pid/fd)"
  kill -9 $pid; wait $pid 2>/dev/null || true
  exec 4>&-
  left=$(ls -A | grep -v '^feed$' || true)
  [ -z "$left" ] || fail "left behind after SIGKILL: $left"
  ;;
pack_keeps_existing_output_without_force)
  gen in 1000; echo precious > in.zst
  expect_failure "in.zst: already exists" "$S" pack -q in
  [ "$(cat in.zst)" = precious ] || fail "existing output was overwritten"
  "$S" pack -q -f in; zstd -q -d -c in.zst | cmp -s - in || fail "-f did not overwrite"
  echo precious > in
  expect_failure "in: already exists" "$S" unpack -q in.zst
  [ "$(cat in)" = precious ] || fail "unpack overwrote an existing file"
  ;;
unpack_test_verifies_and_writes_nothing)
  keys; gen data 100000
  "$S" pack -q -r "$R" -o data.zst.age data; rm data
  "$S" unpack -q --test -i id.txt data.zst.age > stdout.txt
  [ ! -e data ] || fail "--test wrote data"; [ ! -s stdout.txt ] || fail "--test wrote to stdout"
  # flip a bit (writing a fixed byte changed nothing when it was there already)
  flip data.zst.age 5000 0x01
  expect_failure "data.zst.age: .*authenticate" "$S" unpack -q --test -i id.txt data.zst.age
  [ ! -e data ] || fail "--test wrote data"
  ;;
unpack_to_stdout_writes_only_verified_chunks)
  keys; head -c 3000000 /dev/urandom > in
  "$S" pack -q --chunk 64K -r "$R" -o in.age in
  # corrupt the ciphertext around 2 MB in: everything written before the
  # error must be a prefix of the input, and the run must fail
  cp in.age bad.age; flip bad.age 2000000 0x40
  if "$S" unpack -q -i id.txt bad.age > out 2>err.txt; then fail "corruption accepted"; fi
  n=$(stat -c %s out)
  [ "$n" -lt 2000000 ] || fail "wrote $n bytes, past the corrupted chunk"
  cmp -s out <(head -c "$n" in) || fail "stdout output is not a prefix of the input"
  ;;
pack_stats_prints_pipeline_metrics_json)
  keys; gen in 300000
  "$S" pack -q --stats --chunk 16K -r "$R" -o in.age in 2> stats.json
  "$S" unpack -q --stats -i id.txt -o back in.age 2> stats2.json # a file with a seek table: frame by frame
  "$S" unpack -q --stats -i id.txt -o back2 - < in.age 2> /dev/null # (a file on stdin is seekable too)
  cat in.age | "$S" unpack -q --stats -i id.txt -o back3 - 2> stats3.json # a pipe: streamed
  python3 - <<'PY' || fail "bad JSON: $(cat stats.json stats2.json stats3.json)"
import json
for name, keys in (("stats.json", ("compress", "encrypt")), ("stats2.json", ("frames",)),
                   ("stats3.json", ("decrypt", "decompress"))):
    d = json.load(open(name))
    assert all(k in d for k in keys), (name, d)
PY
  "$S" pack --chunk 16K -o in.zst in 2> progress.txt
  [ ! -s progress.txt ] || fail "progress bar drawn although stderr is not a terminal"
  ;;
pack_draws_progress_only_on_a_terminal)
  head -c 24000000 /dev/urandom > in; keys
  WITH_TTY_STDERR=1 WITH_TTY_ECHO=1 tty_run x "$S" pack -j 1 --chunk 256K -r "$R" -o in.age in > screen.txt
  grep -q "MB/s" screen.txt || fail "no progress bar on a terminal: $(cat -v screen.txt | head -c 300)"
  WITH_TTY_STDERR=1 WITH_TTY_ECHO=1 tty_run x "$S" pack -q -f -j 1 --chunk 256K -r "$R" -o in.age in > screen2.txt
  [ ! -s screen2.txt ] || fail "-q still drew: $(cat -v screen2.txt | head -c 300)"
  WITH_TTY_STDERR=1 WITH_TTY_ECHO=1 tty_run x "$S" unpack -i id.txt -o back in.age > screen3.txt
  grep -q "MB/s" screen3.txt || fail "no progress bar for unpack on a terminal"
  same in back
  ;;
pack_rejects_bad_usage)
  gen in 10
  expect_failure "not an age X25519 recipient" "$S" pack -r age1notakey in
  expect_failure "cannot be combined" "$S" pack -r "$(age-keygen 2>/dev/null | grep -o 'age1.*' | head -1)" --passphrase-file /dev/null in
  expect_failure "--chunk" "$S" pack --chunk 0 in
  expect_failure "-l" "$S" pack -l 99 in
  WITH_TTY_STDOUT=1 expect_failure "refusing to write binary output to a terminal" tty_run x "$S" pack -q -o - in
  no_output_left in.zst
  ;;
unpack_names_a_zstd_dictionary_it_does_not_take)
  # zstd -D frames carry their dictionary's ID: unpack names it and says
  # what reads the file, in a file, a pipe and age; --list still walks it.
  mkdir s; for i in $(seq 1 60); do gen s/$i 2000 $i; done
  zstd -q --train --maxdict=8K s/* -o dict || fail "zstd --train failed"
  id=$(od -An -tu4 -j4 -N4 dict | tr -d ' ') # a dictionary's ID: the 4 bytes after its magic
  cat s/1 s/2 > in; zstd -q -D dict in -o d.zst
  gen p 5000; zstd -q p -o p.zst; cat p.zst d.zst > pd.zst  # the dictionary frame second
  re="zstd frame at offset 0 was compressed with a zstd dictionary \\(ID $id\\), which sluice does not support: decompress it with zstd -d -D DICTIONARY"
  expect_failure "^sluice unpack: d.zst: $re" "$S" unpack -q d.zst
  expect_failure "^sluice unpack: <stdin>: $re" "$S" unpack -q -o out - < <(cat d.zst)
  pre=$(stat -c %s p.zst)
  expect_failure "^sluice unpack: pd.zst: ${re/offset 0/offset $pre}" "$S" unpack -q -o out pd.zst
  keys; age -e -r "$R" -o d.age d.zst
  expect_failure "^sluice unpack: d.age: decrypted payload: $re" "$S" unpack -q -i id.txt -o out d.age
  no_output_left out; no_output_left d$
  "$S" unpack -l d.zst | grep -q "^total: 1 frame, 4000 bytes" || fail "--list of a dictionary frame: $("$S" unpack -l d.zst)"
  zstd -q -d -D dict d.zst -o back; same in back  # what the message says works
  ;;
unpack_hands_small_frames_to_workers_in_batches)
  # 8192 one-byte frames, with a content size (zstd of a file) and without
  # (zstd of a pipe): once handed to the workers one by one, which cost
  # 3-7x zstd -d's wall time; now in a few batches (--stats counts them).
  gen x 1; zstd -q x -o sized.zst; zstd -q -c < x > unsized.zst
  for f in sized unsized; do
    for k in $(seq 13); do cat $f.zst $f.zst > t.zst; mv t.zst $f.zst; done
    "$S" unpack -q --stats -o $f.out $f.zst 2> $f.json
    zstd -q -d -c $f.zst | cmp -s - $f.out || fail "$f: not what zstd -d gives"
    [ "$(stat -c %s $f.out)" = 8192 ] || fail "$f: $(stat -c %s $f.out) bytes"
    python3 - $f.json <<'PY' || fail "$f: $(grep -o '"name": "work", "items": [0-9]*' $f.json)"
import json, sys
work = [st for st in json.load(open(sys.argv[1]))["decompress"]["stages"] if st["name"] == "work"][0]
assert 1 <= work["items"] <= 4, work["items"]
PY
    cat $f.zst | "$S" unpack -q | cmp -s - $f.out || fail "$f through a pipe"
  done
  ;;
tar_runs_pack_and_unpack_as_its_compressor)
  # tar -I PROGRAM runs PROGRAM to create and PROGRAM -d to extract, as
  # it does zstd: both commands take -d (pack's hands over to unpack).
  need tar
  mkdir d; gen d/a 300000 1; gen d/b 70000 2; mkdir d/sub; gen d/sub/c 1 3
  tar -I "$S pack -q --chunk 64K" -cf d.tar.zst d || fail "tar -I 'sluice pack' -c failed"
  tar -tf d.tar.zst | sort > list.zstd         # plain tar reads it with zstd -d
  tar -I "$S unpack" -tf d.tar.zst | sort > list.unpack || fail "tar -I 'sluice unpack' -t failed"
  same list.zstd list.unpack
  for prog in "$S unpack" "$S pack" "$S unpack -q -j1"; do
    rm -rf x; mkdir x
    tar -C x -I "$prog" -xf d.tar.zst || fail "tar -I '$prog' -x failed"
    same d/a x/d/a; same d/b x/d/b; same d/sub/c x/d/sub/c
  done
  # and a zstd-made archive, extracted through sluice pack -d
  tar -I zstd -cf z.tar.zst d; rm -rf x; mkdir x
  tar -C x -I "$S pack" -xf z.tar.zst || fail "tar -I 'sluice pack' -x of a zstd archive failed"
  same d/a x/d/a
  ;;
packfile_example_serves_random_reads)
  # examples/packfile_random_read through one handle on 3 threads
  ex=$(dirname "$S")/examples/packfile_random_read
  keys; gen in 3000000
  "$S" pack -q --chunk 256K -r "$R" -o in.age in
  "$ex" in.age id.txt 3 40 100000 > out.txt || fail "the example failed: $(cat out.txt)"
  grep -q "120 reads of 100000 bytes on 3 threads" out.txt || fail "unexpected output: $(cat out.txt)"
  ;;
pack_and_unpack_name_the_input_when_threads_cannot_start)
  # 1000 workers' 8 MiB stacks do not fit in 1 GB of address space: the
  # library's pipeline stops with SL_NOMEM and no message of its own.
  # Each command names its input and what to do, and leaves nothing.
  keys; gen in 5000000 # over 4 MiB: a whole file or range is read by the pipeline, not on one thread
  "$S" pack -q --chunk 64K -o in.zst in; "$S" pack -q --chunk 64K -r "$R" -o in.age in
  re="out of memory or threads: the pipeline of 1000 workers \(-j 1000\) could not run; try a smaller -j"
  lim() { (ulimit -v 1000000; "$@"); }
  expect_failure "^sluice pack: in: $re" lim "$S" pack -q -j 1000 -o out.zst in
  expect_failure "^sluice pack: in: $re" lim "$S" pack -q -j 1000 -r "$R" -o out.zst in
  expect_failure "^sluice pack: <stdin>: $re" lim "$S" pack -q -j 1000 -o out.zst - < in
  expect_failure "^sluice unpack: in.zst: $re" lim "$S" unpack -q -j 1000 -o out in.zst
  expect_failure "^sluice unpack: in.age: $re" lim "$S" unpack -q -j 1000 -i id.txt --range 1000: -o out in.age
  expect_failure "^sluice unpack: <stdin>: $re" lim "$S" unpack -q -j 1000 -o out - < <(cat in.zst)
  expect_failure "^sluice unpack: <stdin>: $re" lim "$S" unpack -q -j 1000 -i id.txt -o out - < <(cat in.age)
  no_output_left out
  "$S" unpack -q -j 4 -o out in.zst; same in out  # the same run with fewer workers
  ;;
pack_memory_stays_bounded)
  # 256 MiB of incompressible input through stdin (the worst case for
  # buffer sizes), at the default settings: peak RSS under 64 MiB.
  keys
  command -v /usr/bin/time >/dev/null || fail "GNU time is not installed"
  head -c 256M /dev/urandom | /usr/bin/time -f %M -o rss.txt "$S" pack -q -r "$R" -o big.age
  kb=$(tail -1 rss.txt); echo "pack peak RSS: $kb KiB"
  [ "$kb" -lt 65536 ] || fail "pack peak RSS $kb KiB is over 64 MiB"
  /usr/bin/time -f %M -o rss2.txt "$S" unpack -q -i id.txt -o - big.age > /dev/null
  kb=$(tail -1 rss2.txt); echo "unpack peak RSS: $kb KiB"
  [ "$kb" -lt 65536 ] || fail "unpack peak RSS $kb KiB is over 64 MiB"
  ;;
unpack_memory_stays_bounded_on_zstd_cli_frames)
  # Frames we did not write, each declaring a content size of 48 MiB (as
  # zstd writes a file it reads whole; cat of several), through 32
  # workers: they stream through one decoder, as zstd -d does, instead of
  # being held whole, in and out, 34 at a time (400 MiB of RSS for these
  # 4); and the pieces in flight between the scanner and that decoder are
  # small (1 MiB pieces took 80 MiB at -j 32, 256 KiB ones 21 MiB).
  command -v /usr/bin/time >/dev/null || fail "GNU time is not installed"
  for i in 1 2 3 4; do gen part $((48 << 20)) $i; zstd -q -1 -c part >> multi.zst; cat part >> all; done
  rm part
  /usr/bin/time -f %M -o rss.txt "$S" unpack -q -j 32 -o back multi.zst
  kb=$(tail -1 rss.txt); echo "unpack of a file: peak RSS $kb KiB"
  [ "$kb" -lt 32768 ] || fail "unpack of a file: peak RSS $kb KiB is over 32 MiB"
  same all back
  cat multi.zst | /usr/bin/time -f %M -o rss2.txt "$S" unpack -q -j 32 -c > back2
  kb=$(tail -1 rss2.txt); echo "unpack of a pipe: peak RSS $kb KiB"
  [ "$kb" -lt 32768 ] || fail "unpack of a pipe: peak RSS $kb KiB is over 32 MiB"
  same all back2
  ;;
pack_and_unpack_set_the_bits_zstd_sets_when_the_group_is_refused)
  # An input of another group, which this user may not give a file to:
  # zstd (programs/util.c, UTIL_setFDStat, as gzip) tries the group,
  # then sets the permission bits all the same, then the owner; so the
  # output keeps the input's group bits with this user's group.  pack
  # and unpack must leave exactly what zstd -d and zstd leave.
  [ "$(id -u)" = 0 ] || { echo "skipped: needs root to run as another user"; exit 77; }
  command -v setpriv >/dev/null || { echo "skipped: no setpriv"; exit 77; }
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  chmod 0755 "$W"; mkdir -m 0777 d
  gen d/in 300000
  chown 65534:4343 d/in
  for mode in 0640 0660 0604 0750; do
    chmod $mode d/in
    as_nobody zstd -q -f d/in -o d/z.zst
    as_nobody "$S" pack -q -f d/in -o d/s.zst
    packed=$(stat -c '%a %u %g' d/s.zst)
    [ "$packed" = "$(stat -c '%a %u %g' d/z.zst)" ] || fail "input $mode: pack left $packed, zstd $(stat -c '%a %u %g' d/z.zst)"
    chown 65534:4343 d/z.zst d/s.zst; chmod $mode d/z.zst d/s.zst
    as_nobody zstd -q -d -f d/z.zst -o d/z.out
    as_nobody "$S" unpack -q -f d/s.zst -o d/s.out
    [ "$(stat -c '%a %u %g' d/s.out)" = "$(stat -c '%a %u %g' d/z.out)" ] ||
      fail "input $mode: unpack left $(stat -c '%a %u %g' d/s.out), zstd -d $(stat -c '%a %u %g' d/z.out)"
    same d/in d/s.out
  done
  echo "input 0750 of group 4343, by uid 65534: pack and zstd left $packed, unpack and zstd -d $(stat -c '%a %u %g' d/s.out)"
  ;;
*)
  fail "no such case"
  ;;
esac
echo "ok: $case_name"
