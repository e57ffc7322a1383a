# shellcheck shell=bash
# Sourced by the end-to-end tests that run on the host (tests/e2e/*_test.sh): a scratch directory
# $T, removed at exit unless E2E_KEEP=1 (then "kept $T" is printed: contrib/test.sh searches it for
# sanitizer reports), np700's PID in np_pid (killed at exit if still set), and the bookkeeping:
#   ok TEXT / nok TEXT     a passed / failed check
#   check TEXT CMD...      run CMD: ok or nok
#   e2e_finish NAME        the summary line; the status: 0 if nothing failed
T=$(mktemp -d /tmp/np700-e2e.XXXXXX)
pass=0
fail=0
np_pid=

cleanup() {
	[ -n "$np_pid" ] && kill -KILL "$np_pid" 2>/dev/null
	if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "PASS: $*"; }
nok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {	# description command...
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

e2e_finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
