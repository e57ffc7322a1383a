#!/bin/bash
# SCCP relay end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh: np700 behind osmo-stp
# with GT routes, the GMSC simulator sends SCCP to np700's point code, and
#  1. a UDT is relayed by GT to the HLR, byte-identical;
#  2. a GT route with replacement rewrites the called GT on the way to the MSC;
#  3. an XUDT is relayed with its hop counter decremented, and so are two XUDT segments;
#  4. a UDT without route comes back as UDTS "no translation for this specific address";
#  5. an XUDT with hop counter 1 comes back as XUDTS "hop counter violation";
#  6. a malformed message is dropped (no answer) and counted;
#  7. a LUDT of 300 octets (2-octet pointers and length) is relayed with its hop counter
#     decremented, and one without route comes back as LUDTS;
#  8. an SST (SCCP management) for np700's SSN 6 is answered with SSA, one for an SSN np700 does
#     not have is not answered;
#  9. tshark decodes the captured SCCP (called digits, return cause, the SSA).
# Expected octets were computed independently of np700's codec (see the comments at each).
set -u
. "$NP700_SRC/tests/uml/lib.sh"

# called GT 8613800138000 (GTI 4, SSN 6), calling GT 8613700000 (SSN 8), TCAP 62 06 48 04 01020304
UDT_TO_HLR=0980030f190c1206001104683108108300000a12080012046831070000086206480401020304
# called GT 4412345678: no route
UDT_NO_ROUTE=0980030d170a120600120444214365870a12080012046831070000086206480401020304
# its UDTS: cause 1, addresses swapped, same data
UDTS_NO_ROUTE=0a01030d170a120800120468310700000a12060012044421436587086206480401020304
# XUDT to the HLR's GT with hop counter 1, and the XUDTS (cause 0x0c, hop counter 15) it returns
XUDT_HOP1=11800104101a000c1206001104683108108300000a12080012046831070000086206480401020304
XUDTS_HOP=120c0f040e1a000a120800120468310700000c120600110468310810830000086206480401020304
# XUDT with hop counter 5, and as the HLR must receive it (hop counter 4)
XUDT_HOP5=11800504101a000c1206001104683108108300000a12080012046831070000086206480401020304
XUDT_HOP4=11800404101a000c1206001104683108108300000a12080012046831070000086206480401020304
# called GT 8613999000111 (SSN 8), no return option; the MSC must receive GT 8613888000111
UDT_TO_MSC=0900030f190c1208001104683199090011010a12080012046831070000086206480401020304
UDT_AT_MSC=0900030f190c1208001104683188080011010a12080012046831070000086206480401020304
# two XUDT segments (class 1, local reference 0x0a0b0c) to the HLR's GT, hop counter 15; relayed
# one by one, segmentation parameter untouched, hop counter 14
SEG1=11810f04101a2e0c1206001104683108108300000a12080012046831070000140102030405060708090a0b0c0d0e0f10111213141004c10c0b0a00
SEG1_FWD=11810e04101a2e0c1206001104683108108300000a12080012046831070000140102030405060708090a0b0c0d0e0f10111213141004c10c0b0a00
SEG2=11810f04101a240c1206001104683108108300000a120800120468310700000a15161718191a1b1c1d1e1004400c0b0a00
SEG2_FWD=11810e04101a240c1206001104683108108300000a120800120468310700000a15161718191a1b1c1d1e1004400c0b0a00
# LUDT (Q.713 4.20): pointers and data length two octets, least significant first, a pointer
# counting from its second octet. 300 data octets (00 01 .. ff 00 .. 2b), length 2c01.
DATA300=$(for i in $(seq 0 299); do printf '%02x' $((i % 256)); done)
# to the HLR's GT (called at 11: 0700; calling at 24: 1200; data at 35: 1b00), hop counter 5 -> 4
LUDT_HOP5=138005070012001b0000000c1206001104683108108300000a120800120468310700002c01$DATA300
LUDT_HOP4=138004070012001b0000000c1206001104683108108300000a120800120468310700002c01$DATA300
# called GT 4412345678 (no route; called at 11, calling at 22: 1000, data at 33: 1900), and its
# LUDTS: cause 1, hop counter 15, addresses swapped, the same data
LUDT_NO_ROUTE=13800f07001000190000000a120600120444214365870a120800120468310700002c01$DATA300
LUDTS_NO_ROUTE=14010f07001000190000000a120800120468310700000a120600120444214365872c01$DATA300
# SCCP management (Q.713 5.1), UDT class 0, called RI=SSN PC 1.1.1 (0x0809) SSN 1, calling RI=SSN
# PC 1.2.1 (0x0811) SSN 1; data: format identifier, affected SSN, affected PC, SMI.
# SST for SSN 6 at 1.1.1, and the SSA np700 must answer (addresses swapped, format 01)
SST_6=090003070b04430908010443110801050306090800
SSA_6=090003070b04431108010443090801050106090800
# SST for SSN 9, which np700 does not have: no answer
SST_9=090003070b04430908010443110801050309090800
# truncated: its called party address runs past the end
UDT_BAD=0980030f190c12060011

capture_start || true
stp_start

log "np700 with GT routes to the HLR and (with replacement) to the MSC"
cfg=$SCRATCH/np700.cfg
np700_config | sed -e 's|^ local-ssn 8$| local-ssn 8\n gt-route 8613800 pc 1.2.2 ssn 6\n gt-route 8613999 pc 1.2.3 ssn 8 replace 8613888|' >"$cfg"
np700_start "$cfg"
check "np700 shows the GT routes" grep -q 'gt-route 8613999 pc 1.2.3 ssn 8 replace 8613888' \
	<<<"$(np700_vty 'show sccp routes')"

sim_start hlr -S 3
sim_start msc -S 3

