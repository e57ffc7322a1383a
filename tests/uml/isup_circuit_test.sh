#!/bin/bash
# ISUP relay end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (issue 3 item 8):
# circuit supervision from either switch while a call is up (RSC, GRS/GRA) releasing the other
# leg, a BLO on np700's unanswered IAM (REL there, repeat attempt elsewhere: Q.764 §2.8.2.1),
# a GRS over np700's unanswered IAM (GRA, then the repeat attempt: Q.764 §2.9.3.2),
# and dual seizure of np700's outgoing circuit (Q.764 §2.10.1.4), both when np700 controls
# the circuit (odd CICs: 1.1.1 has the lower point code) and when the far switch does.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X_AXB=700123456780001
X_C=700123456780006 # AXB between A2 (at switch A) and C
A2_NUM=13800138010

stp_start
isup_config >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
check "AXB binding A-B" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a 86$A_NUM --b 86$B_NUM --expires +1h)"
check "AXB binding A2-C" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_C --a 86$A2_NUM --b 86$C_NUM --expires +1h)"

sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
sw_start swc 'IAM ACM ANM'

# answered CIC: A calls X on CIC; the call is answered by B; $bcic := the CIC np700 seized to B
answered() {
	local iam
	sw_mark swa swb swc
	sw swa "iam np700 $1 $X_AXB $A_NUM"
	iam=$(sw_wait swb IAM)
	bcic=$(field "$iam" cic)
	check "  A's call on CIC $1 reaches B on CIC $bcic and is answered" sw_got swa ANM "$1"
}

# attempt CIC: A calls X on CIC; np700's IAM reaches B, which does not answer it yet; $iam := that
# IAM, $bcic := its CIC
attempt() {
	sw_mark swa swb
	sw swa "iam np700 $1 $X_AXB $A_NUM"
	iam=$(sw_wait swb IAM)
	bcic=$(field "$iam" cic)
	echo "  np700 seized CIC $bcic towards B"
	sw_mark swb
}

# repeated CIC [other]: np700 repeats the IAM of attempt() (on another circuit than $bcic: other),
# B alerts at once, A gets the ACM; $bcic2 := the CIC of the repeat
repeated() {
	local iam2
	iam2=$(sw_wait swb IAM)
	bcic2=$(field "$iam2" cic)
	# B answers at once: T7 (20 s) runs from the repeat attempt, and decoding is slow in a busy UML
	[ -n "$bcic2" ] && sw swb "isup np700 $bcic2 ACM"
	echo "  np700 re-attempted on CIC $bcic2: $(dec "$iam2")"
	if [ "${2:-}" = other ]; then
		check "  and the IAM again on another circuit" test -n "$iam2" -a "$bcic2" != "$bcic"
	else
		check "  and the IAM again" test -n "$iam2"
	fi
	expect_eq "  with the same called and calling number" "$(dec "$iam2" called)/$(dec "$iam2" calling)" \
		"$(dec "$iam" called)/$(dec "$iam" calling)"
	check "  no REL towards A" sw_none swa REL 100
	check "  the call goes on: A receives ACM" sw_got swa ACM "$1"
}

circuits_idle() {
	[ "$(np700_vty "show circuits" | grep -cE 'msc-[ab] .* 0 busy')" = 2 ]
}

# released NAME CIC: REL with cause 41 (temporary failure) arrives at NAME on CIC; auto RLC
released() {
	local rel
	rel=$(sw_wait "$1" REL "$2")
	echo "  at $1: $(dec "$rel")"
	check "  REL reached $1 on CIC $2" test -n "$rel"
	check "  np700 has no call and no busy circuit left" wait_for 5 eval "calls_idle && circuits_idle"
}

log "RSC from A on the incoming circuit of an answered call"
answered 1
sw_mark swa swb
sw swa "isup np700 1 RSC"
check "  A receives RLC" sw_got swa RLC 1
released swb "$bcic"

log "RSC from B on the outgoing circuit of an answered call"
answered 2
sw_mark swa swb
sw swb "isup np700 $bcic RSC"
check "  B receives RLC" sw_got swb RLC "$bcic"
released swa 2

log "GRS from B over CICs 1-8 while a call is up on one of them"
answered 3
sw_mark swa swb
# GRS on CIC 1, range and status: length 1, range 7 (8 circuits)
sw swb "isup np700 1 17010107"
gra=$(sw_wait swb GRA 1)
check "  B receives GRA on CIC 1" test -n "$gra"
expect_eq "  GRA's range and status: range 7, none blocked" "$(dec "$gra" param.16)" 0700
released swa 3

log "GRS from A over CICs 1-8 while its call on CIC 4 is up"
answered 4
sw_mark swa swb
sw swa "isup np700 1 17010107"
check "  A receives GRA on CIC 1" sw_got swa GRA 1
released swb "$bcic"

