#!/bin/bash
# ISUP relay end to end in User-Mode Linux (real SCTP, osmo-stp, switch simulators, np700):
# calls of every binding mode, numbers as they arrive at the far switch (also decoded by
# tshark), Connected Number, release from either side, unknown parameter, call records.
# See tests/uml/isup_calls_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 isup_calls_test.sh
