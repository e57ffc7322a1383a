#!/bin/sh
# Build one libFuzzer target with clang (libFuzzer + ASan + UBSan) and run it.
#   usage: tests/fuzz/build_fuzz.sh [NAME] [SECONDS] [OUTDIR]
# NAME is a target tests/fuzz/NAME.c (isup_fuzz by default; "build_fuzz.sh 60" runs it for 60 s).
# Exits non-zero if the build fails or the fuzzer finds a crash or a broken property (the
# reproducer is left in OUTDIR, build/fuzz-out/NAME by default).
#
# The project's own libraries (src/libnp700*.a) are built once with clang and the sanitizers in
# NP700_FUZZ_BUILD (default build/fuzz of this tree) and every target links against them, so a
# source file added to src/Makefile.am is picked up without touching this script. A target may
# define stubs (e.g. np700_decide) for functions of a module it does not exercise: the linker only
# takes an archive member when a symbol is still missing, so the stub wins.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
name=isup_fuzz
case "${1:-}" in
[0-9]*|"") ;;
*) name=$1; shift ;;
esac
secs=${1:-60}
out=${2:-$top/build/fuzz-out/$name}

# target: seed corpus (tests/fuzz/corpus/DIR) and the longest input worth trying
case "$name" in
isup_fuzz)		corpus=isup		max_len=2000 ;;
isup_relay_fuzz)	corpus=isup_relay	max_len=2000 ;;
nb_fuzz)		corpus=nb		max_len=1300 ;;
sccp_fuzz)		corpus=sccp		max_len=4200 ;;
map_router_fuzz)	corpus=map_router	max_len=2000 ;;
tcap_fuzz)		corpus=tcap		max_len=1024 ;;
sms_fuzz)		corpus=sms		max_len=300 ;;
vty_fuzz)		corpus=vty		max_len=4096 ;;
*) echo "unknown fuzz target '$name'" >&2; exit 2 ;;
esac

cc=${CLANG:-$(command -v clang-14 || command -v clang)}
pkgs="libosmocore libosmogsm libosmovty libosmo-sigtran libosmo-netif libosmoabis talloc lmdb"
build=${NP700_FUZZ_BUILD:-$top/build/fuzz}

# the libraries, instrumented for coverage but without libFuzzer's main(); make rebuilds what changed
test -x "$top/configure" || (cd "$top" && autoreconf -fi)
mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" -q CC="$cc" \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined")
fi
# only the libraries (src/Makefile.am's list): the daemon and the tests are not needed here;
# first bring the Makefile up to date, as remaking it prints to stdout
make -s -C "$build/src" Makefile >/dev/null
# shellcheck disable=SC2016 # $(noinst_LIBRARIES) is for make, not the shell
libs=$(printf 'print-libs:\n\t@echo $(noinst_LIBRARIES)\n' |
	make -s --no-print-directory -C "$build/src" -f Makefile -f - print-libs)
archives=
for l in $libs; do
	archives="$archives $build/src/$l"
done
# shellcheck disable=SC2086 # lists of words
make -s -C "$build/src" -j"$(nproc)" $libs

mkdir -p "$out/corpus"
cp -n "$here/corpus/$corpus"/* "$out/corpus/" 2>/dev/null || true
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include"
# a group, as the libraries call each other in both directions
# shellcheck disable=SC2046,SC2086 # lists of words
$cc $cflags $(pkg-config --cflags $pkgs) -o "$out/$name" "$here/$name.c" \
	-Wl,--start-group $archives -Wl,--end-group $(pkg-config --libs $pkgs)
cd "$out"
"./$name" -max_total_time="$secs" -max_len="$max_len" -print_final_stats=1 corpus
