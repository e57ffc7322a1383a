#!/bin/bash
# ISUP relay end to end in User-Mode Linux (real SCTP, osmo-stp, switch simulators, np700):
# circuit reset (RSC) and group reset (GRS/GRA) from either switch during a call or over np700's
# unanswered IAM, dual seizure.
# See tests/uml/isup_circuit_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 isup_circuit_test.sh
