#!/bin/bash
# End-to-end test of np700's SCCP relay (GT routing, UDTS/XUDTS) in User-Mode Linux with
# osmo-stp and the ss7-sim simulators: see tests/uml/sccp_test.sh. Run by contrib/test.sh with
# NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 sccp_test.sh
