#!/bin/bash
# Privacy audit, MAP/SMS side (issue 6 item 6), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# runs the MAP SMS scenarios of tests/uml/map_sms_test.sh (AXB both ways, AX, unbound sender,
# unknown X, concatenated SMS) with their capture on lo, then searches everything that reached the
# MSC and the SMSC (their SCTP ports, tshark -V -x: every SCCP address, MAP parameter and SMS TPDU
# field, text and BCD/TBCD in both nibble alignments) for the subscribers' real MSISDNs: zero.
# What reached the HLRs is listed (they must see the real recipient: np700 asks them for it).
set -u
. "$NP700_SRC/tests/uml/lib.sh"

PA=$UML_DIR/privacy_audit.py
# the parties of map_sms_test.sh (national significant numbers: the search covers 86... too)
NUMS="13700137000 13800138000 13700137009 13800138002"

log "the MAP SMS scenarios (tests/uml/map_sms_test.sh)"
bash "$UML_DIR/map_sms_test.sh" 2>&1 | sed 's/^/  | /'
rc=${PIPESTATUS[0]}
check "map_sms_test.sh passed (exit $rc)" test "$rc" = 0
[ -s "$PCAP" ] || die "no capture"

# audit NAME PORT MUST_BE_ZERO: the numbers in what reached NAME
audit() {
	local name=$1 port=$2 zero=$3 f=$SCRATCH/audit-$1.txt out
	tshark -r "$PCAP" -Y "sctp.dstport == $port && sccp" -V -x >"$f" 2>/dev/null
	out=$(python3 "$PA" scan "$f" $NUMS)
	echo "  $name: $(grep -c '^Frame ' "$f") frames, $(grep -c 'GSM Mobile Application' "$f") MAP decodes"
	sed 's/^/    real number /' <<<"$out"
	if [ "$zero" = 1 ]; then
		check "nothing towards $name carries a subscriber's real number" \
			test "$(awk '{ s += $2 } END { print s + 0 }' <<<"$out")" = 0
	fi
}
audit msc 3013 1
audit smsc 3014 1
audit hlr 3012 0
audit hlrb 3015 0
f=$SCRATCH/audit-in.txt
tshark -r "$PCAP" -Y "sctp.srcport == 3014 && sccp" -V -x >"$f" 2>/dev/null
check "control: the SMSC's own messages carry the senders' real numbers" \
	test "$(python3 "$PA" scan "$f" 13700137000 | awk '{ print $2 }')" -gt 0
finish
