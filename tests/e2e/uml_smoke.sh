#!/bin/bash
# End-to-end smoke test in User-Mode Linux (real SCTP, osmo-stp, two switch simulators, np700):
# see tests/uml/smoke_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 smoke_test.sh
