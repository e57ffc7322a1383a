#!/bin/bash
# Privacy audit: every message np700 sends to a party searched for the other party's number (issue 6 item 6)
# See tests/uml/privacy_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 privacy_test.sh
