#!/bin/bash
# Privacy audit, MAP/SMS side: what np700 sends to the MSC and SMSC searched for real MSISDNs (issue 6 item 6)
# See tests/uml/privacy_map_test.sh. Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
# The sms half runs all of map_sms_test.sh (its own limit is 180 s) and then four tshark passes over the capture: slow in UML on a loaded machine.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 500 privacy_map_test.sh sms
rc=$?
# the MO path in a second boot: its own network, so the MT capture stays as it was
uml_scenario 360 privacy_map_test.sh mo || rc=1
exit $rc