log "the GMSC sends SCCP to np700"
check "GMSC script" sim_run gmsc -S 3 -t 20 \
	-e "sccp np700 $UDT_TO_HLR" \
	-e "sccp np700 $UDT_TO_MSC" \
	-e "sccp np700 $XUDT_HOP5" \
	-e "sccp np700 $SEG1" -e "sccp np700 $SEG2" \
	-e "sccp np700 $UDT_NO_ROUTE" -e 'expect UDTS opc=np700' \
	-e "sccp np700 $XUDT_HOP1" -e 'expect XUDTS opc=np700' \
	-e "sccp np700 $LUDT_HOP5" \
	-e "sccp np700 $LUDT_NO_ROUTE" -e 'expect LUDTS opc=np700' \
	-e "sccp np700 $SST_6" -e 'expect UDT opc=np700' \
	-e "sccp np700 $SST_9" \
	-e "sccp np700 $UDT_BAD" -e 'expect-none any 500'

wait_line "$SCRATCH/sim-hlr.out" "^RX .*hex=$XUDT_HOP4\$" 5
check "the HLR received the UDT byte-identical, from np700" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.2 .*hex=$UDT_TO_HLR\$" "$SCRATCH/sim-hlr.out"
check "the HLR received the XUDT with hop counter 4" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.2 .*hex=$XUDT_HOP4\$" "$SCRATCH/sim-hlr.out"
wait_line "$SCRATCH/sim-hlr.out" "^RX .*hex=$SEG2_FWD\$" 5
check "the HLR received both XUDT segments in order, segmentation parameter kept" \
	bash -c "grep -E '^RX si=3 opc=1.1.1 dpc=1.2.2 .*hex=($SEG1_FWD|$SEG2_FWD)\$' '$SCRATCH/sim-hlr.out' |
		sed 's/.*hex=//' | tr '\n' ' ' | grep -qx '$SEG1_FWD $SEG2_FWD '"
check "the MSC received the UDT with the called GT replaced" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.3 .*hex=$UDT_AT_MSC\$" "$SCRATCH/sim-msc.out"
check "the GMSC got the UDTS (no translation for this specific address)" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.1 .*hex=$UDTS_NO_ROUTE\$" "$SCRATCH/sim-gmsc.out"
check "the GMSC got the XUDTS (hop counter violation)" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.1 .*hex=$XUDTS_HOP\$" "$SCRATCH/sim-gmsc.out"
wait_line "$SCRATCH/sim-hlr.out" "^RX .*hex=$LUDT_HOP4\$" 5
check "the HLR received the 300-octet LUDT with hop counter 4, otherwise byte-identical" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.2 .*type=LUDT .*hex=$LUDT_HOP4\$" "$SCRATCH/sim-hlr.out"
check "the GMSC got the LUDTS (no translation for this specific address) with the 300 octets" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.1 .*hex=$LUDTS_NO_ROUTE\$" "$SCRATCH/sim-gmsc.out"

check "the GMSC got the SSA for SSN 6" \
	grep -qE "^RX si=3 opc=1.1.1 dpc=1.2.1 .*type=UDT .*hex=$SSA_6\$" "$SCRATCH/sim-gmsc.out"

stats=$(np700_vty 'show sccp statistics')
echo "$stats"
ctr() { awk -v n="$1" '$1 == n { print $2; exit }' <<<"$stats"; }
check "np700 counted the malformed message" test "$(ctr rx:bad_syntax)" = 1
check "np700 counted 6 forwards" test "$(ctr route:forward)" = 6
check "np700 counted 1 UDTS, 1 XUDTS and 1 LUDTS sent" test "$(ctr tx:udts)/$(ctr tx:xudts)/$(ctr tx:ludts)" = 1/1/1
check "np700 counted 2 LUDT received" test "$(ctr rx:ludt)" = 2
check "np700 logged the malformed message" grep -q 'malformed SCCP message' "$SCRATCH/np700.log"
check "np700 counted 2 SCMG messages, 1 SSA sent, 1 SST not answered" \
	test "$(ctr scmg:rx)/$(ctr scmg:tx_ssa)/$(ctr scmg:sst_other)" = 2/1/1

capture_stop
if [ -s "$PCAP" ]; then
	log "tshark decodes the capture"
	called=$(pcap_fields 'sccp && m3ua.protocol_data_opc == 2057' sccp.called.digits | sort -u | tr '\n' ' ')
	echo "called digits np700 sent: $called"
	check "tshark: np700 sent to 8613800138000" grep -qw 8613800138000 <<<"$called"
	check "tshark: np700 sent to the replaced GT 8613888000111" grep -qw 8613888000111 <<<"$called"
	causes=$(pcap_fields 'sccp.message_type == 0x0a || sccp.message_type == 0x12 || sccp.message_type == 0x14' \
		sccp.return_cause | sort -u | tr '\n' ' ')
	echo "return causes: $causes"
	check "tshark: return causes 0x01 and 0x0c" bash -c "grep -q 0x01 <<<'$causes' && grep -q 0x0c <<<'$causes'"
	ludt=$(pcap_fields 'sccp.message_type == 0x13 && m3ua.protocol_data_opc == 2057' sccp.called.digits | sort -u)
	check "tshark: np700 sent a LUDT to 8613800138000" test "$ludt" = 8613800138000
	ssa=$(pcap_fields 'sccpmg && m3ua.protocol_data_opc == 2057' sccpmg.message_type sccpmg.ssn sccpmg.pc |
		sort -u | tr '\t' ' ')
	echo "SCMG np700 sent (type, affected SSN, PC): $ssa"
	check "tshark: np700 sent one SCMG message, SSA for SSN 6 at 2057" test "$ssa" = "0x01 6 2057"
else
	check "capture on lo" false
fi

finish
