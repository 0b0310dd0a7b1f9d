#!/usr/bin/env bash
# install_test.sh BUILD SRC: installs BUILD into a scratch DESTDIR, checks
# every file `make install` promises, then compiles and runs an example
# against the installed copy, found through sluice.pc.
set -euo pipefail
build=$1 src=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^prefix=//p' "$build/sluice.pc")
libdir=$(sed -n 's/^libdir=\${prefix}//p' "$build/sluice.pc")
for f in include/sluice/chan.h include/sluice/pool.h include/sluice/pipeline.h include/sluice/metrics.h \
         include/sluice/sluice.h "${libdir#/}/libsluice.a" "${libdir#/}/libsluice.so" bin/sluice \
         "${libdir#/}/pkgconfig/sluice.pc" include/sluice/packfile.h "${libdir#/}/libsluice_pack.a" \
         "${libdir#/}/libsluice_pack.so" "${libdir#/}/pkgconfig/sluice-pack.pc"; do
  [ -e "$root$prefix/$f" ] || { echo "missing after install: $prefix/$f" >&2; exit 1; }
done
export PKG_CONFIG_PATH=$root$prefix${libdir}/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
cc -std=c11 -o "$root/worker_pool" "$src/examples/worker_pool.c" $(pkg-config --cflags --libs sluice) \
   -Wl,-rpath,"$root$prefix$libdir"
"$root/worker_pool"
"$root$prefix/bin/sluice" --version
# every example compiles as a user builds it: plain C11 (no _GNU_SOURCE,
# which the tree's own build defines), warnings as errors
for ex in "$src"/examples/*.c; do
  cc -std=c11 -Wall -Wextra -Werror -c -o "$root/example.o" "$ex" $(pkg-config --cflags sluice)
done

# libsluice_remote, where this build has it (hiredis found): its header,
# libraries and sluice-remote.pc, and a program that links it through
# pkg-config (it only parses a URL: no server needed).
if [ -e "$build/libsluice_remote.a" ]; then
  for f in include/sluice/remote.h "${libdir#/}/libsluice_remote.a" "${libdir#/}/libsluice_remote.so" \
           "${libdir#/}/pkgconfig/sluice-remote.pc"; do
    [ -e "$root$prefix/$f" ] || { echo "missing after install: $prefix/$f" >&2; exit 1; }
  done
  cat > "$root/remote.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <sluice/remote.h>
int main(void)
{
    sl_remote *r;
    char err[256];
    int rc = sl_remote_open(&r, "ftp://nope", NULL, err, sizeof err);
    return rc == SL_REMOTE_EURL && strstr(err, "not a Redis URL") ? 0 : 1;
}
C
  cc -std=c11 -o "$root/remote" "$root/remote.c" $(pkg-config --cflags --libs sluice-remote)
  # libsluice_remote.so needs libsluice.so.0: in place, the loader's own
  # path finds it; staged under DESTDIR, this does
  LD_LIBRARY_PATH="$root$prefix$libdir" "$root/remote"
fi

# the seekable reader's library, through sluice-pack.pc, on an archive the installed command writes
cc -std=c11 -o "$root/packfile_random_read" "$src/examples/packfile_random_read.c" \
   $(pkg-config --cflags --libs sluice-pack) -lpthread -Wl,-rpath,"$root$prefix$libdir"
head -c 300000 "$root$prefix/bin/sluice" > "$root/data"
"$root$prefix/bin/sluice" pack -q --chunk 64K -o "$root/data.zst" "$root/data"
"$root/packfile_random_read" "$root/data.zst" - 2 20 1000 | grep -q "40 reads of 1000 bytes"
