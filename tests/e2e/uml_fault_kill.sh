#!/bin/bash
# Fault: np700 SIGKILLed under calls, SMS and a bulk load, and restarted; peer lost mid-call; full records disk (issue 6 item 3b-d)
# See tests/uml/fault_kill_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 fault_kill_test.sh
