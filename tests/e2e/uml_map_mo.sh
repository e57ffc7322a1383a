#!/bin/bash
# End-to-end test of np700's MAP MO path (an MO-ForwardSM to X relayed to the SMSC with the real
# recipient): AXB, AX, AXN, rejections, pass-through, SMSC error and timeout, records, tshark, in
# User-Mode Linux with osmo-stp and the ss7-sim simulators: see tests/uml/map_mo_test.sh.
# Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 map_mo_test.sh
