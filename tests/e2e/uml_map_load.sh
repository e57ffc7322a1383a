#!/bin/bash
# End-to-end check of ss7-sim's MAP load mode (C responders for HLR and MSC, the SMSC load
# generator): tests/uml/bench_map.sh with a small count, in User-Mode Linux with osmo-stp and
# np700. Fails if any SMS fails, directly or through np700, or if the HLR or MSC missed one; no
# threshold on speed. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim"; do
	[ -x "$f" ] || { echo "uml_map_load.sh: $f is not built"; exit 1; }
done
start=$(date +%s.%N)
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-180}" "$NP700_SRC/tests/uml/bench_map.sh" "${MAP_LOAD_SMS:-200}" 20
rc=$?
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "uml_map_load.sh: %.1f s wall clock\n", e - s }'
exit $rc
