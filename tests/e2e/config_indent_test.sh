#!/bin/bash
# A config file whose first command is indented is refused with a message naming the line;
# libosmocore's config reader alone loops for ever on it (found by tests/fuzz/vty_fuzz.c).
# Prints PASS/FAIL lines; exits 0 when all passed, 1 otherwise.
#   env: NP700_SRC (source tree), NP700_BUILD (build tree), E2E_KEEP=1 keeps the temp dir
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
NP700=$BUILD/src/np700
[ -x "$NP700" ] || { echo "FAIL: $NP700 is not built"; exit 1; }

T=$(mktemp -d /tmp/np700-e2e.XXXXXX)
cleanup() {
	if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# a comment, then "customer 7" indented, then a line indented less
printf '! indented by mistake\n  customer 7\n name x\n' > "$T/indent.cfg"
timeout 60 "$NP700" -c "$T/indent.cfg" >"$T/indent.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "indent.cfg line 2: the first command must not be indented" "$T/indent.log"; then
	echo "PASS: an indented first command is refused (exit 1, line named)"
	exit 0
fi
echo "FAIL: an indented first command: exit $rc (124: np700 hung), log:"
tail -5 "$T/indent.log"
exit 1
