#!/bin/bash
# Fault injection (issue 6 item 3 b-d), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# - the call records directory is a tiny tmpfs, filled up: np700 logs a clear error, counts the
#   lost records (show records) and signalling runs on;
# - np700 is SIGKILLed during a provisioning bulk load, a call load and three held calls, and
#   restarted: the store opens, every acknowledged binding is there, both switches receive GRS for
#   all their circuits, new calls translate;
# - a peer (switch B) disappears in the middle of an answered call: T1 repeats the REL, T5 resets
#   the circuit (RSC) and frees it; nothing stays busy.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X=700123456780021
GRA_31=2901051e00000000
KILL_N=${FAULT_KILL_N:-20000}

busy_circuits() {
	np700_vty "show circuits" | awk '/circuit-group/ { n += $(NF - 3) } END { print n + 0 }'
}

log "records directory: a 64 KiB tmpfs, filled"
mkdir -p "$SCRATCH/records"
mount -t tmpfs -o size=64k tmpfs "$SCRATCH/records" || die "cannot mount tmpfs"
dd if=/dev/zero of="$SCRATCH/records/filler" bs=4k count=64 2>/dev/null
df -k "$SCRATCH/records" | tail -1 | sed 's/^/  /'

stp_start
isup_config | sed 's|^ timer T35 3$|&\n timer T22 2\n timer T1 1\n timer T5 4|' >"$SCRATCH/np700.cfg"
sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
np700_start "$SCRATCH/np700.cfg"
sw swa "isup np700 1 $GRA_31"
sw swb "isup np700 1 $GRA_31"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h)"

log "full records disk: calls go on, records are counted lost"
for cic in 2 3 4 5 6; do
	sw_mark swa swb
	sw swa "iam np700 $cic $X $A_NUM"
	check "call on CIC $cic answered" sw_got swa ANM $cic
	sw swa "isup np700 $cic REL"
	check "  released" sw_got swa RLC $cic
done
sleep 1.5
rec=$(np700_vty "show records" | grep 'Records written')
echo "  $rec"
check "lost records counted" test "$(sed -n 's/.*lost: \([0-9]*\).*/\1/p' <<<"$rec")" -ge 1
check "the log says why" grep -qE 'DCDR .*(Record lost|Flushing .* failed).*(No space|record)' "$SCRATCH/np700.log"
grep -E 'DCDR' "$SCRATCH/np700.log" | head -2 | sed 's/^/  log: /'
rm -f "$SCRATCH/records/filler"

log "held calls, a call load and a provisioning bulk load; then np700 is SIGKILLed"
for cic in 21 22 23; do
	sw_mark swa swb
	sw swa "iam np700 $cic $X $A_NUM"
	check "held call on CIC $cic answered" sw_got swa ANM $cic
done
awk -v n="$KILL_N" 'BEGIN { print "op,mode,customer,x,a,b,expires"
	for (i = 0; i < n; i++) printf "create,AXB,2,700999000%06d,86137%08d,86136%08d,+1d\n", i % 10000, i, i }' >"$SCRATCH/kill.csv"
"$NP700_CTL" -u demo -f csv -w 500 -q bulk <"$SCRATCH/kill.csv" >"$SCRATCH/kill.out" 2>"$SCRATCH/kill.err" &
ctl_pid=$!
sw swa "load np700 1 16 1000000 $X $A_NUM timeout=3000"
acks_ge() {
	[ "$(grep -c ',create,ok,' "$SCRATCH/kill.out")" -ge "$1" ]
}
wait_for 20 acks_ge 2000
sw_mark swa swb
kill -9 "$NP700_PID"
wait "$NP700_PID" 2>/dev/null
wait "$ctl_pid" 2>/dev/null
acked=$(grep -c '^[0-9]*,create,ok,' "$SCRATCH/kill.out")
echo "  killed with $acked of $KILL_N bindings acknowledged, $(grep -c 'TX .*type=IAM' "$SCRATCH/sim-swa.out") IAMs sent by A"
check "the kill came in the middle of the bulk load" test "$acked" -gt 0 -a "$acked" -lt "$KILL_N"

log "np700 restarted"
t0=$(date +%s.%N)
np700_start "$SCRATCH/np700.cfg"
awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "  ASP active %.1f s after the restart\n", e - s }'
check "GRS to swa for CIC 1-31" sw_got swa GRS 1 10
check "GRS to swb for CIC 1-31" sw_got swb GRS 1 10
sw swa "isup np700 1 $GRA_31"
sw swb "isup np700 1 $GRA_31"
awk -F, 'NR == FNR { next } $3 == "ok" { print "get," $7 }' "$SCRATCH/kill.csv" "$SCRATCH/kill.out" |
	sed '1i op,id' >"$SCRATCH/get.csv"
"$NP700_CTL" -u demo -f csv -w 500 -q bulk <"$SCRATCH/get.csv" >"$SCRATCH/get.out" 2>&1
found=$(grep -c '^[0-9]*,get,ok,' "$SCRATCH/get.out")
expect_eq "every acknowledged binding is in the store after the restart" "$found" "$acked"
expect_eq "no circuit busy" "$(busy_circuits)" 0

log "new calls translate; then switch B disappears during an answered call"
sw_mark swa swb
sw swa "iam np700 7 $X $A_NUM"
iam=$(sw_wait swb IAM)
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X
check "answered" sw_got swa ANM 7
sim_stop swb
sw_mark swa
sw swa "isup np700 7 REL"
check "A's REL confirmed" sw_got swa RLC 7
check "np700 repeats the REL (T1) and resets the circuit (T5 = 4 s)" wait_for 8 grep -q 'T5 expired' "$SCRATCH/np700.log"
check "then no call and no busy circuit" wait_for 3 calls_idle
expect_eq "no circuit busy" "$(busy_circuits)" 0
grep -cE 'T1 expired' "$SCRATCH/np700.log" | sed 's/^/  T1 expiries: /'
umount "$SCRATCH/records" 2>/dev/null
finish
