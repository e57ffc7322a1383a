#!/bin/sh
# Build the TCAP/MAP and SMS TPDU fuzzers with clang (libFuzzer + ASan + UBSan) and run each.
#   usage: tests/fuzz/build_map_fuzz.sh [SECONDS] [OUTDIR]
# Exits non-zero if a build fails or a fuzzer finds a crash or a broken property (the reproducer
# is left in OUTDIR).
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${2:-/tmp/np700-map-fuzz}
cc=${CLANG:-$(command -v clang-14 || command -v clang)}
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
cflags="$cflags $(pkg-config --cflags libosmocore libosmogsm)"
libs=$(pkg-config --libs libosmogsm libosmocore talloc)
srcs="$top/src/ber.c $top/src/tcap.c $top/src/map.c $top/src/sms_tpdu.c"
for t in tcap sms; do
	mkdir -p "$out/corpus-$t"
	cp -n "$here"/corpus/$t/* "$out/corpus-$t/" 2>/dev/null || true
	$cc $cflags -o "$out/${t}_fuzz" "$here/${t}_fuzz.c" $srcs $libs
done
cd "$out"
./tcap_fuzz -max_total_time="$secs" -max_len=1024 -print_final_stats=1 corpus-tcap
./sms_fuzz -max_total_time="$secs" -max_len=300 -print_final_stats=1 corpus-sms
