#!/bin/bash
# np700 under valgrind memcheck, end to end in User-Mode Linux (issue 6 item 2; ASan cannot run
# inside UML: "Shadow memory range interleaves"). Three scenarios, each its unchanged TEST script
# with NP700_VALGRIND=1 (tests/uml/lib.sh):
#   isup_calls_test.sh   calls of every binding mode, AXB both ways, release from either side
#   isup_reject_test.sh  rejections (caller not allowed, no binding, expired), malformed IAMs,
#                        overlap dialling and its T35 time-out
#   map_sms_test.sh      the MAP SMS router: AXB both ways, AX, unbound sender, unknown X,
#                        concatenated SMS, more-messages-to-send
# np700 runs under memcheck and is stopped with SIGTERM at the end (so that the leak check runs);
# a scenario fails on any memcheck error or definite leak, on an exit status other than 0, or on
# any of its own checks. The scripts' waits are 6 times longer (NP700_WAIT_SCALE); no check is
# weakened. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
#   env: UML_TIMEOUT (per scenario, default 600), NP700_VALGRIND_TESTS (default: the three above)
. "$(dirname "$0")/../uml/e2e.sh"
command -v valgrind >/dev/null || { echo "uml_valgrind.sh: valgrind is not installed (contrib/deps.sh)"; exit 1; }

export NP700_VALGRIND=1
rc=0
for t in ${NP700_VALGRIND_TESTS:-isup_calls isup_reject map_sms}; do
	echo "=== $t under valgrind"
	if uml_scenario 600 "${t}_test.sh"; then
		echo "PASS: $t under valgrind"
	else
		echo "FAIL: $t under valgrind"
		rc=1
	fi
done
exit $rc
