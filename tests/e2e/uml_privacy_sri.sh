#!/bin/bash
# Privacy audit, MAP SRI + ISUP: the GMSC never sees B, switch B never A (issue 6 item 6)
# See tests/uml/privacy_map_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 privacy_map_test.sh sri