log "dual seizure on an odd CIC (np700 controls it): B's IAM is ignored, np700's call goes on"
sw swb "auto off" "auto REL RLC"
sw_mark swa swb
sw swa "iam np700 5 $X_AXB $A_NUM"
iam=$(sw_wait swb IAM)
bcic=$(field "$iam" cic)
echo "  np700 seized CIC $bcic towards B"
check "  that CIC is odd" test $((bcic % 2)) = 1
sw swb "iam np700 $bcic $X_AXB $B_NUM"
check "  np700 does not answer B's IAM" sw_none swb '(REL|RLC|ACM|RSC)' 500
check "  nor passes it to A" sw_none swa IAM 100
sw swb "isup np700 $bcic ACM" "isup np700 $bcic ANM"
check "  np700's call completes: A receives ACM" sw_got swa ACM 5
check "  and ANM" sw_got swa ANM 5
sw swa "isup np700 5 REL"
check "  A's REL answered with RLC" sw_got swa RLC 5
check "  B receives REL" sw_got swb REL "$bcic"
check "  np700 has no call left" wait_for 5 calls_idle
ds=$(np700_ctr call:dual_seizure)
expect_eq "  np700 counted the dual seizure" "$ds" 1

log "BLO from B on the circuit of np700's IAM before any backward message: the attempt is released, the call tried on another circuit (Q.764 2.8.2.1)"
attempt 7
sw swb "isup np700 $bcic BLO"
check "  B receives BLA" sw_got swb BLA "$bcic"
rel=$(sw_wait swb REL "$bcic")
echo "  at swb: $(dec "$rel")"
check "  and REL on that circuit" test -n "$rel"
repeated 7 other
sw swb "isup np700 $bcic2 ANM"
check "  and ANM" sw_got swa ANM 7
sw swa "isup np700 7 REL"
check "  A's REL answered with RLC" sw_got swa RLC 7
check "  B receives REL on the new circuit" sw_got swb REL "$bcic2"
sw swb "isup np700 $bcic UBL"
check "  B's UBL answered with UBA" sw_got swb UBA "$bcic"
check "  np700 has no call and no busy circuit left" wait_for 5 eval "calls_idle && circuits_idle"

log "GRS from B over the circuit of np700's IAM before any backward message: GRA, then the IAM again (Q.764 2.9.3.2)"
attempt 9
# GRS on that CIC, range and status: length 1, range 1 (2 circuits)
sw swb "isup np700 $bcic 17010101"
gra=$(sw_wait swb GRA "$bcic")
check "  B receives GRA on CIC $bcic" test -n "$gra"
repeated 9
sw swa "isup np700 9 REL"
check "  A's REL answered with RLC" sw_got swa RLC 9
check "  B receives REL on the new circuit" sw_got swb REL "$bcic2"
check "  np700 has no call and no busy circuit left" wait_for 5 eval "calls_idle && circuits_idle"

log "dual seizure on an even CIC (C controls it): np700 backs off and seizes another circuit"
# C blocks its odd circuits (CGB, maintenance; range 30 = CICs 1-31, status 0x55: every other one)
sw_mark swc
sw swc "isup np700 1 180001051e55555555" "auto off" "auto REL RLC"
check "  C receives CGBA" sw_got swc CGBA 1
sw_mark swa swc
sw swa "iam np700 6 $X_C $A2_NUM"
iam=$(sw_wait swc IAM)
ccic=$(field "$iam" cic)
echo "  np700 seized CIC $ccic towards C"
check "  that CIC is even" test $((ccic % 2)) = 0
sw_mark swa swc
# C's own call to X on the same circuit, before it saw np700's IAM
sw swc "iam np700 $ccic $X_C $C_NUM"
iam2=$(sw_wait swc IAM "" 3)
ccic2=$(field "$iam2" cic)
echo "  np700 re-attempted on CIC $ccic2: $(dec "$iam2")"
check "  np700 re-attempts A's call on another circuit" test -n "$iam2" -a "$ccic2" != "$ccic"
expect_eq "  with the same called number" "$(dec "$iam2" called)" 3:$C_NUM
iam3=$(sw_wait swa IAM)
echo "  at swa: $(dec "$iam3")"
expect_eq "  C's call (the winner) reaches A2 with calling = X" "$(dec "$iam3" called)/$(dec "$iam3" calling)" \
	3:$A2_NUM/3:$X_C
check "  no REL towards A for the lost seizure" sw_none swa REL 100

ds=$(np700_ctr call:dual_seizure)
expect_eq "np700 counted both dual seizures" "$ds" 2
np700_vty "show calls" | sed 's/^/  /'
finish
