#!/bin/bash
# MAP MO path end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh: np700 behind osmo-stp
# with GT routes to an SMSC and an MSC (ss7-sim + responders, map_lib.sh). The MSC sends an
# MO-ForwardSM to np700's GT (SM-RP-DA = the SMSC's address, SM-RP-OA = the sender's MSISDN, an
# SMS-SUBMIT whose TP-DA is X); np700 relays it to the SMSC with TP-DA = the real recipient for
# that sender and SM-RP-OA = X (the SMSC builds the recipient's TP-OA from it), and relays the
# SMSC's answer back. Every check is on what arrives at the SMSC or the MSC.
#  1. AXB: A -> X arrives at the SMSC as B with SM-RP-OA X, A's number nowhere in it (digits, BCD,
#     IA5); the SMSC's result arrives at the MSC; B -> X arrives as A; X in international form;
#     MO in v2 (forwardSM, shortMsgMO-RelayContext v2);
#  2. AX: C -> X arrives as A; AXN: A -> X arrives as N, D -> X as A;
#  3. unbound sender, unknown X: sm-DeliveryFailure (invalidSME-Address) at the MSC, nothing at
#     the SMSC; mo-rewrite disabled: facilityNotSupported;
#  4. TP-DA not a 700 number: relayed unchanged;
#  5. the SMSC answers sm-DeliveryFailure: relayed to the MSC with its cause; the SMSC silent:
#     systemFailure at the MSC after peer-timeout;
#  6. one SMS record per attempt with X, both real numbers, outcome, reason and MAP error;
#  7. tshark decodes what reached the SMSC (opcode, TP-DA, SM-RP-OA digits, text).
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

A=8613700137000
B=8613800138000
C=8613700137009 # bound to nothing
D=8613900139000 # bound to nothing; also the ordinary recipient of the pass-through SMS
A2=8613800138002
A3=8613800138003
N=8613900139003
X_AXB=700123456780001
X_AXN=700123456780002
X_AX=700123456780003
X_NONE=700999999999999
PA=$UML_DIR/privacy_audit.py

# log with the seconds since the test started (where the time goes under load)
step() {
	log "$* [${SECONDS} s]"
}

capture_start || true
stp_start
map_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
map_sim_start smsc ok
map_sim_start msc silent

step "provisioning with np700-ctl"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a $A --b $B --expires +1h)"
check "AXN binding" test -n "$(ctl_id create --customer 1 --mode AXN --x $X_AXN --a $A3 --b $N --expires +1h)"
check "AX binding" test -n "$(ctl_id create --customer 1 --mode AX --x $X_AX --a $A2 --expires never)"

# mo SENDER TP-DA TEXT [map_msg options]: map_mo, with O = its otid and ANS = the MSC's answer (no
# subshell: the otid counter must advance)
mo() {
	map_mo "$@"
	O=$MO_OTID
	ANS=$MO_ANS
}

# at_smsc TEXT: the SMSC's decoded line of the MO-ForwardSM with TEXT (spaces as _)
at_smsc() {
	map_wait smsc " op=46 .*text=$1\$" 1
}

# smsc_audit TEXT NUMBER...: "NUMBER COUNT" lines, the occurrences of each NUMBER (digits, BCD in
# both alignments, IA5) in the raw bytes of the MO-ForwardSM with TEXT that reached the SMSC
smsc_audit() {
	local text=$1 f=$SCRATCH/audit-mo.txt
	shift
	echo "RX hex=$(map_rx_hex smsc " op=46 .*text=$text\$" 02012e)" >"$f"
	python3 "$PA" scan "$f" "$@"
}

step "AXB: A -> X"
mo $A $X_AXB "A to X"
got=$(at_smsc A_to_X)
expect_match "the SMSC got the MO-ForwardSM from np700's GT, TP-DA = B, SM-RP-OA = X (national)" "$got" \
	"called=$SMSC_GT called_ssn=8 calling=$NP700_GT calling_ssn=8 tcap=Begin .*ac=21 v=3 comp=Invoke op=46 \
da=$SMSC_GT da_ton=1 oa=$X_AXB oa_ton=2 more=0 tp_mti=1 tp_addr=$B tp_ton=1 text=A_to_X\$"
audit=$(smsc_audit A_to_X "${A:2}" "${B:2}")
check "A's number is nowhere in what the SMSC got" grep -qx "${A:2} 0" <<<"$audit"
check "control: the same search finds B in it" grep -q "^${B:2} [1-9]" <<<"$audit"
expect_match "the SMSC's result arrived at the MSC" "$ANS" \
	"calling=$NP700_GT .*tcap=End dtid=$O dlg=AARE ac=21 v=3 .*comp=ReturnResultLast"

