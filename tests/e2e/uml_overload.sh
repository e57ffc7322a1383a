#!/bin/bash
# Overload: offered call load above the admission limits, shed with cause 42, VTY responsive; a provisioning flood and a call load together, neither starved (issue 6 item 4)
# See tests/uml/overload_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 overload_test.sh
