#!/bin/sh
# Build the SCCP codec/relay fuzzer with clang (libFuzzer + ASan + UBSan) and run it.
#   usage: tests/fuzz/build_sccp_fuzz.sh [SECONDS] [OUTDIR]
# Exits non-zero if the build fails or the fuzzer finds a crash or a broken round trip (the
# reproducer is left in OUTDIR).
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${2:-/tmp/np700-sccp-fuzz}
cc=${CLANG:-$(command -v clang-14 || command -v clang)}
mkdir -p "$out/corpus"
cp -n "$here"/corpus/sccp/* "$out/corpus/" 2>/dev/null || true
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
cflags="$cflags $(pkg-config --cflags libosmocore)"
$cc $cflags -o "$out/sccp_fuzz" "$here/sccp_fuzz.c" \
	"$top/src/sccp_addr.c" "$top/src/sccp_codec.c" "$top/src/sccp_route.c" "$top/src/sccp_relay.c" \
	"$top/src/sccp_segment.c" \
	"$top/src/logging.c" \
	$(pkg-config --libs libosmocore talloc)
cd "$out"
./sccp_fuzz -max_total_time="$secs" -max_len=600 -print_final_stats=1 corpus
