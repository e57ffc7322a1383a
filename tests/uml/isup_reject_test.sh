#!/bin/bash
# ISUP relay end to end, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (issue 3 item 8):
# rejections (caller not a party of X's binding, X without binding, expired binding) with the
# configured cause and the REL/RLC exchange; malformed IAMs answered per Q.764 and never
# forwarded; overlap dialling (IAM with part of a 700 number, then SAMs) and its T35 time-out;
# the call records of all of it; a binding's call cap across restarts (the calls noted since a
# restart add to the stored count).
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X_AXB=700123456780001
X_EXP=700123456780005
X_NONE=700123456789999
X_CAP=700123456780007

stp_start
# T35 grows with the waits (NP700_WAIT_SCALE, under valgrind): the SAMs come after waits for what
# must not happen. The purge is held off: an expired binding goes up to 64 s after its expiry
# (expiry index buckets), and the expired-binding check must not race it.
isup_config | sed -e "s|^ timer T35 3\$| timer T35 $((3 * WAIT_SCALE))|" \
	-e 's|^ store purge interval .*| store purge interval 600000 batch 1000|' >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"

log "provisioning with np700-ctl: an AXB binding, and one that expires in 2 s"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_AXB --a 86$A_NUM --b 86$B_NUM --expires +1h)"
check "short-lived binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_EXP --a 86$A_NUM --b 86$B_NUM --expires +2 --order e2e-exp)"
exp_at=$(($(date +%s) + 2))

sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
sw_start swc 'IAM ACM ANM'
sw_mark swa swb swc

# rejected NAME CIC CALLED CALLING CAUSE DESC: NAME's IAM is released by np700 with CAUSE
rejected() {
	local rel
	sw_mark "$1"
	sw "$1" "iam np700 $2 $3 $4"
	rel=$(sw_wait "$1" REL "$2")
	echo "  at $1: $(dec "$rel")"
	expect_eq "$6: REL with cause $5" "$(dec "$rel" cause)" "$5"
	# the switch's automatic RLC must free np700's circuit
	check "  the RLC freed the call" wait_for 5 calls_idle
}

log "callers that are no party of X's AXB binding: one at switch A, one at C"
rejected swa 3 $X_AXB 13800138099 55 "caller not allowed (A)"
rejected swc 1 $X_AXB $C_NUM 55 "caller not allowed (C)"
log "X has no binding at all"
rejected swa 1 $X_NONE $A_NUM 1 "no binding"
log "the binding has expired"
while [ "$(date +%s)" -le "$exp_at" ]; do sleep 0.2; done
rejected swa 2 $X_EXP $A_NUM 22 "expired binding"

log "malformed IAMs: answered per Q.764 (REL or CFN), never forwarded"
good=$(python3 "$ISUP_DEC" -e iam $X_AXB $A_NUM)
# octet 6 (after the type and 5 octets of fixed part... counted from the type) is the pointer to
# the Called Party Number: point it far beyond the end
bad_ptr=${good:0:12}7f${good:14}
# the Called Party Number's length octet says 30 octets, the message has far fewer
bad_len=${good:0:16}1e${good:18}
# the optional part lacks its end-of-optional-parameters octet
bad_end=${good%00}
n=0
for bad in "$bad_ptr" "$bad_len" "$bad_end"; do
	n=$((n + 1))
	sw_mark swa swb
	sw swa "isup np700 $((10 + n)) $bad"
	wait_for 10 _sw_has swa '(REL|CFN)' $((10 + n))
	ans=$(_sw_rx swa '(REL|CFN)' $((10 + n)) | head -1)
	echo "  sent $bad; at swa: $(dec "$ans")"
	check "malformed IAM $n answered with REL or CFN" test -n "$ans"
	check "  with a cause" test -n "$(dec "$ans" cause)"
	check "  nothing reached B" sw_none swb IAM 300
	check "  np700 has no call left" wait_for 5 calls_idle
