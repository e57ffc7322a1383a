#!/bin/bash
# Privacy audit, MAP/SMS side: what np700 sends to the MSC and SMSC searched for real MSISDNs (issue 6 item 6)
# See tests/uml/privacy_map_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim" \
	"$NP700_BUILD/tests/sim/map_msg"; do
	[ -x "$f" ] || { echo "uml_privacy_map.sh: $f is not built"; exit 1; }
done
start=$(date +%s.%N)
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-120}" "$NP700_SRC/tests/uml/privacy_map_test.sh" sms
rc=$?
# the MO path in a second boot: its own network, so the MT capture stays as it was
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-120}" "$NP700_SRC/tests/uml/privacy_map_test.sh" mo
rc_mo=$?
[ $rc = 0 ] && rc=$rc_mo
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "uml_privacy_map.sh: %.1f s wall clock\n", e - s }'
exit $rc
