#!/bin/bash
# Malformed traffic from peers in User-Mode Linux (issue 6 item 7): the corpus of broken ISUP, SCCP,
# TCAP and MAP messages in tests/uml/malformed_corpus.txt, each answered as the standards prescribe
# (or dropped and counted), with good calls, SMS and SRI in between. See tests/uml/malformed_test.sh.
# Run by contrib/test.sh with NP700_SRC and NP700_BUILD set.
. "$(dirname "$0")/../uml/e2e.sh"
uml_scenario 600 malformed_test.sh