done
malformed=$(np700_vty "show rate-counters" | awk '/ISUP relay/ { g = 1 } g && $1 == "rx:malformed:" { print $2; exit }')
expect_eq "np700 counted the malformed messages (isup rx:malformed)" "$malformed" 3

log "overlap dialling: IAM with 10 digits of X, then SAMs with 3 and 2"
sw_mark swa swb
sw swa "iam np700 20 ${X_AXB:0:10} $A_NUM"
check "nothing goes to B before the number is complete" sw_none swb IAM 300
sw swa "isup np700 20 $(python3 "$ISUP_DEC" -e sam "${X_AXB:10:3}")"
check "nor after the first SAM" sw_none swb IAM 300
sw swa "isup np700 20 $(python3 "$ISUP_DEC" -e sam "${X_AXB:13}")"
iam=$(sw_wait swb IAM)
echo "  at swb: $(dec "$iam")"
expect_eq "B sees called = B" "$(dec "$iam" called)" 3:$B_NUM
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X_AXB
check "B received no SAM (np700 sends the complete number)" sw_none swb SAM 100
check "A receives the ACM" sw_got swa ACM 20
check "and the ANM" sw_got swa ANM 20
sw swa "isup np700 20 REL"
check "A's REL answered with RLC" sw_got swa RLC 20
check "REL reached B" sw_got swb REL "$(field "$iam" cic)"
check "np700 has no call left" wait_for 5 calls_idle

log "overlap time-out: 6 digits and no SAM (T35 = $((3 * WAIT_SCALE)) s in this configuration)"
sw_mark swa swb
sw swa "iam np700 21 ${X_AXB:0:6} $A_NUM"
rel=$(sw_wait swa REL 21 6)
echo "  at swa: $(dec "$rel")"
check "np700 releases the incomplete call" test -n "$rel"
check "nothing reached B" sw_none swb IAM 100
check "np700 has no call left" wait_for 5 calls_idle

log "counters and call records"
np700_vty "show rate-counters" | grep -E 'reject:|call:overlap|call:timeout|rx:malformed' | sed 's/^/  /'
wait_for 5 cdr_count_ge 9
cdr_lines | sed 's/^/  /'
check "one record per attempt (9)" test "$(cdr_lines | wc -l)" = 9
check "record: caller not allowed" grep -qE ",$X_AXB,86$C_NUM,.*,rejected,caller-not-allowed,55,np700," <<<"$(cdr_lines)"
check "record: no binding" grep -qE ",$X_NONE,86$A_NUM,.*,rejected,[^,]*,1,np700," <<<"$(cdr_lines)"
check "record: expired" grep -qE ",$X_EXP,86$A_NUM,.*,e2e-exp,rejected,expired,22,np700," <<<"$(cdr_lines)"
check "record: the overlap call, answered" grep -qE ",$X_AXB,86$A_NUM,86$B_NUM,.*,answered," <<<"$(cdr_lines)"

# capped CIC: a call from A to X_CAP on CIC, answered by B and released by A
capped() {
	local iam
	sw_mark swa swb
	sw swa "iam np700 $1 $X_CAP $A_NUM"
	iam=$(sw_wait swb IAM)
	expect_eq "call on CIC $1 reaches B" "$(dec "$iam" called)" 3:$B_NUM
	check "  answered" sw_got swa ANM "$1" 20
	sw swa "isup np700 $1 REL"
	check "  released" sw_got swa RLC "$1" 20
	check "  np700 has no call left" wait_for 5 calls_idle
}

restart() {
	np700_stop
	np700_start "$SCRATCH/np700.cfg"
	log "np700 restarted"
}

log "call cap 3 across restarts (the usage is written at exit; calls since a restart add to it)"
check "AXB binding with max-calls 3" test -n "$(ctl_id create --customer 1 --mode AXB --x $X_CAP --a 86$A_NUM --b 86$B_NUM --expires +1h --max-calls 3)"
capped 22
restart
capped 23
capped 24
rejected swa 25 $X_CAP $A_NUM 21 "the 4th call (1 stored, 2 since the restart)"
restart
rejected swa 26 $X_CAP $A_NUM 21 "after another restart"
finish
