#!/bin/sh
# Build a fuzzer with clang (libFuzzer + ASan + UBSan) and run it.
#   usage: tests/fuzz/build_fuzz.sh [NAME] [SECONDS] [OUTDIR]
# NAME is the target (file NAME.c here): isup_fuzz (ISUP codec, the default) and isup_relay_fuzz
# (ISUP relay) are built by this script; sccp_fuzz, nb_fuzz, tcap_fuzz and sms_fuzz are handed to
# their own build_*_fuzz.sh. "build_fuzz.sh 60" runs isup_fuzz for 60 s.
# Exits non-zero if the build fails or the fuzzer finds a crash (the reproducer is left in OUTDIR).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
name=isup_fuzz
case "${1:-}" in
[0-9]*|"") ;;
*) name=$1; shift ;;
esac
secs=${1:-60}
case "$name" in
sccp_fuzz) exec sh "$here/build_sccp_fuzz.sh" "$@" ;;
nb_fuzz) exec sh "$here/build_nb_fuzz.sh" "$@" ;;
tcap_fuzz|sms_fuzz) exec sh "$here/build_map_fuzz.sh" "$@" ;;
isup_fuzz)
	srcs="$top/src/isup_codec.c $top/src/isup_msgdef.c $top/src/isup_number.c"
	corpus=isup ;;
isup_relay_fuzz)
	srcs="$top/src/isup_codec.c $top/src/isup_msgdef.c $top/src/isup_number.c $top/src/isup_relay.c"
	srcs="$srcs $top/src/isup_call.c $top/src/isup_circuit.c $top/src/isup_route.c $top/src/binding.c"
	srcs="$srcs $top/src/number.c $top/src/logging.c"
	corpus=isup_relay ;;
*) echo "unknown fuzz target '$name'" >&2; exit 2 ;;
esac
out=${2:-/tmp/np700-$name}
cc=${CLANG:-$(command -v clang-14 || command -v clang)}
mkdir -p "$out/corpus"
cp -n "$here"/corpus/$corpus/* "$out/corpus/" 2>/dev/null || true
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
cflags="$cflags $(pkg-config --cflags libosmocore)"
# shellcheck disable=SC2086
$cc $cflags -o "$out/$name" "$here/$name.c" $srcs $(pkg-config --libs libosmocore talloc)
cd "$out"
"./$name" -max_total_time="$secs" -max_len=2000 -print_final_stats=1 corpus
