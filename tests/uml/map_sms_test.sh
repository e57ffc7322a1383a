#!/bin/bash
# MAP SMS router end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh: np700 behind
# osmo-stp with GT routes to an SMSC, two HLRs and an MSC (ss7-sim + responders, map_lib.sh).
# The SMSC asks SendRoutingInfoForSM for X, gets a correlation IMSI and np700's GT, and sends the
# MT-ForwardSM there; np700 asks the real recipient's HLR and forwards to the MSC with TP-OA = X.
#  1. AXB: A -> X arrives at B's MSC with B's IMSI and TP-OA X; B -> X arrives for A (other HLR);
#  2. AX: C -> X arrives for A;
#  3. unbound sender C -> X of the AXB pair: MAP error at the SMSC, nothing at the MSC;
#  4. unknown X: SendRoutingInfoForSM answered with an error;
#  5. concatenated SMS (two parts) both arrive with their UDH; more-messages-to-send: two SMS in
#     one dialogue (Continue) arrive in one dialogue at the MSC;
#  6. tshark decodes np700's MAP/SMS output (opcode, IMSI, MSISDN, TP-OA, text, called GT).
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

A=8613700137000 # served by hlrb (86137 -> 1.2.5)
B=8613800138000 # served by hlr (86138 -> 1.2.2)
C=8613700137009
A2=8613800138002
X_AXB=700123456780001
X_AX=700123456780003
X_NONE=700999999999999

capture_start || true
stp_start
map_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
for n in smsc hlr hlrb msc; do
	map_sim_start $n ok
done
map_mode smsc silent

log "provisioning with np700-ctl"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a $A --b $B --expires +1h)"
check "AX binding" test -n "$(ctl_id create --customer 1 --mode AX --x $X_AX --a $A2 --expires never)"

# the SMSC's transaction ids (map_sms): a range of this test's own
_otid=$((0x51000000))

imsi_of() {
	echo "46000${1: -10}"
}

log "AXB: A -> X"
map_sms $X_AXB $A "hello B from A"
ans=$ANS
expect_match "SRI-SM for X answered with a correlation IMSI and np700's GT" "$SRI_ANS" \
	"tcap=End .*op=45 imsi=46000999[0-9]+ nnn=$NP700_GT "
expect_match "the SMSC got the MT-ForwardSM result" "$ans" "tcap=End .*comp=ReturnResultLast"
expect_match "B's HLR got SRI-SM for B" "$(map_wait hlr "msisdn=$B" 1)" "op=45 msisdn=$B "
expect_match "B's MSC got the SMS for B's IMSI with TP-OA X" "$(map_wait msc "imsi=$(imsi_of $B)" 1)" \
	"called=$MSC_GT .*op=44 imsi=$(imsi_of $B) .*tp_addr=$X_AXB tp_ton=2 text=hello_B_from_A\$"

log "AXB: B -> X"
map_sms $X_AXB $B "hi A"
ans=$ANS
expect_match "the SMSC got the result" "$ans" "tcap=End .*comp=ReturnResultLast"
expect_match "A's HLR (hlrb) got SRI-SM for A" "$(map_wait hlrb "msisdn=$A" 1)" "op=45 msisdn=$A "
expect_match "A's MSC got the SMS with TP-OA X" "$(map_wait msc "imsi=$(imsi_of $A)" 1)" \
	"imsi=$(imsi_of $A) .*tp_addr=$X_AXB tp_ton=2 text=hi_A\$"

log "AX: C -> X reaches A"
map_sms $X_AX $C "to A via AX"
ans=$ANS
expect_match "the SMSC got the result" "$ans" "tcap=End .*comp=ReturnResultLast"
expect_match "A's MSC got the SMS with TP-OA X" "$(map_wait msc "text=to_A_via_AX" 1)" \
	"imsi=$(imsi_of $A2) .*tp_addr=$X_AX tp_ton=2 "

