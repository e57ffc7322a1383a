#!/bin/bash
# End-to-end test of the ss7-sim simulator in User-Mode Linux:
# see tests/uml/sim_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 sim_test.sh
