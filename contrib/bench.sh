#!/bin/bash
# np700 benchmarks: runs each section and prints one table
#   figure | value | target | baseline | ratio
# Benchmarks, not tests: machines are shared and noisy, so every figure comes with a baseline
# measured in the same run (doc/benchmarks.md explains the method and keeps the results).
#   env: NP700_BUILD   build tree (default $SRC/build/normal)
#        BENCH_N       bindings in the store before the bulk load (default 1000000)
#        BENCH_M       bindings bulk-loaded through np700-ctl (default 200000)
#        BENCH_BATCH   np700 "batch-max" and the baseline's txn size (default 1024)
#        BENCH_CTL_WINDOW np700-ctl requests in flight (default 8192)
#        BENCH_LAT_S   seconds per latency phase (default 5), BENCH_LAT_RATE decisions/s (10000)
#        BENCH_SECTIONS sections to run (default "provisioning latency hotpath isup"):
#          provisioning  plain LMDB baseline, np700-ctl bulk load (issue 5 item 4)
#          latency       p99 decision latency with and without a bulk load (item 5)
#          hotpath       tests/bench/hotpath.sh: instructions per IAM / MT-ForwardSM, bytes per
#                        binding, start-up time (items 2, 5), if present
#          isup          tests/uml/bench_isup.sh in UML: np700 against an osmo-stp hop (item 3), if
#                        present; its report is printed below the table
#          map           tests/uml/bench_map.sh in UML: SMS (SRI-SM + MT-ForwardSM) through np700
#                        against osmo-stp routing them directly (issue 4); report below the table
#        BENCH_MAP_SMS SMS per mode of the map section (default 2000), BENCH_MAP_WINDOW in flight (30),
#                      BENCH_MAP_CALLGRIND=1 osmo-stp and np700 under callgrind: instructions per message
#        BENCH_RT=0    latency bench with normal scheduling (default: the loop under chrt -f 5)
#        BENCH_KEEP=1  keep the temp dir
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
N=${BENCH_N:-1000000}
M=${BENCH_M:-200000}
BATCH=${BENCH_BATCH:-1024}
WINDOW=${BENCH_CTL_WINDOW:-8192}
LAT_S=${BENCH_LAT_S:-5}
LAT_RATE=${BENCH_LAT_RATE:-10000}
SECTIONS=${BENCH_SECTIONS:-provisioning latency hotpath isup map}
RT=${BENCH_RT:-1}
# the bindings' shape depends on how many there will be in all (pools sized for it)
TOTAL=$((N + M + 2000000))
export NP700_GEN_T0=$(date +%s)

