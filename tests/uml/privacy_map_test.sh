#!/bin/bash
# Privacy audit, MAP/SMS side (issue 6 item 6), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# argument sms: runs the MAP SMS scenarios of tests/uml/map_sms_test.sh (AXB both ways, AX, unbound
# sender, unknown X, concatenated SMS) with their capture on lo, then searches everything that reached
# the MSC and the SMSC (their SCTP ports, tshark -V -x: every SCCP address, MAP parameter and SMS TPDU
# field, text and BCD/TBCD in both nibble alignments) for the subscribers' real MSISDNs: zero.
# Each HLR may see its own subscriber that np700 asks it about, and no one else.
# argument sri: tests/uml/map_sri_test.sh (SendRoutingInfo for X, then the IAM): the GMSC must not
# see B's number, switch B not A's.
# argument mo: the MO path (tests/uml/map_mo_test.sh tells it in detail): senders of the AXB, AX
# and AXN bindings send MO-ForwardSMs to X (v3, v2, X in international form, one refused by the
# SMSC, one rejected by np700); the SMSC must see none of the senders (TP-DA is the recipient,
# SM-RP-OA is X), the MSC none of the recipients.
set -u
. "$NP700_SRC/tests/uml/lib.sh"

PA=$UML_DIR/privacy_audit.py
# the parties of map_sms_test.sh (national significant numbers: the search covers 86... too)
NUMS="13700137000 13800138000 13700137009 13800138002"

# audit NAME PORT NUMBERS: none of NUMBERS in what reached NAME (SCCP and ISUP frames)
audit() {
	local name=$1 port=$2 nums=$3 f=$SCRATCH/audit-$1.txt out
	tshark -r "$PCAP" -Y "sctp.dstport == $port && (sccp || isup)" -V -x >"$f" 2>/dev/null
	out=$(python3 "$PA" scan "$f" $nums)
	echo "  $name: $(grep -c '^Frame ' "$f") frames, $(grep -c 'GSM Mobile Application' "$f") MAP decodes"
	sed 's/^/    real number /' <<<"$out"
	check "nothing towards $name carries a real number it must not see" \
		test "$(awk '{ s += $2 } END { print s + 0 }' <<<"$out")" = 0
}
# run_child TEST: one of the MAP scenario scripts, with its capture on lo
run_child() {
	log "the scenarios of tests/uml/$1"
	bash "$UML_DIR/$1" 2>&1 | sed 's/^/  | /'
	rc=${PIPESTATUS[0]}
	check "$1 passed (exit $rc)" test "$rc" = 0
	[ -s "$PCAP" ] || die "no capture"
}

# mo_run: the MO scenarios with their capture on lo (map_lib.sh: MSC -> np700 -> SMSC)
mo_run() {
	capture_start || die "no capture"
	stp_start
	map_config >"$SCRATCH/np700.cfg"
	np700_start "$SCRATCH/np700.cfg"
	map_sim_start smsc ok
	map_sim_start msc silent
	local ok=0
	ctl_id create --customer 1 --mode AXB --x 700123456780001 --a 8613700137000 --b 8613800138000 \
		--expires +1h | grep -q . && ok=$((ok + 1))
	ctl_id create --customer 1 --mode AX --x 700123456780003 --a 8613800138002 --expires never | grep -q . &&
		ok=$((ok + 1))
	ctl_id create --customer 1 --mode AXN --x 700123456780002 --a 8613700137001 --b 8613900139003 \
		--expires +1h | grep -q . && ok=$((ok + 1))
	check "3 bindings" test "$ok" = 3
	ok=0
	map_mo 8613700137000 700123456780001 "A to X" && ok=$((ok + 1))
	map_mo 8613700137000 86700123456780001 "A to intl X" && ok=$((ok + 1))
	map_mo 8613700137000 700123456780001 "A to X v2" -v 2 && ok=$((ok + 1))
	map_mo 8613700137009 700123456780003 "C to AX" && ok=$((ok + 1))
	map_mo 8613700137001 700123456780002 "A to AXN" && ok=$((ok + 1))
	map_mo 8613700137009 700123456780001 "C to AXB, rejected" && ok=$((ok + 1))
	map_mode smsc error 32 5
	map_mo 8613700137000 700123456780001 "A to X, refused" && ok=$((ok + 1))
	check "the MSC got all 7 answers" test "$ok" = 7
	check "the SMSC got 6 MO-ForwardSMs" test "$(grep -c ' op=46 ' "$SCRATCH/dec-smsc.txt")" = 6
	capture_stop
}

case "${1:-sms}" in
sms)
	run_child map_sms_test.sh
	audit msc 3013 "$NUMS"
	audit smsc 3014 "$NUMS"
	# hlr serves 86138... (B, A2), hlrb 86137... (A; C is only ever a sender)
	audit hlr 3012 "13700137000 13700137009"
	audit hlrb 3015 "13800138000 13800138002 13700137009"
	check "control: the HLR queries do carry their own subscribers (the search finds numbers)" \
		test "$(python3 "$PA" scan "$SCRATCH/audit-hlr.txt" 13800138000 | awk '{ print $2 }')" -gt 0
	;;
mo)
	. "$UML_DIR/isup_lib.sh"
	. "$UML_DIR/map_lib.sh"
	mo_run
	# senders: A of AXB (13700137000), A of AXN (13700137001), C (13700137009);
	# recipients: B (13800138000), A of AX (13800138002), N of AXN (13900139003)
	audit smsc 3014 "13700137000 13700137001 13700137009"
	audit msc 3013 "13800138000 13800138002 13900139003"
	check "control: the recipients do reach the SMSC (as TP-DA)" \
		test "$(python3 "$PA" scan "$SCRATCH/audit-smsc.txt" 13800138000 | awk '{ print $2 }')" -gt 0
	;;
sri)
	# A (13800138000) at the GMSC calls X of an AXB pair with B (13900139000) at switch B
	run_child map_sri_test.sh
	audit gmsc 3011 "13900139000"
	audit swb 3003 "13800138000"
	check "control: B's number does reach switch B (as the called number)" \
		test "$(python3 "$PA" scan "$SCRATCH/audit-swb.txt" 13900139000 | awk '{ print $2 }')" -gt 0
	;;
esac
finish
