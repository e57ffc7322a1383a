#!/bin/bash
# End-to-end smoke test, run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
#  1. osmo-stp routes an IAM from switch A to switch B byte-identically, and B's ACM/ANM back;
#  2. np700, started before osmo-stp (its ASP keeps retrying), comes up as an ASP of osmo-stp,
#     receives an IAM that A sends to np700's PC, and its answer reaches A;
#  3. tshark decodes the captured IAMs (isup.called).
set -u
. "$NP700_SRC/tests/uml/lib.sh"

capture_start || true

log "np700 before osmo-stp: it must start and keep retrying"
np700_launch
check "np700 runs without an STP" _alive "$NP700_PID"

log "osmo-stp"
stp_start

log "switch B answers every IAM with ACM and ANM"
sim_start swb -e 'auto IAM ACM ANM' -e 'auto REL RLC'

log "switch A calls B through osmo-stp"
check "A's call to B is answered" sim_run swa -e 'iam swb 17 13800138000 13900139000' \
	-e 'expect ACM cic=17 opc=swb' -e 'expect ANM cic=17' -e 'isup swb 17 REL' -e 'expect RLC cic=17'
tx_iam=$(grep -E '^TX .* type=IAM ' "$SCRATCH/sim-swa.out" | head -1)
rx_iam=$(rx_lines swb IAM | head -1)
check "B received an IAM" test -n "$rx_iam"
check "the IAM arrived byte-identical" test "$(field "$tx_iam" hex)" = "$(field "$rx_iam" hex)"
check "the IAM came from A's PC to B's PC" test "$(field "$rx_iam" opc)/$(field "$rx_iam" dpc)" = "1.1.2/1.1.3"
check "the IAM kept its CIC" test "$(field "$rx_iam" cic)" = 17

log "np700 connects (reconnect interval 5 s)"
wait_asp_active np700 15
check "np700's ASP is active in osmo-stp" test "$(asp_state np700)" = ASP_ACTIVE

log "switch A sends an IAM to np700's point code"
check "A sent the IAM" sim_run swa -e 'iam np700 18 700123456789012 13800138000' -e 'sleep 300'
# whatever np700 makes of it (the ISUP relay answers an unknown circuit with UCIC), the answer must
# travel np700 -> osmo-stp -> A on the same CIC
check "np700's answer reached A" grep -qE '^RX si=5 opc=1.1.1 dpc=1.1.2 sls=[0-9]+ cic=18 ' "$SCRATCH/sim-swa.out"
rx_isup() {
	np700_vty "show rate-counters" | awk '/np700 MTP user/ { g = 1 } g && $1 == "rx:isup:" && !done { print $2; done = 1 }'
}
wait_for 5 test "$(rx_isup)" -ge 1
check "np700 counted the IAM (np700-mtp rx:isup)" test "$(rx_isup)" -ge 1
check "np700's dispatcher logged it" grep -qE 'MTP rx SI=5 opc=1.1.2 dpc=1.1.1 sls=[0-9]+ len=[0-9]+: 1200' \
	"$SCRATCH/np700.log"

capture_stop
if [ -s "$PCAP" ]; then
	log "tshark decodes the capture"
	called=$(pcap_fields isup.message_type==1 isup.called | sort -u | tr '\n' ' ')
	echo "isup.called in the IAMs: $called"
	check "tshark sees the IAM to B" grep -qw 13800138000 <<<"$called"
	check "tshark sees the IAM to np700" grep -qw 700123456789012 <<<"$called"
else
	check "capture on lo" false
fi

finish
