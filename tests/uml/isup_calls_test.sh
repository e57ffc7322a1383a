#!/bin/bash
# ISUP relay end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (issue 3 item 8):
# calls of every binding mode through osmo-stp and np700 between switch simulators A, B, C, each
# checking the Called and Calling Party Numbers that ARRIVE at the far switch (decoded by
# tests/uml/isup_dec.py, and once by tshark); the Connected Number of an ANM reaching the caller as
# X; release from either side; an unknown optional parameter passed through byte-identical; the
# call records.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X_AXB=700123456780001
X_AXN=700123456780002
X_AX=700123456780003
X_AXYB=700999000000001
Y_AXYB=700999000000002

capture_start || true
stp_start
isup_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"

log "provisioning with np700-ctl"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a 86$A_NUM --b 86$B_NUM --expires +1h --order e2e-axb)"
check "AXN binding" test -n "$(ctl_id create --customer 1 --mode AXN --x $X_AXN --a 8613800138001 --b 8613900139001 --expires +1h)"
check "AX binding" test -n "$(ctl_id create --customer 1 --mode AX --x $X_AX --a 8613800138002 --expires never --callback yes --callback-window 600)"
check "AXYB binding" test -n "$(ctl_id create --customer 2 --mode AXYB --x $X_AXYB --y $Y_AXYB --a 8613800138003 --b 8613900139003 --expires +1h)"

# B and C answer at once with ACM (B sends its ANM by hand when a test needs a Connected Number)
sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM'
sw_start swc 'IAM ACM ANM'

# call NAME CIC CALLED CALLING FAR: NAME calls; $iam := the IAM line at FAR, $fcic its CIC
call() {
	sw_mark swa swb swc
	sw "$1" "iam np700 $2 $3 $4"
	iam=$(sw_wait "$5" IAM)
	fcic=$(field "$iam" cic)
	echo "  at $5: $(dec "$iam")"
}

# hang_up NAME CIC FAR FAR_CIC: NAME releases; RLC back to NAME, REL (and RLC, by auto) on FAR's leg
hang_up() {
	local far_cic=$4
	sw_mark "$1" "$3"
	sw "$1" "isup np700 $2 REL"
	check "  $1's REL answered with RLC" sw_got "$1" RLC "$2"
	check "  REL reached $3 on CIC $far_cic" sw_got "$3" REL "$far_cic"
	check "  np700 has no call left" wait_for 5 calls_idle
}

log "AXB: A calls X, reaches B; an unknown optional parameter rides along; B answers with a Connected Number"
sw_mark swa swb swc
sw swa "isup np700 1 $(python3 "$ISUP_DEC" -e iam $X_AXB $A_NUM fe03aabbcc)"
iam=$(sw_wait swb IAM)
echo "  at swb: $(dec "$iam")"
expect_eq "B sees called = B's real number" "$(dec "$iam" called)" 3:$B_NUM
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
expect_eq "the unknown parameter 0xfe arrived byte-identical" "$(dec "$iam" param.fe)" aabbcc
expect_eq "the IAM came from np700" "$(field "$iam" opc)" 1.1.1
bcic=$(field "$iam" cic)
check "A receives B's ACM" sw_got swa ACM 1
sw swb "isup np700 $bcic $(python3 "$ISUP_DEC" -e anm $B_NUM)"
anm=$(sw_wait swa ANM 1)
echo "  at A: $(dec "$anm")"
expect_eq "the Connected Number reaches A as X" "$(dec "$anm" connected)" 3:$X_AXB
hang_up swa 1 swb "$bcic"

log "AXB again: this time B releases"
call swa 2 $X_AXB $A_NUM swb
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
bcic=$(field "$iam" cic)
check "A receives the ACM" sw_got swa ACM 2
hang_up swb "$bcic" swa 2

log "AXB: B calls X, reaches A"
call swb 5 $X_AXB $B_NUM swa
expect_eq "A sees called = A's real number" "$(dec "$iam" called)" 3:$A_NUM
expect_eq "A sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
check "B receives A's ACM and ANM" sw_got swb ANM 5
hang_up swb 5 swa "$fcic"

log "AXN: A calls X, reaches N (at B)"
call swa 3 $X_AXN 13800138001 swb
expect_eq "N sees called = N" "$(dec "$iam" called)" 3:13900139001
expect_eq "N sees calling = X" "$(dec "$iam" calling)" 3:$X_AXN
hang_up swa 3 swb "$fcic"
log "AXN: someone else (C) calls X, reaches A"
call swc 3 $X_AXN $C_NUM swa
expect_eq "A sees called = A" "$(dec "$iam" called)" 3:13800138001
expect_eq "A sees calling = X" "$(dec "$iam" calling)" 3:$X_AXN
hang_up swc 3 swa "$fcic"

log "AX: C calls X, reaches A; A calls X back and reaches C"
call swc 4 $X_AX $C_NUM swa
expect_eq "A sees called = A" "$(dec "$iam" called)" 3:13800138002
expect_eq "A sees calling = X" "$(dec "$iam" calling)" 3:$X_AX
hang_up swc 4 swa "$fcic"
call swa 4 $X_AX 13800138002 swc
expect_eq "the call-back reaches C (called = C)" "$(dec "$iam" called)" 3:$C_NUM
expect_eq "C sees calling = X" "$(dec "$iam" calling)" 3:$X_AX
hang_up swa 4 swc "$fcic"

log "AXYB: A calls X, reaches B, who sees Y; B calls Y, reaches A, who sees X"
call swa 6 $X_AXYB 13800138003 swb
expect_eq "B sees called = B" "$(dec "$iam" called)" 3:13900139003
expect_eq "B sees calling = Y" "$(dec "$iam" calling)" 3:$Y_AXYB
hang_up swa 6 swb "$fcic"
call swb 6 $Y_AXYB 13900139003 swa
expect_eq "A sees called = A" "$(dec "$iam" called)" 3:13800138003
expect_eq "A sees calling = X" "$(dec "$iam" calling)" 3:$X_AXYB
hang_up swb 6 swa "$fcic"

log "call records"
wait_for 5 cdr_count_ge 9
cdr_lines | sed 's/^/  /'
rec=$(cdr_lines | grep ",e2e-axb," | head -1)
check "the first AXB call's record says answered, released by the caller" \
	grep -qE ",$X_AXB,86$A_NUM,86$B_NUM,$X_AXB,$X_AXB,1,[0-9]+,e2e-axb,answered,[^,]*,16,caller," <<<"$rec"
check "one record per call (9 calls)" test "$(cdr_lines | wc -l)" = 9

capture_stop
if [ -s "$PCAP" ]; then
	log "tshark decodes np700's IAMs (OPC 1.1.1 = 2057)"
	out=$(pcap_fields 'isup.message_type == 1 && m3ua.protocol_data_opc == 2057' isup.called isup.calling)
	sed 's/^/  /' <<<"$out"
	check "tshark: np700's IAM to B carries called $B_NUM, calling $X_AXB" \
		grep -qP "^$B_NUM\t$X_AXB\$" <<<"$out"
	check "tshark: np700's IAM to A carries called $A_NUM, calling $X_AXB" \
		grep -qP "^$A_NUM\t$X_AXB\$" <<<"$out"
	check "tshark: no real number of A or B is shown as calling in np700's IAMs" \
		test -z "$(awk -F'\t' '$2 ~ /^(138|139|137)/' <<<"$out")"
else
	check "capture on lo" false
fi

finish
