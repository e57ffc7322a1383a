#!/bin/bash
# Privacy audit (issue 6 item 6), run INSIDE User-Mode Linux by tests/uml/uml_run.sh: every ISUP
# call scenario (AXB both ways, AXN, AX and its call-back, AXYB; answered with a Connected Number;
# released with a Redirection Number; incoming IAMs carrying Generic Number, Original Called
# Number, Redirecting Number, Location Number, user-to-user information and access transport with
# the caller's real number), captured on lo. Everything that reaches each switch (its SCTP port,
# decoded by tshark -V with hex dump, and the simulator's RX lines) is searched for the real
# numbers of the parties on the OTHER switches, as text, BCD (both nibble alignments) and IA5:
# zero occurrences. A positive control finds each switch's own parties in what it receives.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

PA=$UML_DIR/privacy_audit.py
X_AXB=700123456780041
X_AXN=700123456780042
X_AX=700123456780043
X_AXYB=700999000000041
Y_AXYB=700999000000042
A2=13800138001 N=13900139001 A3=13800138002 A4=13800138003 B4=13900139003
SWA_NUMS="$A_NUM $A2 $A3 $A4"	# the parties behind switch A
SWB_NUMS="$B_NUM $N $B4"
SWC_NUMS="$C_NUM"

# EXTRAS_n: every number-carrying parameter an IAM may bring, with number n; REL_n: a REL with
# Redirection Number and user-to-user information n; ANM_n: an ANM with Connected Number n
eval "$(python3 "$PA" shell $SWA_NUMS $SWB_NUMS $SWC_NUMS)"

capture_start || die "no capture"
stp_start
isup_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a 86$A_NUM --b 86$B_NUM --expires +1h)"
check "AXN binding" test -n "$(ctl_id create --customer 1 --mode AXN --x $X_AXN --a 86$A2 --b 86$N --expires +1h)"
check "AX binding" test -n "$(ctl_id create --customer 1 --mode AX --x $X_AX --a 86$A3 --expires never --callback yes --callback-window 600)"
check "AXYB binding" test -n "$(ctl_id create --customer 2 --mode AXYB --x $X_AXYB --y $Y_AXYB --a 86$A4 --b 86$B4 --expires +1h)"
sw_start swa 'IAM ACM'
sw_start swb 'IAM ACM'
sw_start swc 'IAM ACM'

# call FROM CIC CALLED CALLING TO ANSWER_NUM RELEASER REL_NUM: an IAM with every extra number
# parameter; the callee answers with a Connected Number; RELEASER (from|to) releases with a
# Redirection Number and user-to-user information
call() {
	local from=$1 cic=$2 called=$3 calling=$4 to=$5 ans=$6 who=$7 rnum=$8 iam tcic ex=EXTRAS_$4 anm=ANM_$6 rel=REL_$8
	sw_mark swa swb swc
	sw "$from" "isup np700 $cic $(python3 "$PA" iam "$called" "$calling" "${!ex}")"
	iam=$(sw_wait "$to" IAM) || { check "$from -> $called reaches $to" false; return; }
	tcic=$(field "$iam" cic)
	check "$from -> $called reaches $to" true
	sw "$to" "isup np700 $tcic ${!anm}"
	check "  answered" sw_got "$from" ANM "$cic"
	if [ "$who" = from ]; then
		sw "$from" "isup np700 $cic ${!rel}"
		check "  released by the caller" sw_got "$to" REL "$tcic"
		sw "$to" "isup np700 $tcic RLC"
	else
		sw "$to" "isup np700 $tcic ${!rel}"
		check "  released by the callee" sw_got "$from" REL "$cic"
		sw "$from" "isup np700 $cic RLC"
	fi
	check "  np700 idle" wait_for 5 calls_idle
}

log "AXB: A calls X -> B; B answers and releases"
call swa 1 $X_AXB $A_NUM swb $B_NUM to $B_NUM
log "AXB: B calls X -> A; A answers and releases"
call swb 2 $X_AXB $B_NUM swa $A_NUM to $A_NUM
call swb 3 $X_AXB $B_NUM swa $A_NUM from $B_NUM
log "AXN: A calls X -> N; C calls X -> A"
call swa 4 $X_AXN $A2 swb $N to $N
call swc 4 $X_AXN $C_NUM swa $A2 from $C_NUM
log "AX: C calls X -> A; A calls X back -> C"
call swc 5 $X_AX $C_NUM swa $A3 to $A3
call swa 5 $X_AX $A3 swc $C_NUM to $C_NUM
log "AXYB: A calls X -> B; B calls Y -> A"
call swa 6 $X_AXYB $A4 swb $B4 from $A4
call swb 6 $Y_AXYB $B4 swa $A4 to $A4
capture_stop

log "audit: what reached each switch, searched for the other switches' parties"
audit() {
	local name=$1 port=$2 others=$3 own=$4 f=$SCRATCH/audit-$1.txt out
	tshark -r "$PCAP" -Y "sctp.dstport == $port && isup" -V -x >"$f" 2>/dev/null
	rx_lines "$name" >>"$f"
	echo "  $name: $(grep -c '^Frame ' "$f") frames, $(rx_lines "$name" | wc -l) RX lines, $(grep -c 'ISDN User Part' "$f") ISUP decodes"
	out=$(python3 "$PA" scan "$f" $others)
	sed 's/^/    other party /' <<<"$out"
	check "nothing towards $name carries another party's number" test "$(awk '{ s += $2 } END { print s + 0 }' <<<"$out")" = 0
	out=$(python3 "$PA" scan "$f" $own)
	check "positive control: $name's own parties are found" test "$(awk '$2 == 0' <<<"$out" | wc -l)" = 0
}
audit swa 3002 "$SWB_NUMS $SWC_NUMS" "$SWA_NUMS"
audit swb 3003 "$SWA_NUMS $SWC_NUMS" "$SWB_NUMS"
audit swc 3004 "$SWA_NUMS $SWB_NUMS" "$SWC_NUMS"
log "and the same numbers did come in (np700 received them): from swa"
f=$SCRATCH/audit-in.txt
tshark -r "$PCAP" -Y "sctp.srcport == 3002 && isup" -V -x >"$f" 2>/dev/null
check "control: the incoming IAMs carry the callers' numbers in the extra parameters" \
	test "$(python3 "$PA" scan "$f" $A_NUM | awk '{ print $2 }')" -ge 10
grep -E 'User-to-user|Access transport|Generic number|Location Number|Redirecting|Original called' "$f" | sort | uniq -c | sed 's/^/  /' | head -12
finish
