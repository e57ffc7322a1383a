#!/bin/bash
# Fault injection (issue 6 item 3), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# np700 resets its circuits with GRS once its ASP is active (start-up) and stops when the GRA
# comes; osmo-stp is SIGKILLed while calls are up: np700 releases them locally, no circuit stays
# busy; osmo-stp comes back: np700's ASP reconnects by itself, every circuit is reset again towards
# both switches (GRS) so they clear their side too, and new calls translate again.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X=700123456780011
GRA_31=2901051e00000000	# GRA CIC 1 range 30, all 31 circuits unblocked

# busy circuits of all groups (show circuits)
busy_circuits() {
	np700_vty "show circuits" | awk '/circuit-group/ { n += $(NF - 3) } END { print n + 0 }'
}
stp_start
STP_PID=$!
isup_config | sed 's|^ timer T35 3$|&\n timer T22 2|' >"$SCRATCH/np700.cfg"
sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
sw_mark swa swb
np700_start "$SCRATCH/np700.cfg"

log "start-up: np700 resets every circuit group with GRS (CIC 1, range 30 = 31 circuits)"
g=$(sw_wait swb GRS "" 5)
check "swb receives GRS" test -n "$g"
expect_eq "the GRS covers CIC 1-31 (cic=1, range 30)" "$(field "$g" cic) $(field "$g" hex)" "1 01001701011e"
check "swa receives GRS too" sw_got swa GRS "" 5
log "swa answers with GRA; swb does not: np700 repeats only towards swb at T22 (2 s)"
sw swa "isup np700 1 $GRA_31"
sleep 0.5
sw_mark swa swb
check "GRS repeated to swb" sw_got swb GRS 1 5
check "no GRS repeated to swa" sw_none swa GRS 100
sw swb "isup np700 1 $GRA_31"
sleep 0.5
sw_mark swa swb
check "after swb's GRA: no more GRS" sw_none swb GRS 3000

check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h)"
log "three calls A -> X -> B, answered and held"
for cic in 11 12 13; do
	sw_mark swa swb
	sw swa "iam np700 $cic $X $A_NUM"
	check "call on CIC $cic answered" sw_got swa ANM $cic
done
expect_eq "3 circuits busy per side" "$(busy_circuits)" 6

log "osmo-stp killed (SIGKILL) with 3 calls up"
t0=$(date +%s.%N)
kill -9 "$STP_PID"
check "np700 releases the calls locally" wait_for 5 calls_idle
awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "  calls released %.1f s after the kill\n", e - s }'
expect_eq "no circuit busy" "$(busy_circuits)" 0
expect_eq "call:link_lost counts 3" "$(np700_ctr call:link_lost)" 3
check "np700 still alive" kill -0 "$NP700_PID"

log "osmo-stp restarted: np700's ASP comes back by itself"
sw_mark swa swb
t0=$(date +%s.%N)
stp_start
check "np700's ASP active again" wait_asp_active np700 20
awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "  ASP active %.1f s after the restart\n", e - s }'
check "swa's and swb's ASPs active again" wait_for 20 eval '_asp_is_active swa && _asp_is_active swb'
check "np700 resets the circuits towards B (the held calls' CICs included)" sw_got swb GRS 1 10
check "... and towards A" sw_got swa GRS 1 10
sw swa "isup np700 1 $GRA_31"
sw swb "isup np700 1 $GRA_31"

log "new calls translate again"
sw_mark swa swb
sw swa "iam np700 14 $X $A_NUM"
iam=$(sw_wait swb IAM)
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X
check "A's new call answered" sw_got swa ANM 14
sw_mark swa swb
sw swa "isup np700 14 REL"
check "released: RLC to A" sw_got swa RLC 14
check "np700 idle" wait_for 5 calls_idle
expect_eq "no circuit busy" "$(busy_circuits)" 0
grep -E 'signalling link|reset' "$SCRATCH/np700.log" | sed 's/^/  log: /' | head -8
finish
