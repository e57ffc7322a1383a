#!/bin/bash
# The China network variant end to end in User-Mode Linux (24-bit point codes everywhere: osmo-stp,
# switch and SCCP simulators, np700 with `point-code format 8 8 8` and `variant china`): an AXB
# call both ways, a rejected call, SCCP relayed by GT with 24-bit PCs in the addresses, and tshark
# decoding it all with mtp3.standard CHINESE-ITU.
# See tests/uml/china_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim"; do
	[ -x "$f" ] || { echo "uml_china.sh: $f is not built"; exit 1; }
done
start=$(date +%s.%N)
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-120}" "$NP700_SRC/tests/uml/china_test.sh"
rc=$?
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "uml_china.sh: %.1f s wall clock\n", e - s }'
exit $rc
