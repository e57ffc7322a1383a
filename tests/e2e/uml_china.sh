#!/bin/bash
# The China network variant end to end in User-Mode Linux (24-bit point codes everywhere: osmo-stp,
# switch and SCCP simulators, np700 with `point-code format 8 8 8` and `variant china`): an AXB
# call both ways, a rejected call, SCCP relayed by GT with 24-bit PCs in the addresses, and tshark
# decoding it all with mtp3.standard CHINESE-ITU.
# See tests/uml/china_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 300 china_test.sh
