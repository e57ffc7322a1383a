#!/bin/bash
# Fault: osmo-stp killed and restarted under calls; GRS at start-up (issue 6 item 3a)
# See tests/uml/fault_stp_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 fault_stp_test.sh
