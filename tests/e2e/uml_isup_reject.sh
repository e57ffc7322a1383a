#!/bin/bash
# ISUP relay end to end in User-Mode Linux (real SCTP, osmo-stp, switch simulators, np700):
# rejections with the configured cause, malformed IAMs, overlap dialling and its time-out.
# See tests/uml/isup_reject_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 isup_reject_test.sh
