#!/bin/bash
# A full SCTP send buffer: np700's M3UA messages written at once or queued, none lost or reordered
# (issue 5). See tests/uml/sndbuf_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 sndbuf_test.sh