log "unbound sender: C -> X of the AXB pair"
n_msc=$(wc -l <"$SCRATCH/dec-msc.txt")
map_sms $X_AXB $C "not allowed"
ans=$ANS
expect_match "the SMSC got a MAP error (caller-not-allowed -> illegalSubscriber)" "$ans" \
	"tcap=End .*comp=ReturnError error=9\$"
check "nothing reached the MSC" test "$(wc -l <"$SCRATCH/dec-msc.txt")" = "$n_msc"

log "unknown X"
map_send smsc "$(map_msg -o 5f000001 sri-sm $X_NONE 6 "$SMSC_GT" 8 $X_NONE)"
expect_match "SRI-SM for an unknown X answered with unknownSubscriber" "$(map_wait smsc dtid=5f000001)" \
	"tcap=End .*comp=ReturnError error=1$"

log "concatenated SMS: two parts A -> X"
map_sms $X_AXB $A "part one " -C 42,2,1
ans=$ANS
expect_match "part 1: result" "$ans" "comp=ReturnResultLast"
map_sms $X_AXB $A "part two" -C 42,2,2
ans=$ANS
expect_match "part 2: result" "$ans" "comp=ReturnResultLast"
expect_match "B's MSC got part 1 with its UDH" "$(map_wait msc "concat=42/1/2" 1)" \
	"imsi=$(imsi_of $B) .*tp_addr=$X_AXB .*concat=42/1/2 text=part_one_"
expect_match "B's MSC got part 2 with its UDH" "$(map_wait msc "concat=42/2/2" 1)" \
	"imsi=$(imsi_of $B) .*tp_addr=$X_AXB .*concat=42/2/2 text=part_two"

log "more messages to send: two SMS in one MT dialogue A -> X"
map_sms $X_AXB $A "first of two" -m
expect_match "part 1: the SMSC got the result in a Continue" "$ANS" "tcap=Continue .*comp=ReturnResultLast"
expect_match "B's MSC got part 1 with more messages" "$(map_wait msc "text=first_of_two" 1)" \
	"tcap=Begin .*imsi=$(imsi_of $B) .*more=1 .*tp_addr=$X_AXB "
# dtid element 49 04 <our otid>
cont=$(map_rx_hex smsc "tcap=Continue .*dtid=$(printf %08x $_otid)" "4904$(printf %08x $_otid)")
check "the SMSC has np700's Continue" test -n "$cont"
map_send smsc "$(map_msg -o "$(printf %08x $_otid)" reply "$cont" next "$(dfield "$SRI_ANS" imsi)" $A "second of two")"
expect_match "part 2: the SMSC got the result (End)" "$(map_wait smsc "tcap=End dtid=$(printf %08x $_otid)" 10)" \
	"comp=ReturnResultLast"
expect_match "B's MSC got part 2 in the same dialogue" "$(map_wait msc "text=second_of_two" 1)" \
	"tcap=Continue .*dtid=7c000001 .*more=0 .*tp_addr=$X_AXB "

np700_vty 'show sms' | head -20
np700_vty 'show rate-counters' 2>/dev/null | grep -A30 -i 'map' | head -30

capture_stop
if [ -s "$PCAP" ]; then
	log "tshark decodes np700's MAP/SMS output"
	out=$(pcap_fields 'gsm_sms && m3ua.protocol_data_opc == 2057' \
		gsm_old.localValue e212.imsi gsm_sms.tp-oa gsm_sms.sms_text sccp.called.digits)
	echo "$out"
	check "tshark: MT-ForwardSM (44) to B's IMSI with TP-OA X and the text, to the MSC's GT" \
		grep -qP "^44\t$(imsi_of $B)\t$X_AXB\thello B from A\t$MSC_GT" <<<"$out"
	out=$(pcap_fields 'gsm_old.localValue == 45 && m3ua.protocol_data_opc == 2057' gsm_old.localValue e164.msisdn \
		sccp.called.digits)
	echo "$out"
	check "tshark: SRI-SM (45) for B to B's GT" grep -qP "^45\t.*$B.*\t$B" <<<"$out"
else
	check "capture on lo" false
fi

finish