step "AXB: B -> X"
mo $B $X_AXB "B to X"
expect_match "the SMSC got TP-DA = A, SM-RP-OA = X" "$(at_smsc B_to_X)" "oa=$X_AXB oa_ton=2 .*tp_addr=$A tp_ton=1 "
check "B's number is nowhere in what the SMSC got" grep -qx "${B:2} 0" <<<"$(smsc_audit B_to_X "${B:2}")"
expect_match "the MSC got the result" "$ANS" "tcap=End dtid=$O .*comp=ReturnResultLast"

step "AXB: A -> X in international form (86 + X, 17 digits)"
mo $A 86$X_AXB "intl X"
expect_match "the SMSC got TP-DA = B, SM-RP-OA = X" "$(at_smsc intl_X)" "oa=$X_AXB oa_ton=2 .*tp_addr=$B tp_ton=1 "
expect_match "the MSC got the result" "$ANS" "tcap=End dtid=$O .*comp=ReturnResultLast"

step "AXB: A -> X in MAP v2 (forwardSM)"
mo $A $X_AXB "v2 A to X" -v 2
expect_match "the SMSC got forwardSM v2 with TP-DA = B, SM-RP-OA = X" "$(at_smsc v2_A_to_X)" \
	"ac=21 v=2 comp=Invoke op=46 .*oa=$X_AXB oa_ton=2 .*tp_addr=$B tp_ton=1 "
expect_match "the MSC got the result (v2)" "$ANS" "tcap=End dtid=$O .*v=2 .*comp=ReturnResultLast"

step "AX: C -> X reaches A"
mo $C $X_AX "C to AX"
expect_match "the SMSC got TP-DA = A, SM-RP-OA = X" "$(at_smsc C_to_AX)" "oa=$X_AX oa_ton=2 .*tp_addr=$A2 tp_ton=1 "
expect_match "the MSC got the result" "$ANS" "comp=ReturnResultLast"

step "AXN: A -> X reaches N, D -> X reaches A"
mo $A3 $X_AXN "A to AXN"
expect_match "A's SMS: TP-DA = N" "$(at_smsc A_to_AXN)" "oa=$X_AXN oa_ton=2 .*tp_addr=$N tp_ton=1 "
mo $D $X_AXN "D to AXN"
expect_match "D's SMS: TP-DA = A" "$(at_smsc D_to_AXN)" "oa=$X_AXN oa_ton=2 .*tp_addr=$A3 tp_ton=1 "
expect_match "the MSC got the result" "$ANS" "comp=ReturnResultLast"

step "rejections: nothing reaches the SMSC"
n_smsc=$(grep -c . "$SCRATCH/dec-smsc.txt")
mo $C $X_AXB "C to AXB"
# TS 29.002 mo-forwardSM errors: systemFailure, unexpectedDataValue, facilityNotSupported,
# sm-DeliveryFailure (with a cause); 32/5 = sm-DeliveryFailure, invalidSME-Address
expect_match "unbound sender: sm-DeliveryFailure (invalidSME-Address) at the MSC" "$ANS" \
	"tcap=End dtid=$O .*comp=ReturnError error=32 sm_cause=5\$"
mo $A $X_NONE "to unknown X"
expect_match "unknown X: sm-DeliveryFailure (invalidSME-Address) at the MSC" "$ANS" \
	"tcap=End dtid=$O .*comp=ReturnError error=32 sm_cause=5\$"
np700_vty "enable" "configure terminal" "map" "mo-rewrite disable" "end" >/dev/null
mo $A $X_AXB "rewrite off"
np700_vty "enable" "configure terminal" "map" "mo-rewrite enable" "end" >/dev/null
expect_match "mo-rewrite disabled: facilityNotSupported at the MSC" "$ANS" \
	"tcap=End dtid=$O .*comp=ReturnError error=21\$"
sleep 0.5
check "nothing of the three reached the SMSC" test "$(grep -c . "$SCRATCH/dec-smsc.txt")" = "$n_smsc"

step "TP-DA not a 700 number: relayed unchanged"
mo $D $B "plain SMS"
expect_match "the SMSC got TP-DA and SM-RP-OA as the MSC sent them" "$(at_smsc plain_SMS)" \
	"calling=$NP700_GT .*da=$SMSC_GT da_ton=1 oa=$D oa_ton=1 more=0 tp_mti=1 tp_addr=$B tp_ton=1 text=plain_SMS\$"
expect_match "the MSC got the result" "$ANS" "tcap=End dtid=$O .*comp=ReturnResultLast"

