#!/bin/bash
# MAP SendRoutingInfo for X leading into an ISUP call, end to end, run INSIDE User-Mode Linux by
# tests/uml/uml_run.sh: the GMSC (ss7-sim, MAP and ISUP) asks np700 SendRoutingInfo for X, gets
# the routing number (X itself, then with a routing-number-prefix), and sends the IAM with that called
# number to np700, whose ISUP relay translates it to B at switch B. An unknown X gets a MAP error.
# tshark decodes np700's SRI answer (opcode, MSISDN/MSRN).
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

A=8613800138000
B=8613900139000
X_AXB=700123456780001
X_NONE=700999999999999

capture_start || true
stp_start
# np700 with the MAP routes and a circuit group towards the GMSC's ISUP side
isup_config | sed -e 's|^ local-ssn 8$| local-ssn 8\n gt-route 86133 pc 1.2.1 ssn 8\n gt-route 700 pc 1.1.1 ssn 0|' \
	-e 's|^ route 86139 circuit-group msc-b format national$|&\n circuit-group gmsc\n  dpc 1.2.1\n  cic 1 31|' \
	-e 's|^\( *logging level set-all notice\)$|\1\n logging level map debug|' >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
map_sim_start gmsc silent
echo "auto REL RLC" >&"${_map_fd[gmsc]}"
sw_start swb 'IAM ACM ANM'

log "provisioning with np700-ctl"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a $A --b $B --expires +1h)"

log "SRI for X from the GMSC"
map_send gmsc "$(map_msg -o 53000001 sri $X_AXB 6 "$GMSC_GT" 8 $X_AXB)"
ans=$(map_wait gmsc dtid=53000001)
echo "  $ans"
expect_match "np700 answered with routing number X" "$ans" "tcap=End .*comp=ReturnResultLast op=22 .*msrn=$X_AXB "
rn=$(dfield "$ans" msrn)

log "the GMSC's IAM with the routing number is translated"
sw_mark swb
echo "iam np700 1 $rn ${A#86}" >&"${_map_fd[gmsc]}"
iam=$(sw_wait swb IAM)
echo "  at swb: $(dec "$iam")"
expect_eq "B sees called = B" "$(dec "$iam" called)" 3:${B#86}
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
check "the GMSC got ANM" wait_line "$SCRATCH/sim-gmsc.out" '^RX si=5 .* type=ANM ' 5
echo "isup np700 1 REL" >&"${_map_fd[gmsc]}"
check "the GMSC's REL is answered" wait_line "$SCRATCH/sim-gmsc.out" '^RX si=5 .* type=RLC ' 5

log "SRI for an unknown X"
map_send gmsc "$(map_msg -o 53000002 sri $X_NONE 6 "$GMSC_GT" 8 $X_NONE)"
expect_match "np700 answered with unknownSubscriber" "$(map_wait gmsc dtid=53000002)" \
	"tcap=End .*comp=ReturnError error=1\$"

log "SRI v2 for X"
map_send gmsc "$(map_msg -v 2 -o 53000003 sri $X_AXB 6 "$GMSC_GT" 8 $X_AXB)"
expect_match "v2: routing number X (with an IMSI)" "$(map_wait gmsc dtid=53000003)" \
	"tcap=End .*ac=5 v=2 .*op=22 imsi=[0-9]+ msrn=$X_AXB "

log "with a routing-number prefix: SRI answers prefix + X, and the IAM to it reaches B"
np700_vty "enable" "configure terminal" "map" "routing-number-prefix 1" "end" >/dev/null
map_send gmsc "$(map_msg -o 53000004 sri $X_AXB 6 "$GMSC_GT" 8 $X_AXB)"
ans=$(map_wait gmsc dtid=53000004)
expect_match "np700 answered with routing number 1 + X" "$ans" "tcap=End .*op=22 .*msrn=1$X_AXB "
sw_mark swb
echo "iam np700 2 1$X_AXB ${A#86}" >&"${_map_fd[gmsc]}"
iam=$(sw_wait swb IAM)
expect_eq "B sees called = B (prefix stripped)" "$(dec "$iam" called)" 3:${B#86}
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
echo "isup np700 2 REL" >&"${_map_fd[gmsc]}"
np700_vty "enable" "configure terminal" "map" "no routing-number-prefix" "end" >/dev/null

capture_stop
if [ -s "$PCAP" ]; then
	out=$(pcap_fields 'gsm_old.localValue == 22 && m3ua.protocol_data_opc == 2057' gsm_old.localValue \
		gsm_map.address.digits \
		sccp.called.digits | sort -u)
	echo "$out"
	check "tshark: np700's SRI answer (22) carries X, to the GMSC's GT" grep -qP "^22\t.*$X_AXB.*\t$GMSC_GT" <<<"$out"
else
	check "capture on lo" false
fi
finish
