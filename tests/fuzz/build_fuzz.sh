#!/bin/sh
# Build the ISUP codec fuzzer with clang (libFuzzer + ASan + UBSan) and run it.
#   usage: tests/fuzz/build_fuzz.sh [SECONDS] [OUTDIR]
# Exits non-zero if the build fails or the fuzzer finds a crash (the reproducer is left in OUTDIR).
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${2:-/tmp/np700-fuzz}
cc=${CLANG:-$(command -v clang-14 || command -v clang)}
mkdir -p "$out/corpus"
cp -n "$here"/corpus/isup/* "$out/corpus/" 2>/dev/null || true
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
cflags="$cflags $(pkg-config --cflags libosmocore)"
$cc $cflags -o "$out/isup_fuzz" "$here/isup_fuzz.c" \
	"$top/src/isup_codec.c" "$top/src/isup_msgdef.c" "$top/src/isup_number.c" \
	$(pkg-config --libs libosmocore talloc)
cd "$out"
./isup_fuzz -max_total_time="$secs" -max_len=600 -print_final_stats=1 corpus