step "the SMSC refuses: sm-DeliveryFailure (sc-Congestion)"
map_mode smsc error 32 4
mo $A $X_AXB "refused"
expect_match "the SMSC got it" "$(at_smsc refused)" "tp_addr=$B "
expect_match "the MSC got the SMSC's error and cause" "$ANS" "tcap=End dtid=$O .*comp=ReturnError error=32 sm_cause=4\$"

step "the SMSC is silent: systemFailure after peer-timeout ($MAP_PEER_TIMEOUT s)"
map_mode smsc silent
t0=$(date +%s)
MO_WAIT=$((MAP_PEER_TIMEOUT + 14)) mo $A $X_AXB "no answer"
t1=$(date +%s)
expect_match "the SMSC got it" "$(at_smsc no_answer)" "tp_addr=$B "
expect_match "the MSC got systemFailure" "$ANS" "tcap=End dtid=$O .*comp=ReturnError error=34\$"
check "the error came after peer-timeout $MAP_PEER_TIMEOUT s ($((t1 - t0)) s)" test $((t1 - t0)) -ge $MAP_PEER_TIMEOUT
map_mode smsc ok

step "SMS records: one per attempt"
wait_for 5 cdr_count_ge 13
recs=$(cdr_lines | grep '^sms,')
cut -d, -f7-20 <<<"$recs"
# x,caller,callee,shown_to_callee,outcome,reason,cause of each record
recs=$(cut -d, -f7-10,15-17 <<<"$recs")
# rec X CALLER CALLEE OUTCOME REASON CAUSE: the number of SMS records with these fields (the
# recipient is shown X)
rec() {
	local shown=$1
	[ -n "$3" ] || shown=
	grep -cxF "$1,$2,$3,$shown,$4,$5,$6" <<<"$recs"
}
expect_eq "A -> X (AXB): answered, callee B (national X, international X, v2)" \
	"$(rec $X_AXB $A $B answered "" "")" 3
expect_eq "A -> X refused by the SMSC: failed, SMSC error, 32" "$(rec $X_AXB $A $B failed "SMSC error" 32)" 1
expect_eq "A -> X, SMSC silent: failed, timeout, 34" "$(rec $X_AXB $A $B failed timeout 34)" 1
expect_eq "B -> X: answered, callee A" "$(rec $X_AXB $B $A answered "" "")" 1
expect_eq "C -> X (AX): callee A" "$(rec $X_AX $C $A2 answered "" "")" 1
expect_eq "A -> X (AXN): callee N" "$(rec $X_AXN $A3 $N answered "" "")" 1
expect_eq "D -> X (AXN): callee A" "$(rec $X_AXN $D $A3 answered "" "")" 1
expect_eq "C -> X (AXB): rejected, caller-not-allowed, 32" "$(rec $X_AXB $C "" rejected caller-not-allowed 32)" 1
expect_eq "unknown X: rejected, unknown-number, 32" "$(rec $X_NONE $A "" rejected unknown-number 32)" 1
expect_eq "mo-rewrite disabled: rejected, 21" "$(rec $X_AXB $A "" rejected "mo-rewrite disabled" 21)" 1
expect_eq "pass-through D -> B: answered, no X" "$(rec "" $D $B answered "" "")" 1

np700_vty 'show rate-counters' 2>/dev/null | grep -E '^ *mo:' | head -10

capture_stop
if [ -s "$PCAP" ]; then
	step "tshark decodes what np700 sent to the SMSC (1.2.4 = 2068)"
	# e164.msisdn: the international numbers (SM-RP-DA, TP-DA); address.digits: the national (X)
	out=$(pcap_fields 'm3ua.protocol_data_dpc == 2068' gsm_old.localValue gsm_sms.tp-da e164.msisdn \
		gsm_map.address.digits gsm_sms.sms_text sccp.calling.digits sccp.called.digits)
	echo "$out"
	check "tshark: mo-forwardSM (46) with TP-DA B, SM-RP-DA the SMSC, SM-RP-OA X and the text" \
		grep -qP "^46\t$B\t$SMSC_GT,$B\t$X_AXB\tA to X\t" <<<"$out"
	# A is the recipient of B's SMS ("B to X"): the only frames that may carry A's number
	check "tshark: A's number in no other frame np700 sent to the SMSC ($(grep -c . <<<"$out") frames)" \
		test "$(grep -v -P '\tB to X\t' <<<"$out" | grep -c "${A:2}")" = 0
	check "control: tshark finds A's number in B's SMS" \
		test "$(grep -P '\tB to X\t' <<<"$out" | grep -c "${A:2}")" -gt 0
else
	check "capture on lo" false
fi

finish
