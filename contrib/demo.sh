#!/bin/bash
# np700 demo: install what is missing, build, start np700 with the example configuration and a
# scratch store, provision bindings of every mode with np700-ctl, show them through the VTY, place
# a call A -> X in User-Mode Linux (real SCTP, osmo-stp) and show it arriving at B with X as the
# caller, show the call record, stop cleanly.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Installing what is missing"
"$top/contrib/deps.sh"

say "Building"
build="$top/build/demo"
if [ ! -x "$build/src/np700" ]; then
	autoreconf -fi >/dev/null 2>&1
	mkdir -p "$build"
	(cd "$build" && "$top/configure" -q && make -j"$(nproc)" >make.log 2>&1) || { tail -30 "$build/make.log"; exit 1; }
else
	make -C "$build" -j"$(nproc)" >/dev/null
fi

work=$(mktemp -d /tmp/np700-demo-XXXXXX)
np700_pid=
cleanup() {
	[ -n "$np700_pid" ] && kill "$np700_pid" 2>/dev/null && wait "$np700_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

sed -e "s|^ store path .*| store path $work/store|" -e "s|^ directory .*| directory $work/records|" \
	doc/examples/np700.cfg >"$work/np700.cfg"

say "Starting np700 with doc/examples/np700.cfg (store in $work/store)"
"$build/src/np700" -c "$work/np700.cfg" >"$work/np700.log" 2>&1 &
np700_pid=$!
vty() { python3 "$top/tests/uml/vty_cmd.py" 4290 "$@"; }
vty "show version" >/dev/null || { cat "$work/np700.log"; exit 1; }
echo "np700 runs as pid $np700_pid; VTY on 127.0.0.1 4290, provisioning on 127.0.0.1 4292"

ctl() { echo "\$ np700-ctl $*" >&2; "$build/src/np700-ctl" -u demo "$@"; }

say "Provisioning one binding of each mode with np700-ctl (client 'demo', customers 1 and 2)"
ctl create --customer 1 --mode AXB --x 700123456780001 --a 8613800138000 --b 8613900139000 \
	--expires +1h --order food-4711
ctl create --customer 1 --mode AXN --x 700123456780002 --a 8613800138001 --b 8613900139001 \
	--expires +1d --order food-4712
ctl create --customer 1 --mode AX --x 700123456780003 --a 8613800138002 --expires never \
	--callback yes --callback-window 600 --order food-4713
ctl create --customer 2 --mode AXYB --x 700999000000001 --y 700999000000002 --a 8613800138003 \
	--b 8613900139003 --expires +2h --services voice,sms --max-duration 300 --order ride-88

say "Bulk provisioning 1000 AXB bindings from CSV on stdin"
python3 - <<'PY' >"$work/bulk.csv"
print("op,mode,customer,order,x,a,b,expires")
for i in range(1000):
    print("create,AXB,1,bulk-%d,70012345678%04d,86138%08d,86139%08d,+3600" % (i, 1000 + i, i, i))
PY
"$build/src/np700-ctl" -u demo -q bulk <"$work/bulk.csv" | tail -n 2

say "Refusals: a number outside the client's pools, an invalid number"
ctl create --customer 1 --mode AXB --x 700555000000001 --a 8613800138000 --b 8613900139000 --expires +1h || true
ctl create --customer 1 --mode AXB --x 70012345678 --a 8613800138000 --b 8613900139000 --expires +1h || true

say "What the VTY shows"
for c in "show customer" "show binding 700123456780001 8613800138000" "show binding 700123456780001 8613900139000" \
	"show binding 700123456780001 8613700137000" "show binding 700123456780002 8613700137000" \
	"show binding 700999000000002 8613900139003" "show store" "show provisioning clients"; do
	echo "np700# $c"
	vty "$c" | sed 's/^/  /'
done

say "Stopping np700 with SIGTERM"
kill -TERM "$np700_pid"
wait "$np700_pid" && echo "np700 exited cleanly" || echo "np700 exit status $?"
np700_pid=

if [ -x "$top/tests/uml/demo_call.sh" ]; then
	say "A call from A to X, through osmo-stp and np700, in User-Mode Linux with real SCTP"
	NP700_BUILD="$build" bash "$top/tests/uml/uml_run.sh" "$top/tests/uml/demo_call.sh"
fi
say "Done"
