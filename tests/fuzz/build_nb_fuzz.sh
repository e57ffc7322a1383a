#!/bin/sh
# Build the provisioning protocol decoder fuzzer with clang (libFuzzer + ASan + UBSan) and run it.
#   usage: tests/fuzz/build_nb_fuzz.sh [SECONDS] [OUTDIR]
# Exits non-zero if the build fails or the fuzzer finds a crash or a broken round trip (the
# reproducer is left in OUTDIR).
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${2:-/tmp/np700-nb-fuzz}
cc=${CLANG:-$(command -v clang-14 || command -v clang)}
mkdir -p "$out/corpus"
cp -n "$here"/corpus/nb/* "$out/corpus/" 2>/dev/null || true
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
cflags="$cflags $(pkg-config --cflags libosmocore)"
$cc $cflags -o "$out/nb_fuzz" "$here/nb_fuzz.c" "$top/src/nb_proto.c" "$top/src/logging.c" \
	$(pkg-config --libs libosmogsm libosmocore talloc)
cd "$out"
./nb_fuzz -max_total_time="$secs" -max_len=1300 -print_final_stats=1 corpus
