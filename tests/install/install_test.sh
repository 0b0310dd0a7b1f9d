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
# the seekable reader's library, through sluice-pack.pc, on an archive the installed command writes
cc -std=c11 -o "$root/packfile_random_read" "$src/examples/packfile_random_read.c" \
   $(pkg-config --cflags --libs sluice-pack) -lpthread -Wl,-rpath,"$root$prefix$libdir"
head -c 300000 "$root$prefix/bin/sluice" > "$root/data"
"$root$prefix/bin/sluice" pack -q --chunk 64K -o "$root/data.zst" "$root/data"
"$root/packfile_random_read" "$root/data.zst" - 2 20 1000 | grep -q "40 reads of 1000 bytes"
