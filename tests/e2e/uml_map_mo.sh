#!/bin/bash
# End-to-end test of np700's MAP MO path (an MO-ForwardSM to X relayed to the SMSC with the real
# recipient): AXB, AX, AXN, rejections, pass-through, SMSC error and timeout, records, tshark, in
# User-Mode Linux with osmo-stp and the ss7-sim simulators: see tests/uml/map_mo_test.sh.
# Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim" \
	"$NP700_BUILD/tests/sim/map_msg"; do
	[ -x "$f" ] || { echo "uml_map_mo.sh: $f is not built"; exit 1; }
done
start=$(date +%s.%N)
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-180}" "$NP700_SRC/tests/uml/map_mo_test.sh"
rc=$?
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "uml_map_mo.sh: %.1f s wall clock\n", e - s }'
exit $rc
