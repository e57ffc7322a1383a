#!/bin/bash
# The in-process translation hot path at several store sizes (issue 5 items 2 and 5; method in
# doc/benchmarks.md): callgrind instructions and wall-clock per ISUP IAM and per MT-ForwardSM
# (tests/bench/hotpath_bench.c), bytes per binding (after the fill, and for the first size also
# after a call on every binding), np700 start-up time with the store against an empty store.
# Prints table rows "figure|value|target|baseline|ratio" on stdout (contrib/bench.sh collects
# them), progress on stderr.
#   env: NP700_BUILD      build tree with src/np700 and the src/*.a libraries (default $SRC/build/normal)
#        HOTPATH_SIZES    store sizes (default "1000000 10000000"; 100000000 needs ~16 GB of disk and
#                         67 min of np700_gen on a 2-core machine)
#        HOTPATH_DIR      where the stores are made and kept for the next run (default /tmp/np700-hotpath;
#                         a store is reused if DIR/gN-tTXN/done exists)
#        HOTPATH_TXN      bindings per write transaction of the fill (default 1024, the provisioning
#                         server's default batch-max, so the file is laid out as np700 writes it;
#                         100000 fills faster but leaves a third of the pages on LMDB's free list)
#        HOTPATH_CG_M     messages per callgrind run (default 20000)
#        HOTPATH_WALL_M   messages per wall-clock run (default 200000)
#        HOTPATH_STARTS   measured np700 start-ups per store (default 3, the median is reported)
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
SIZES=${HOTPATH_SIZES:-1000000 10000000}
TXN=${HOTPATH_TXN:-1024}
DIR=${HOTPATH_DIR:-/tmp/np700-hotpath}
CG_M=${HOTPATH_CG_M:-20000}
WALL_M=${HOTPATH_WALL_M:-200000}
STARTS=${HOTPATH_STARTS:-3}

