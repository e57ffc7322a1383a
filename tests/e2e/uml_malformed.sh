#!/bin/bash
# Malformed traffic from peers in User-Mode Linux (issue 6 item 7): the corpus of broken ISUP, SCCP,
# TCAP and MAP messages in tests/uml/malformed_corpus.txt, each answered as the standards prescribe
# (or dropped and counted), with good calls, SMS and SRI in between. See tests/uml/malformed_test.sh.
# Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim" \
	"$NP700_BUILD/tests/sim/map_msg"; do
	[ -x "$f" ] || { echo "uml_malformed.sh: $f is not built"; exit 1; }
done
start=$(date +%s.%N)
"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-300}" "$NP700_SRC/tests/uml/malformed_test.sh"
rc=$?
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "uml_malformed.sh: %.1f s wall clock\n", e - s }'
exit $rc
