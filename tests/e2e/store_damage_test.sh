#!/bin/bash
# Damaged store file at start (issue 6 item 3): np700 makes a store with a few bindings, then
# starts on copies of its data.mdb truncated (to 0, below the meta pages, to half) or overwritten
# (first meta page, four data pages, every page but the tree of named databases): each time np700
# must refuse to start -- exit status 1, not a signal -- with a DSTORE error line saying why, and
# never come up on an empty store. The intact copy starts and has its bindings. Runs on the host
# (no SCTP needed). Prints PASS/FAIL lines.
#   env: NP700_SRC, NP700_BUILD, E2E_KEEP=1 keeps the temp dir
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
NP700=$BUILD/src/np700
CTL=$BUILD/src/np700-ctl
for f in "$NP700" "$CTL"; do
	[ -x "$f" ] || { echo "FAIL: $f is not built"; exit 1; }
done
# shellcheck source=tests/e2e/lib/host.sh
. "$here/lib/host.sh"

# VTY and provisioning on ports of their own, so that a running np700 does not disturb
VTY=$((14290 + $$ % 1000))
NB=$((VTY + 2))
mkdir -p "$T/store" "$T/records"
sed -e "s|/var/lib/np700/store|$T/store|" -e "s|/var/lib/np700/records|$T/records|" \
    -e "s|^ bind 127.0.0.1 4292| bind 127.0.0.1 $NB|" -e '/^cs7 instance/,$d' \
    "$SRC/doc/examples/np700.cfg" >"$T/np700.cfg"
printf 'line vty\n bind 127.0.0.1 %s\n' "$VTY" >>"$T/np700.cfg"

start() {
	"$NP700" -c "$T/np700.cfg" >"$T/np700.log" 2>&1 &
	np_pid=$!
}
# np700 says it started (the store is open)
up() {
	local i
	for i in $(seq 1 50); do
		grep -q 'DMAIN np700 .* started' "$T/np700.log" && return 0
		kill -0 "$np_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop() {
	kill -TERM "$np_pid" 2>/dev/null
	wait "$np_pid" 2>/dev/null
	np_pid=
}

start
up || { cat "$T/np700.log"; nok "np700 starts on a new store"; exit 1; }
for i in 1 2 3 4 5; do
	"$CTL" -p "$NB" -u demo create --customer 1 --mode AXB --x 70012345678900$i --a 861380013800$i \
		--b 861390013900$i --expires +1d >/dev/null || nok "create $i"
done
stop
cp "$T/store/data.mdb" "$T/good.mdb"
echo "store: $(stat -c %s "$T/good.mdb") bytes"

# damage NAME CMD...: apply CMD to a fresh copy, start np700: it must exit 1 with a DSTORE error
damage() {
	local name=$1 rc
	shift
	cp "$T/good.mdb" "$T/store/data.mdb"
	"$@"
	start
	for _ in $(seq 1 30); do
		kill -0 "$np_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$np_pid" 2>/dev/null; then
		stop
		nok "$name: np700 started anyway"
		return
	fi
	wait "$np_pid"
	rc=$?
	np_pid=
	if [ "$rc" = 1 ] && grep -q 'DSTORE' "$T/np700.log"; then
		ok "$name: refused, exit 1: $(grep -m1 DSTORE "$T/np700.log" | sed "s|$T|T|g")"
	else
		nok "$name: exit status $rc (>128: a signal); log: $(tail -2 "$T/np700.log" | tr '\n' ' ')"
	fi
}
size=$(stat -c %s "$T/good.mdb")
damage "empty file" truncate -s 0 "$T/store/data.mdb"
damage "truncated to 6000 bytes (second meta page cut)" truncate -s 6000 "$T/store/data.mdb"
damage "truncated to half" truncate -s $((size / 2)) "$T/store/data.mdb"
damage "truncated by one page" truncate -s $((size - 4096)) "$T/store/data.mdb"
damage "first meta page zeroed" dd if=/dev/zero of="$T/store/data.mdb" bs=512 count=1 conv=notrunc status=none
damage "pages 2-5 overwritten" sh -c "head -c 16384 /dev/zero | tr '\\0' '\\377' | dd of='$T/store/data.mdb' bs=4096 seek=2 conv=notrunc status=none"
# the tree of named databases intact, every other page after the metas overwritten: the root page
# of each database is checked as well (the newest meta page names the tree: mm_dbs[MAIN_DBI].md_root
# at octet 128, txnid at 144)
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
if [ "$(u64 "$T/good.mdb" 144)" -gt "$(u64 "$T/good.mdb" $((4096 + 144)))" ]; then
	main=$(u64 "$T/good.mdb" 128)
else
	main=$(u64 "$T/good.mdb" $((4096 + 128)))
fi
overwrite_but_main() {
	local p
	for p in $(seq 2 $((size / 4096 - 1))); do
		[ "$p" = "$main" ] && continue
		head -c 4096 /dev/zero | tr '\0' '\377' | dd of="$T/store/data.mdb" bs=4096 seek="$p" conv=notrunc status=none
	done
}
damage "every page but the metas and page $main (the tree of named databases) overwritten" overwrite_but_main

cp "$T/good.mdb" "$T/store/data.mdb"
start
if up && "$CTL" -p "$NB" -u demo get --id 5 | grep -q '"result":"ok"'; then
	ok "the intact store starts with its bindings"
else
	nok "the intact store starts with its bindings"
fi
stop
e2e_finish store_damage_test
