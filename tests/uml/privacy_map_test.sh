#!/bin/bash
# Privacy audit, MAP/SMS side (issue 6 item 6), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# argument sms: runs the MAP SMS scenarios of tests/uml/map_sms_test.sh (AXB both ways, AX, unbound
# sender, unknown X, concatenated SMS) with their capture on lo, then searches everything that reached
# the MSC and the SMSC (their SCTP ports, tshark -V -x: every SCCP address, MAP parameter and SMS TPDU
# field, text and BCD/TBCD in both nibble alignments) for the subscribers' real MSISDNs: zero.
# Each HLR may see its own subscriber that np700 asks it about, and no one else.
# argument sri: tests/uml/map_sri_test.sh (SendRoutingInfo for X, then the IAM): the GMSC must not
# see B's number, switch B not A's.
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
