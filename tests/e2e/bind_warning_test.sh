#!/bin/bash
# The VTY and provisioning listen on 127.0.0.1 unless configured otherwise, and binding them to a
# public address logs a warning (issue 6, item 5). np700 is started twice with the example config
# (without cs7): once with both bound to 0.0.0.0, once without "bind" lines (the defaults); the
# log and `ss -ltn` are checked. Runs in a network namespace of its own when `unshare -n` works,
# so that the default ports cannot collide with another np700 on this host.
# Prints PASS/FAIL lines; exits 0 when all passed, 1 otherwise.
#   env: NP700_SRC (source tree), NP700_BUILD (build tree), E2E_KEEP=1 keeps the temp dir
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
NP700=$BUILD/src/np700
VTY_DEFAULT_PORT=4290
NB_DEFAULT_PORT=4292

if [ -z "${BIND_TEST_NETNS:-}" ] && unshare -n true 2>/dev/null; then
	BIND_TEST_NETNS=1 exec unshare -n bash -c 'ip link set lo up && exec bash "$0"' "$0"
fi

[ -x "$NP700" ] || { echo "FAIL: $NP700 is not built"; exit 1; }

# shellcheck source=tests/e2e/lib/host.sh
. "$here/lib/host.sh"

# config NAME VTY_BIND NB_BIND: the example config with our paths; a bind value "-" drops the
# "bind" line (the default applies)
config() {
	awk -v t="$T" -v vb="$2" -v nbb="$3" '
		/^[^ !]/ { sect = $0; skip = (sect ~ /^cs7 instance/) }
		skip { next }
		sect == "line vty" && $1 == "bind" { if (vb != "-") print " bind " vb; next }
		sect == "provisioning" && $1 == "bind" { if (nbb != "-") print " bind " nbb; next }
		$1 == "store" && $2 == "path" { print " store path " t "/store"; next }
		sect == "records" && $1 == "directory" { print " directory " t "/records"; next }
		{ print }
	' "$SRC/doc/examples/np700.cfg" > "$T/$1.cfg"
}

listening() {	# ADDR:PORT
	ss -ltnH | awk '{ print $4 }' | grep -qxF "$1"
}

# start NAME NB_PORT: run np700 with $T/NAME.cfg until the provisioning port listens (the last
# listener np700 opens)
start() {
	mkdir -p "$T/store" "$T/records"
	"$NP700" -c "$T/$1.cfg" >"$T/$1.log" 2>&1 &
	np_pid=$!
	for i in $(seq 1 200); do
		if ss -ltnH | awk '{ print $4 }' | grep -q ":$2\$"; then
			return 0
		fi
		kill -0 "$np_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "np700 did not come up; its log:"
	tail -30 "$T/$1.log"
	return 1
}

stop() {
	kill -TERM "$np_pid" 2>/dev/null
	wait "$np_pid" 2>/dev/null
	np_pid=
}

# free-looking ports (only needed outside a namespace of our own)
base=$((20000 + RANDOM % 20000))
VP=$base
NP=$((base + 1))

# --- both bound to every address: a warning each
config public "0.0.0.0 $VP" "0.0.0.0 $NP"
if start public "$NP"; then
	ok "np700 starts with VTY and provisioning on 0.0.0.0"
	check "VTY listens on 0.0.0.0:$VP" listening "0.0.0.0:$VP"
	check "provisioning listens on 0.0.0.0:$NP" listening "0.0.0.0:$NP"
	check "the VTY's public address is warned about" \
		grep -q "VTY listens on 0.0.0.0:$VP, not a loopback address" "$T/public.log"
	check "provisioning's public address is warned about" \
		grep -q "provisioning listens on 0.0.0.0:$NP, not a loopback address" "$T/public.log"
	stop
else
	nok "np700 starts with VTY and provisioning on 0.0.0.0"
fi

# --- no bind lines: loopback on the default ports, no warning
if [ -z "${BIND_TEST_NETNS:-}" ]; then
	# the host's namespace: wait for another np700 on the default ports to go
	for i in $(seq 1 300); do
		ss -ltnH | awk '{ print $4 }' | grep -qE ":($VTY_DEFAULT_PORT|$NB_DEFAULT_PORT)\$" || break
		sleep 1
	done
fi
config defaults - -
if start defaults "$NB_DEFAULT_PORT"; then
	ok "np700 starts without bind lines"
	check "VTY listens on 127.0.0.1:$VTY_DEFAULT_PORT" listening "127.0.0.1:$VTY_DEFAULT_PORT"
	check "provisioning listens on 127.0.0.1:$NB_DEFAULT_PORT" listening "127.0.0.1:$NB_DEFAULT_PORT"
	check "nothing listens on another address on those ports" test -z "$(ss -ltnH | awk '{ print $4 }' |
		grep -E ":($VTY_DEFAULT_PORT|$NB_DEFAULT_PORT)\$" | grep -v '^127\.0\.0\.1:')"
	check "no warning about the addresses" test -z "$(grep 'not a loopback address' "$T/defaults.log")"
	stop
else
	nok "np700 starts without bind lines"
fi

e2e_finish bind_warning_test
