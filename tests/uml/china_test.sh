#!/bin/bash
# The China network variant end to end (issue 3 item 1, DESIGN §3 "Network variants"), run INSIDE
# User-Mode Linux by tests/uml/uml_run.sh: the whole network uses 24-bit point codes in format
# 8.8.8 (osmo-stp-china.cfg, nodes-china.txt, ss7-sim -f '8 8 8'), np700 runs
# doc/examples/np700.cfg with `point-code format 8 8 8` and `variant china` for ISUP and SCCP, and
#  1. an AXB call A -> X -> B: IAM at B with called B / calling X from np700's 24-bit PC;
#     ACM/ANM/REL/RLC both ways; the Connected Number reaches A as X; B -> X -> A as well;
#     `show running-config` and `show calls` write the point codes as 8.8.8;
#  2. a caller outside the binding is released with the configured cause (55), RLC frees the call;
#     the call records keep the full 24-bit point codes;
#  3. a UDT is relayed by GT with 24-bit point codes inside the SCCP addresses (np700 puts the
#     GMSC's 24-bit OPC into a calling address routed on SSN without PC), and a UDT without route
#     comes back as UDTS to the 24-bit PC of its calling address;
#  4. tshark with `-o mtp3.standard:CHINESE-ITU` decodes np700's output: ISUP numbers, 24-bit
#     OPC/DPC, the 3-octet point codes in the SCCP addresses.
# Expected SCCP octets are written out by hand below (Q.713 3.4 with 3-octet point codes).
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

# the China network: the same nodes, ports and routing contexts, 24-bit point codes
NODES=$UML_DIR/nodes-china.txt
STP_CFG=$UML_DIR/osmo-stp-china.cfg
# every simulator in 8.8.8 format: isup_lib.sh and lib.sh call "$SS7_SIM"
cat >"$SCRATCH/ss7-sim-china" <<EOF
#!/bin/sh
exec "$SS7_SIM" -f '8 8 8' "\$@"
EOF
chmod +x "$SCRATCH/ss7-sim-china"
SS7_SIM=$SCRATCH/ss7-sim-china
TSHARK_OPTS="-o mtp3.standard:CHINESE-ITU"
export NODES SS7_SIM TSHARK_OPTS

PC_NP700=6553857 # 100.1.1
PC_SWA=6553858   # 100.1.2
PC_SWB=6553859   # 100.1.3
PC_HLR=6554114   # 100.2.2
PC_GMSC=6554113  # 100.2.1

X_AXB=700123456780001

# lib.sh's stp_start with the China STP configuration
stp_start() {
	osmo-stp -c "$STP_CFG" >"$SCRATCH/stp.log" 2>&1 &
	_track $!
	wait_for 10 _m3ua_listening || { tail -20 "$SCRATCH/stp.log"; die "osmo-stp does not listen on 2905"; }
	wait_for 10 _vty_up "$STP_VTY_PORT" || die "osmo-stp VTY not reachable"
}

# doc/examples/np700.cfg in the China variant: 24-bit point codes (format before the first point
# code), ISUP and SCCP variant china, every ITU point code 1.x.y of the example as 100.x.y, a GT
# route to the HLR, reject cause 55 for callers outside a binding
china_config() {
	np700_config | sed \
		-e 's|^ variant itu$| variant china|' \
		-e 's|^cs7 instance 0$|&\n point-code format 8 8 8\n point-code delimiter default|' \
		-e '/point-code\|dpc\|routing-key/ s/\b1\.\([12]\)\.\([0-9]\)\b/100.\1.\2/g' \
		-e 's|^ local-ssn 8$|&\n gt-route 8613800 pc 100.2.2 ssn 6|' \
		-e 's|^ reject-cause caller-not-allowed .*| reject-cause caller-not-allowed 55|'
}

capture_start || true
stp_start
china_config >"$SCRATCH/np700.cfg"
grep -E 'variant|point-code|dpc|routing-key|gt-route' "$SCRATCH/np700.cfg" | sed 's/^/  cfg:/'
np700_start "$SCRATCH/np700.cfg"

log "np700's configuration as it reads it back"
run=$(np700_vty enable "show running-config")
echo "$run" | grep -E "variant|point-code|dpc|routing-key" | sed "s/^/  running:/"
check "cs7 instance 0 has point-code format 8 8 8" grep -q '^ point-code format 8 8 8' <<<"$run"
check "np700's own point code is 100.1.1" grep -q '^ point-code 100.1.1$' <<<"$run"
check "isup and sccp run the china variant" test "$(grep -c '^ variant china$' <<<"$run")" = 2
check "circuit group msc-b has DPC 100.1.3" grep -q '^  dpc 100.1.3$' <<<"$run"
check "the GT route names PC 100.2.2" grep -q 'gt-route 8613800 pc 100.2.2 ssn 6' <<<"$(np700_vty 'show sccp routes')"

check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a 86$A_NUM --b 86$B_NUM \
	--expires +1h --order e2e-china)"

sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM'

log "AXB: A calls X over 24-bit point codes, reaches B; B answers with a Connected Number; A releases"
sw_mark swa swb
sw swa "iam np700 1 $X_AXB $A_NUM"
iam=$(sw_wait swb IAM)
echo "  at swb: $iam"
d=$(dec "$iam")
echo "  at swb: $d"
expect_eq "B sees called = B's real number" "$(field "$d" called)" 3:$B_NUM
expect_eq "B sees calling = X" "$(field "$d" calling)" 3:$X_AXB
expect_eq "the IAM came from np700's 24-bit PC" "$(field "$iam" opc)" 100.1.1
expect_eq "the IAM went to B's 24-bit PC" "$(field "$iam" dpc)" 100.1.3
bcic=$(field "$iam" cic)
acm=$(sw_wait swa ACM 1)
expect_eq "A receives B's ACM from np700's PC" "$(field "$acm" opc)" 100.1.1
calls=$(np700_vty "show calls")
echo "$calls" | grep -E 'call [0-9]' | sed 's/^/  /'
check "show calls names both legs' 24-bit PCs" grep -qE "in PC 100.1.2 CIC 1 .*out PC 100.1.3 CIC $bcic" <<<"$calls"
sw swb "isup np700 $bcic $(python3 "$ISUP_DEC" -e anm $B_NUM)"
anm=$(sw_wait swa ANM 1)
d=$(dec "$anm")
echo "  at swa: $d"
expect_eq "the Connected Number reaches A as X" "$(field "$d" connected)" 3:$X_AXB
sw_mark swa swb
sw swa "isup np700 1 REL"
check "A's REL answered with RLC" sw_got swa RLC 1
rel=$(sw_wait swb REL "$bcic")
expect_eq "REL reached B on CIC $bcic from 100.1.1" "$(field "$rel" opc)" 100.1.1
check "np700 has no call left" wait_for 5 calls_idle

log "AXB: A calls X again; this time B releases"
sw_mark swa swb
sw swa "iam np700 2 $X_AXB $A_NUM"
iam=$(sw_wait swb IAM)
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
bcic=$(field "$iam" cic)
check "A receives the ACM" sw_got swa ACM 2
sw swb "isup np700 $bcic ANM"
check "A receives the ANM" sw_got swa ANM 2
sw_mark swa swb
sw swb "isup np700 $bcic REL"
check "B's REL answered with RLC" sw_got swb RLC "$bcic"
rel=$(sw_wait swa REL 2)
expect_eq "REL reached A from 100.1.1" "$(field "$rel" opc)" 100.1.1
check "np700 has no call left" wait_for 5 calls_idle

log "AXB: B calls X, reaches A"
sw_mark swa swb
sw swb "iam np700 5 $X_AXB $B_NUM"
iam=$(sw_wait swa IAM)
echo "  at swa: $iam"
d=$(dec "$iam")
expect_eq "A sees called = A's real number" "$(field "$d" called)" 3:$A_NUM
expect_eq "A sees calling = X" "$(field "$d" calling)" 3:$X_AXB
expect_eq "the IAM went to A's 24-bit PC" "$(field "$iam" dpc)" 100.1.2
acic=$(field "$iam" cic)
check "B receives A's ANM" sw_got swb ANM 5
sw_mark swa swb
sw swb "isup np700 5 REL"
check "B's REL answered with RLC" sw_got swb RLC 5
check "REL reached A" sw_got swa REL "$acic"
check "np700 has no call left" wait_for 5 calls_idle

log "rejected: a caller of switch A outside X's binding"
sw_mark swa
sw swa "iam np700 3 $X_AXB 13800138099"
rel=$(sw_wait swa REL 3)
d=$(dec "$rel")
echo "  at swa: $d"
expect_eq "REL with the configured cause 55" "$(field "$d" cause)" 55
expect_eq "the REL came from 100.1.1" "$(field "$rel" opc)" 100.1.1
check "the RLC freed the call" wait_for 5 calls_idle

log "call records keep the full 24-bit point codes (decimal)"
wait_for 5 cdr_count_ge 4
cdr_lines | sed 's/^/  /'
# the records are CSV with CRLF line ends
first=$(cdr_lines | tr -d '\r' | head -1)
last=$(cdr_lines | tr -d '\r' | tail -1)
check "the first call: answered, released by the caller, A 100.1.2 -> np700 100.1.1 -> B 100.1.3" \
	grep -qE ",e2e-china,answered,,16,caller,$PC_SWA,$PC_NP700,1,$PC_NP700,$PC_SWB,[0-9]+\$" <<<"$first"
check "the rejected call: cause 55, in leg from 100.1.2" \
	grep -qE ",rejected,caller-not-allowed,55,np700,$PC_SWA,$PC_NP700,3,,,\$" <<<"$last"