T=$(mktemp -d /tmp/np700-bench.XXXXXX)
np_pid=
cleanup() {
	[ -n "$np_pid" ] && kill -KILL "$np_pid" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

ROWS=()
row() {	# figure value target baseline ratio
	ROWS+=("$1|$2|$3|$4|$5")
}
log() { echo "bench: $*" >&2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

for f in "$BUILD/src/np700" "$BUILD/src/np700-ctl" "$BUILD/src/libnp700store.a"; do
	[ -e "$f" ] || { echo "bench: $f is not built (set NP700_BUILD)" >&2; exit 1; }
done

# --- the benchmark programs (tests/bench), built against the build tree's libraries
LIBS="$BUILD/src/libnp700store.a $BUILD/src/libnp700common.a $(pkg-config --libs libosmovty libosmogsm libosmocore talloc lmdb)"
CFLAGS="-O2 -std=gnu11 -I$SRC/include -I$BUILD $(pkg-config --cflags libosmocore)"
mkdir -p "$T/bin"
cc $CFLAGS -o "$T/bin/lmdb_baseline" "$SRC/tests/bench/lmdb_baseline.c" -llmdb &&
cc $CFLAGS -o "$T/bin/np700_gen" "$SRC/tests/bench/np700_gen.c" $LIBS &&
cc $CFLAGS -o "$T/bin/decide_bench" "$SRC/tests/bench/decide_bench.c" $LIBS &&
cc $CFLAGS -o "$T/bin/map_stall" "$SRC/tests/bench/map_stall.c" || { echo "bench: build failed" >&2; exit 1; }
GEN=$T/bin/np700_gen

section_provisioning() {
	local rec base t0 t1 rate rc port vport
	rec=$("$GEN" recsize)
	log "plain LMDB: $N preloaded, then $M records of $rec bytes + 3 index entries in txns of $BATCH"
	mkdir -p "$T/lmdb"
	base=$("$T/bin/lmdb_baseline" "$T/lmdb" "$N" "$M" "$BATCH" "$rec")
	rm -rf "$T/lmdb"
	row "plain LMDB insert, txns of $BATCH, durable, at $N" "$base/s" "-" "-" "-"

	log "filling the store with $N bindings (np700_gen, big txns)"
	mkdir -p "$T/store" "$T/records"
	"$GEN" fill "$T/store" "$N" "$TOTAL" || return 1
	base_port=$((20000 + RANDOM % 20000))
	vport=$base_port
	port=$((base_port + 1))
	awk -v t="$T" -v vp="$vport" -v np="$port" -v batch="$BATCH" -v gen="$GEN config $TOTAL" '
		/^[^ !]/ { sect = $0; skip = (sect ~ /^cs7 instance/ || sect ~ /^customer /) }
		/^provisioning/ { while ((gen | getline l) > 0) print l; close(gen) }
		skip { next }
		sect == "line vty" && $1 == "bind" { print " bind 127.0.0.1 " vp; next }
		sect == "provisioning" && $1 == "bind" { print " bind 127.0.0.1 " np; next }
		sect == "provisioning" && $1 == "batch-max" { print " batch-max " batch; next }
		$1 == "store" && $2 == "path" { print " store path " t "/store"; next }
		$1 == "store" && $2 == "map-size" { print " store map-size 65536"; next }
		sect == "records" && $1 == "directory" { print " directory " t "/records"; next }
		{ print }
	' "$SRC/doc/examples/np700.cfg" > "$T/np700.cfg"
	"$BUILD/src/np700" -c "$T/np700.cfg" >"$T/np700.log" 2>&1 &
	np_pid=$!
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	"$GEN" csv "$N" "$M" "$TOTAL" > "$T/bulk.csv"
	log "np700-ctl bulk: $M bindings over loopback (window $WINDOW, batch-max $BATCH)"
	t0=$(date +%s.%N)
	"$BUILD/src/np700-ctl" -p "$port" -u demo -q -w "$WINDOW" -t 120 -f csv bulk < "$T/bulk.csv" > "$T/bulk.out"
	rc=$?
	t1=$(date +%s.%N)
	kill -TERM "$np_pid"; wait "$np_pid" 2>/dev/null; np_pid=
	rate=$(awk -v m="$M" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", m / (b - a) }')
	[ "$rc" = 0 ] || { log "np700-ctl bulk exit $rc: $(grep -c ',error,' "$T/bulk.out") errors"; rate="FAILED($rate)"; }
	row "np700-ctl bulk, durable, at $N existing" "$rate/s" ">= 100000/s, >= 0.20" "$base/s" "$(ratio "${rate%%(*}" "$base")"
}

section_latency() {
	local out idle wr inl rt=""
	if [ ! -d "$T/store" ]; then
		mkdir -p "$T/store"
		"$GEN" fill "$T/store" "$N" "$TOTAL" || return 1
		M=0
	fi
	# the event loop with a realtime policy, as signalling is deployed (the writer thread drops
	# to SCHED_OTHER): what other tenants of a shared machine do then no longer shows
	if [ "$RT" = 1 ] && chrt -f 5 true 2>/dev/null; then
		rt="chrt -f 5"
	fi
	log "decision latency: $LAT_RATE decisions/s for $LAT_S s each: idle, bulk via the writer thread," \
		"bulk inline (${rt:-normal scheduling})"
	out=$($rt "$T/bin/decide_bench" "$T/store" "$((N + M))" "$TOTAL" "$LAT_S" "$LAT_RATE" "$BATCH") || return 1
	echo "$out" > "$T/latency.txt"
	log "$(tr '\n' ';' <<< "$out")"
	idle=$(awk '$1 == "idle" { print $3 }' <<< "$out")
	wr=$(awk '$1 == "writer" { print $3 }' <<< "$out")
	inl=$(awk '$1 == "inline" { print $3 }' <<< "$out")
	row "decision p50 / p99, no writes (us${rt:+, loop SCHED_FIFO})" \
		"$(awk '$1 == "idle" { print $2 " / " $3 }' <<< "$out")" "-" "-" "-"
	row "decision p99, bulk load via writer thread (us; writes/s)" \
		"$wr ($(awk '$1 == "writer" { print $7 }' <<< "$out")/s)" "~ idle" "$idle" "$(ratio "$wr" "$idle")"
	row "decision p99, same load committed on the loop: before (us; writes/s)" \
		"$inl ($(awk '$1 == "inline" { print $7 }' <<< "$out")/s)" "-" "$idle" "$(ratio "$inl" "$idle")"
	# the machine's own stall for this pattern and footprint, without np700 (tests/bench/map_stall.c)
	out=$($rt "$T/bin/map_stall" "$T/store/data.mdb" "$LAT_S" "$LAT_RATE" 2) || return 1
	log "$out"
	row "machine baseline: sleep + 2 random reads of the store file, no np700 (p50 / p99 us)" \
		"$(awk '{ print $2 " / " $3 }' <<< "$out")" "-" "-" "-"
}

section_hotpath() {
	local l
	[ -f "$SRC/tests/bench/hotpath.sh" ] || { log "hotpath: tests/bench/hotpath.sh not present"; return 0; }
	log "hotpath: tests/bench/hotpath.sh"
	# its table rows on stdout, progress on stderr
	while IFS= read -r l; do
		[ "$(tr -cd '|' <<< "$l" | wc -c)" = 4 ] && ROWS+=("$l")
	done < <(NP700_SRC="$SRC" NP700_BUILD="$BUILD" bash "$SRC/tests/bench/hotpath.sh")
}

section_isup() {
	[ -f "$SRC/tests/uml/bench_isup.sh" ] && [ -x "$SRC/tests/uml/uml_run.sh" ] ||
		{ log "isup: tests/uml/bench_isup.sh not present"; return 0; }
	log "isup: tests/uml/bench_isup.sh in UML (np700 against an osmo-stp hop)"
	NP700_SRC="$SRC" NP700_BUILD="$BUILD" "$SRC/tests/uml/uml_run.sh" "$SRC/tests/uml/bench_isup.sh" \
		> "$T/isup.txt" 2>&1 || return 1
	EXTRA+=("" "ISUP relay against an osmo-stp hop (tests/uml/bench_isup.sh):" "$(cat "$T/isup.txt")")
	row "ISUP relay: CPU per relayed message vs osmo-stp" "see below" "<= osmo-stp" "-" "-"
}

section_map() {
	local out rc
	[ -f "$SRC/tests/uml/bench_map.sh" ] && [ -x "$SRC/tests/uml/uml_run.sh" ] ||
		{ log "map: tests/uml/bench_map.sh not present"; return 0; }
	log "map: tests/uml/bench_map.sh in UML (SMS through np700 against an osmo-stp hop)"
	NP700_SRC="$SRC" NP700_BUILD="$BUILD" NP700_BENCH_CALLGRIND="${BENCH_MAP_CALLGRIND:-0}" \
		"$SRC/tests/uml/uml_run.sh" -t 1800 "$SRC/tests/uml/bench_map.sh" \
		"${BENCH_MAP_SMS:-2000}" "${BENCH_MAP_WINDOW:-30}" > "$T/map.txt" 2>&1
	rc=$?
	EXTRA+=("" "MAP/SMS relay against an osmo-stp hop (tests/uml/bench_map.sh):" "$(cat "$T/map.txt")")
	out=$(sed -n 's/^ratio: MAP operations\/s through np700 \/ direct = //p' "$T/map.txt")
	row "MAP: operations/s through np700 / direct (UML)" "$out" "-" "-" "-"
	# "LABEL: np700 per handled message / ... = R1 (direct run), R2 (same run)" -> "R1, R2"
	ratios() {
		sed -n "s/^$1: .* = \([0-9.]*\) (direct run), \([0-9.]*\) (same run)\$/\1, \2/p" "$T/map.txt"
	}
	row "MAP: np700 CPU per message / osmo-stp's (direct run, same run)" "$(ratios ratio)" "<= 1" "-" "-"
	out=$(ratios "ratio of instructions")
	[ -z "$out" ] ||
		row "MAP: np700 instructions per message / osmo-stp's (direct run, same run)" "$out" "<= 1" "-" "-"
	return $rc
}

EXTRA=()
for s in $SECTIONS; do
	"section_$s" || row "$s" "FAILED" "-" "-" "-"
done

echo
echo "np700 benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "figure|value|target|baseline|ratio" "${ROWS[@]}" | column -t -s '|'
[ ${#EXTRA[@]} -gt 0 ] && printf '%s\n' "${EXTRA[@]}"
exit 0
