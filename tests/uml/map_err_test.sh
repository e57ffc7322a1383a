#!/bin/bash
# MAP SMS router failures end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (same
# network as map_sms_test.sh; responders of tests/uml/map_lib.sh):
#  1. HLR error: the recipient's HLR answers unknownSubscriber -> unidentifiedSubscriber at the SMSC;
#  2. MSC error: absentSubscriberSM -> absentSubscriberSM at the SMSC;
#  3. peer timeout: the MSC never answers -> systemFailure at the SMSC after peer-timeout;
#  4. v3 refused: the MSC refuses shortMsgMT-RelayContext v3 (U-ABORT, ACN not supported, v2
#     offered) -> np700 retries with forwardSM v2, the SMSC gets the result;
#  5. the recipient's HLR has no GT route -> systemFailure at the SMSC;
#  6. MAP traffic for a GT that is not np700's is relayed byte-identical;
#  7. a MAP UDT without route (return option set) comes back to the SMSC as UDTS.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

A=8613700137000
B=8613800138000
B_NOROUTE=8613600136000 # 86136: no GT route in np700
X_AXB=700123456780001
X_NOROUTE=700123456780005

stp_start
map_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
for n in smsc hlr msc; do
	map_sim_start $n ok
done
map_mode smsc silent

log "provisioning with np700-ctl"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a $A --b $B --expires +1h)"
check "AXB binding to a recipient without HLR route" \
	test -n "$(ctl_id create --customer 1 --mode AXB --x $X_NOROUTE --a $A --b $B_NOROUTE --expires +1h)"

# the SMSC's transaction ids (map_sms): a range of this test's own
_otid=$((0x52000000))

log "HLR error"
map_mode hlr error 1
map_sms $X_AXB $A "hlr error"
expect_match "SMSC: unknownSubscriber from the HLR -> unidentifiedSubscriber" "$ANS" \
	"tcap=End .*comp=ReturnError error=5\$"
map_mode hlr ok

log "MSC error: absent subscriber"
map_mode msc error 6 1
map_sms $X_AXB $A "msc error"
expect_match "the MSC got the SMS" "$(map_wait msc "text=msc_error" 1)" "tp_addr=$X_AXB "
expect_match "SMSC: absentSubscriberSM" "$ANS" "tcap=End .*comp=ReturnError error=6\$"

log "peer timeout: the MSC never answers"
map_mode msc silent
t0=$(date +%s)
map_sms $X_AXB $A "no answer"
t1=$(date +%s)
expect_match "SMSC: systemFailure after the timeout" "$ANS" "tcap=End .*comp=ReturnError error=34\$"
check "the error came after peer-timeout $MAP_PEER_TIMEOUT s ($((t1 - t0)) s)" test $((t1 - t0)) -ge $MAP_PEER_TIMEOUT
sleep 0.5
echo "after the timeout the MSC got: $(tail -1 "$SCRATCH/dec-msc.txt")"

log "v3 refused -> v2 fallback"
map_mode msc refuse-v3
map_sms $X_AXB $A "fallback"
expect_match "the MSC got the v3 Begin first" "$(grep -m1 text=fallback "$SCRATCH/dec-msc.txt")" \
	"tcap=Begin .*ac=25 v=3 comp=Invoke op=44 "
expect_match "then forwardSM v2 with the same SMS" "$(grep text=fallback "$SCRATCH/dec-msc.txt" | sed -n 2p)" \
	"tcap=Begin .*ac=25 v=2 comp=Invoke op=46 imsi=46000${B: -10} .*tp_addr=$X_AXB .*text=fallback\$"
expect_match "SMSC: result" "$ANS" "tcap=End .*comp=ReturnResultLast"
map_mode msc ok

log "the recipient's HLR has no GT route"
map_sms $X_NOROUTE $A "no route"
expect_match "SMSC: systemFailure" "$ANS" "tcap=End .*comp=ReturnError error=34\$"

log "MAP for another node's GT is relayed byte-identical"
map_mode msc silent
hex=$(map_msg -o 5e000001 mt-fsm $MSC_GT 8 "$SMSC_GT" 8 460001234567890 $A "relayed")
map_send smsc "$hex"
wait_line "$SCRATCH/sim-msc.out" "hex=$hex\$" 5
check "the MSC received the SMSC's MT-ForwardSM byte-identical, from np700" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.3 .*hex=$hex\$" "$SCRATCH/sim-msc.out"

log "a MAP UDT without route comes back as UDTS"
hex=$(map_msg -o 5e000002 sri-sm 4412345678 6 "$SMSC_GT" 8 4412345678)
map_send smsc "$hex"
udts=$(map_wait smsc "sccp=UDTS .*otid=5e000002")
expect_match "the SMSC got UDTS cause 1 with its own SRI-SM" "$udts" \
	"sccp=UDTS called=$SMSC_GT .*calling=4412345678 .*cause=1 tcap=Begin otid=5e000002 .*op=45 msisdn=4412345678 "

np700_vty 'show sms' | head -10
finish