log "SCCP: UDTs with 24-bit point codes inside the addresses"
# Called: AI 0x13 (route on GT, GTI 4, SSN, PC), PC 100.1.1 = 01 01 64 (3 octets, LSB first),
# SSN 6, TT 0, E.164/BCD odd, international, 8613800138000. Calling: AI 0x52 (route on SSN, GTI 4,
# SSN, no PC), SSN 8, GT 8613700000. Data: a TCAP Begin, 8 octets.
UDT_TO_HLR=098003121c0f1301016406001104683108108300000a52080012046831070000086206480401020304
# The HLR must receive it unchanged but for the calling address: np700 relays by GT, and beyond it
# the OPC no longer names the GMSC, so the GMSC's PC 100.2.1 = 01 02 64 goes into the calling
# address (AI 0x53, 13 octets); the pointer to the data moves by 3.
UDT_AT_HLR=098003121f0f1301016406001104683108108300000d53010264080012046831070000086206480401020304
# Called GT 4412345678 (no route), calling routed on SSN with PC 100.2.1: the UDTS (cause 1,
# addresses swapped) goes to the PC in the calling address
UDT_NO_ROUTE=0980030d1a0a120600120444214365870d53010264080012046831070000086206480401020304
UDTS_NO_ROUTE=0a0103101a0d530102640800120468310700000a12060012044421436587086206480401020304
sim_start hlr -S 3
check "GMSC script" sim_run gmsc -S 3 -t 20 \
	-e "sccp np700 $UDT_TO_HLR" \
	-e "sccp np700 $UDT_NO_ROUTE" -e 'expect UDTS opc=np700'
wait_line "$SCRATCH/sim-hlr.out" '^RX si=3 ' 5
grep -E '^RX si=3 ' "$SCRATCH/sim-hlr.out" | sed 's/^/  at hlr: /'
check "the HLR received the UDT from 100.1.1 with the GMSC's 24-bit PC in the calling address" \
	grep -qE "^RX si=3 opc=100.1.1 dpc=100.2.2 .*hex=$UDT_AT_HLR\$" "$SCRATCH/sim-hlr.out"
check "the GMSC got the UDTS at its 24-bit PC" \
	grep -qE "^RX si=3 opc=100.1.1 dpc=100.2.1 .*hex=$UDTS_NO_ROUTE\$" "$SCRATCH/sim-gmsc.out"

capture_stop
if [ -s "$PCAP" ]; then
	log "tshark $TSHARK_OPTS decodes np700's output"
	# one tshark run (each costs seconds in UML): np700's IAMs, UDTs and UDTSs, then split by kind
	all=$(pcap_fields "(isup.message_type == 1 || sccp.message_type == 0x09 || sccp.message_type == 0x0a) \
		&& m3ua.protocol_data_opc == $PC_NP700" m3ua.protocol_data_opc m3ua.protocol_data_dpc \
		isup.called isup.calling mtp3.opc mtp3.dpc sccp.return_cause sccp.called.chinese_pc \
		sccp.called.digits sccp.calling.chinese_pc sccp.calling.digits)
	out=$(awk -F'\t' -v OFS='\t' '$3 != "" { print $3, $4, $1, $2, $5, $6 }' <<<"$all")
	sed 's/^/  IAM: /' <<<"$out"
	check "tshark: np700's IAM to B: called $B_NUM, calling $X_AXB, OPC/DPC $PC_NP700/$PC_SWB" \
		grep -qP "^$B_NUM\t$X_AXB\t$PC_NP700\t$PC_SWB(\t|\$)" <<<"$out"
	check "tshark: np700's IAM to A: called $A_NUM, calling $X_AXB, OPC/DPC $PC_NP700/$PC_SWA" \
		grep -qP "^$A_NUM\t$X_AXB\t$PC_NP700\t$PC_SWA(\t|\$)" <<<"$out"
	check "tshark: no real number of A or B is shown as calling in np700's IAMs" \
		test -z "$(awk -F'\t' '$2 ~ /^(138|139)/' <<<"$out")"
	out=$(awk -F'\t' -v OFS='\t' '$9 != "" && $7 == "" { print $2, $8, $9, $10, $11 }' <<<"$all")
	sed 's/^/  UDT: /' <<<"$out"
	check "tshark: the relayed UDT to the HLR carries 3-octet PCs 100-1-1 (called), 100-2-1 (calling)" \
		grep -qP "^$PC_HLR\t100-1-1,[^\t]*\t8613800138000\t100-2-1,[^\t]*\t8613700000\$" <<<"$out"
	out=$(awk -F'\t' -v OFS='\t' '$7 != "" { print $2, $7, $8, $11 }' <<<"$all")
	sed 's/^/  UDTS: /' <<<"$out"
	check "tshark: the UDTS to the GMSC: cause 1, called PC 100-2-1" \
		grep -qP "^$PC_GMSC\t0x0*1\t100-2-1,[^\t]*\t4412345678\$" <<<"$out"
else
	check "capture on lo" false
fi

finish