log() { echo "hotpath: $*" >&2; }
row() { echo "$1|$2|$3|$4|$5"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

for f in "$BUILD/src/np700" "$BUILD/src/libnp700isup.a" "$BUILD/src/libnp700map.a"; do
	[ -e "$f" ] || { log "$f is not built (set NP700_BUILD)"; exit 1; }
done
command -v valgrind >/dev/null || { log "valgrind is missing"; exit 1; }
mkdir -p "$DIR/bin"
B=$BUILD/src
PKG=$(pkg-config --libs libosmovty libosmogsm libosmocore talloc lmdb)
CFLAGS="-O2 -g -std=gnu11 -I$SRC/include -I$BUILD $(pkg-config --cflags libosmocore)"
cc $CFLAGS -o "$DIR/bin/np700_gen" "$SRC/tests/bench/np700_gen.c" $B/libnp700store.a $B/libnp700common.a $PKG &&
cc $CFLAGS -o "$DIR/bin/hotpath_bench" "$SRC/tests/bench/hotpath_bench.c" $B/libnp700isup.a $B/libnp700map.a \
	$B/libnp700sccp.a $B/libnp700store.a $B/libnp700common.a $PKG || { log "build failed"; exit 1; }

# the store's fill size (gN-tTXN): bindings a later bench wrote into it are not picked
fill_n() {	# store
	basename "$1" | sed 's/^g\([0-9]*\)-t.*/\1/'
}

# instructions per message of one mode: callgrind collects only inside bench_iam() / bench_mt()
instr() {	# mode store
	local out
	out=$(NP700_GEN_T0=$(cat "$2/gen_t0") NP700_GEN_TOTAL=$(fill_n "$2") valgrind --tool=callgrind \
		--toggle-collect="bench_$1" --callgrind-out-file="$DIR/cg.$1.$(basename "$2")" \
		"$DIR/bin/hotpath_bench" "$1" "$2" "$CG_M" 2>&1)
	# a message that was not allowed took a shorter path: no figure then
	grep -q "allowed=$CG_M " <<< "$out" || { echo "hotpath: $1 on $2: not every message allowed" >&2; echo "invalid"; return; }
	awk -v m="$CG_M" '/Collected :/ { printf "%.0f", $4 / m }' <<< "$out"
}

wall() {	# mode store -> us per message
	NP700_GEN_T0=$(cat "$2/gen_t0") NP700_GEN_TOTAL=$(fill_n "$2") "$DIR/bin/hotpath_bench" "$1" "$2" "$WALL_M" 2>/dev/null |
		sed -n 's/.*us_per_msg=\([0-9.]*\).*/\1/p'
}

# seconds from exec until np700 accepts on its provisioning port (store opened, config applied)
startup() {	# store total
	local cfg="$DIR/np700.$(basename "$1").cfg" port=$((20000 + RANDOM % 20000)) t0 t1 pid i
	mkdir -p "$DIR/records"
	awk -v st="$1" -v vp="$port" -v np="$((port + 1))" -v rec="$DIR/records" -v gen="$DIR/bin/np700_gen config $2" '
		/^[^ !]/ { sect = $0; skip = (sect ~ /^cs7 instance/ || sect ~ /^customer /) }
		/^provisioning/ { while ((gen | getline l) > 0) print l; close(gen) }
		skip { next }
		sect == "line vty" && $1 == "bind" { print " bind 127.0.0.1 " vp; next }
		sect == "provisioning" && $1 == "bind" { print " bind 127.0.0.1 " np; next }
		$1 == "store" && $2 == "path" { print " store path " st; next }
		$1 == "store" && $2 == "map-size" { print " store map-size 65536"; next }
		sect == "records" && $1 == "directory" { print " directory " rec; next }
		{ print }
	' "$SRC/doc/examples/np700.cfg" > "$cfg"
	t0=$(date +%s.%N)
	"$BUILD/src/np700" -c "$cfg" >"$DIR/np700.log" 2>&1 &
	pid=$!
	for i in $(seq 1 3000); do
		(exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	t1=$(date +%s.%N)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

startup_median() {	# store total
	local i v=()
	startup "$1" "$2" >/dev/null	# first start: pools written into an empty store, page cache warm
	for i in $(seq 1 "$STARTS"); do
		v+=("$(startup "$1" "$2")")
	done
	printf '%s\n' "${v[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

first_iam= first_mt= first_n=
for n in $SIZES; do
	st=$DIR/g$n-t$TXN
	if [ ! -e "$st/done" ]; then
		rm -rf "$st" && mkdir -p "$st"
		date +%s > "$st/gen_t0"
		log "filling $st with $n bindings (np700_gen fill, transactions of $TXN)"
		NP700_GEN_T0=$(cat "$st/gen_t0") "$DIR/bin/np700_gen" fill "$st" "$n" "$n" "$TXN" || exit 1
		touch "$st/done"
	fi
	log "N=$n: callgrind, $CG_M messages each"
	iam=$(instr iam "$st")
	mt=$(instr mt "$st")
	log "N=$n: wall clock, $WALL_M messages each"
	iam_us=$(wall iam "$st")
	mt_us=$(wall mt "$st")
	file=$(stat -c %s "$st/data.mdb")
	# live = pages in use minus LMDB's free list (pages freed by the last transactions, reused by
	# the next ones); "mdb_stat -a" would miss the pages of the DUPSORT sub-databases
	live=$(mdb_stat -ef "$st" 2>/dev/null | awk '/Page size:/ { ps = $3 } /Number of pages used:/ { u = $5 }
		/Free pages:/ { f = $3 } END { print (u - f) * ps }')
	if [ -z "$first_n" ]; then
		first_n=$n first_iam=$iam first_mt=$mt
		row "IAM instructions/msg, $n bindings" "$iam" "<= 5000 at 1e7" "-" "-"
		row "MT-ForwardSM instructions/msg, $n bindings" "$mt" "<= 20000 at 1e7" "-" "-"
	else
		row "IAM instructions/msg, $n bindings" "$iam" "<= 5000 at 1e7; <= 1.5x $first_n" "$first_iam" \
			"$(ratio "$iam" "$first_iam")"
		row "MT-ForwardSM instructions/msg, $n bindings" "$mt" "<= 20000 at 1e7; <= 1.5x $first_n" "$first_mt" \
			"$(ratio "$mt" "$first_mt")"
	fi
	row "IAM wall clock/msg, $n bindings (us)" "$iam_us" "-" "-" "-"
	row "MT-ForwardSM wall clock/msg, $n bindings (us)" "$mt_us" "-" "-" "-"
	row "bytes/binding, $n bindings (file; live pages as baseline)" "$(ratio "$file" "$n")" "<= 200" \
		"$(ratio "$live" "$n")" "$(ratio "$file" "$live")"
	if [ "$n" = "$first_n" ]; then
		# in service every binding has been called: its usage written (on a copy of the first store)
		log "N=$n: the same store after a call on every binding"
		rm -rf "$DIR/svc" && cp -r "$st" "$DIR/svc" &&
			NP700_GEN_T0=$(cat "$st/gen_t0") "$DIR/bin/np700_gen" usage "$DIR/svc" "$n" &&
			row "bytes/binding in service, $n bindings (each called once; fresh fill as baseline)" \
				"$(ratio "$(stat -c %s "$DIR/svc/data.mdb")" "$n")" "<= 200" "$(ratio "$file" "$n")" \
				"$(ratio "$(stat -c %s "$DIR/svc/data.mdb")" "$file")"
		rm -rf "$DIR/svc"
	fi
	log "N=$n: np700 start-up, median of $STARTS"
	rm -rf "$DIR/empty" && mkdir -p "$DIR/empty"
	s_empty=$(startup_median "$DIR/empty" "$n")
	s_full=$(startup_median "$st" "$n")
	row "np700 start-up, $n bindings vs empty store (s)" "$s_full" "<= 2x empty" "$s_empty" \
		"$(ratio "$s_full" "$s_empty")"
done
