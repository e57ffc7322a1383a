#!/bin/bash
# End-to-end check of ss7-sim's MAP load mode (C responders for HLR and MSC, the SMSC load
# generator): tests/uml/bench_map.sh with a small count, in User-Mode Linux with osmo-stp and
# np700. Fails if any SMS fails, directly or through np700, or if the HLR or MSC missed one; no
# threshold on speed. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 360 bench_map.sh "${MAP_LOAD_SMS:-200}" 20
